import http from "node:http";

/** One system under test, as a client sees it. */
export interface Target {
  name: string;
  /** Full URL of its chat completions endpoint. */
  url: string;
  /** Request headers for the i-th request (e.g. rotating API keys). */
  headers: (i: number) => Record<string, string>;
  /** Serialized request bodies, non-streaming and streaming. */
  body: { json: string; stream: string };
  /** Text every complete answer must contain (checks the answer, e.g. a restored placeholder). */
  expect: string;
  /** Keep-alive connections, reused across batches like a real client's. */
  agent: http.Agent;
}

export interface BatchOptions {
  count: number;
  concurrency: number;
  stream: boolean;
}

export interface BatchResult {
  /** Time to the whole answer (JSON) or to `[DONE]` (stream), ms, per request. */
  total: number[];
  /** Streams only: time to the first event carrying generated text, ms. */
  firstToken: number[];
  /** Wall-clock time of the whole batch, ms. */
  wallMs: number;
  /** Requests that failed: non-200, broken connection, or an answer missing `expect`. */
  errors: number;
  /** The first failure, for the report. */
  firstError?: string;
}

/** A keep-alive agent with room for `sockets` connections. */
export function keepAliveAgent(sockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
}

/**
 * Index just past the first SSE event whose first choice's delta has text, or
 * -1 when `text` holds none yet (events are `data: …\n\n`).
 */
export function firstTokenEventEnd(text: string): number {
  let from = 0;
  for (;;) {
    const end = text.indexOf("\n\n", from);
    if (end < 0) return -1;
    const line = text.slice(from, end).trim();
    from = end + 2;
    if (!line.startsWith("data:")) continue;
    const data = line.slice(5).trim();
    if (data === "[DONE]") continue;
    try {
      const content = (JSON.parse(data) as { choices?: Array<{ delta?: { content?: unknown } }> })
        .choices?.[0]?.delta?.content;
      if (typeof content === "string" && content.length > 0) return from;
    } catch {
      // not a JSON event: not a token
    }
  }
}

/** Sends one request and times it; rejects on any failure. */
function once(target: Target, i: number, stream: boolean): Promise<{ total: number; firstToken: number }> {
  const body = stream ? target.body.stream : target.body.json;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let firstToken = Number.NaN;
    const req = http.request(
      target.url,
      {
        method: "POST",
        agent: target.agent,
        headers: {
          ...target.headers(i),
          "content-type": "application/json",
          "content-length": String(Buffer.byteLength(body)),
        },
      },
      (res) => {
        res.setEncoding("utf8");
        let text = "";
        res.on("data", (chunk: string) => {
          text += chunk;
          if (stream && Number.isNaN(firstToken) && firstTokenEventEnd(text) >= 0) {
            firstToken = performance.now() - started;
          }
        });
        res.on("end", () => {
          const total = performance.now() - started;
          if (res.statusCode !== 200) return reject(new Error(`${res.statusCode}: ${text.slice(0, 300)}`));
          if (stream && !text.includes("data: [DONE]")) return reject(new Error("stream without [DONE]"));
          if (stream && Number.isNaN(firstToken)) return reject(new Error("stream without a token"));
          if (!stream && !text.includes(target.expect))
            return reject(new Error(`answer lacks ${JSON.stringify(target.expect)}: ${text.slice(0, 300)}`));
          resolve({ total, firstToken });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * Sends `count` requests to a target, `concurrency` at a time (each worker
 * sends its next request as soon as its last one finished: a closed loop).
 */
export async function runBatch(target: Target, o: BatchOptions, offset = 0): Promise<BatchResult> {
  const result: BatchResult = { total: [], firstToken: [], wallMs: 0, errors: 0 };
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < o.count) {
      const i = next++;
      try {
        const t = await once(target, offset + i, o.stream);
        result.total.push(t.total);
        if (o.stream) result.firstToken.push(t.firstToken);
      } catch (err) {
        result.errors++;
        result.firstError ??= `${target.name}: ${(err as Error).message}`;
      }
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  result.wallMs = performance.now() - started;
  return result;
}

/**
 * Opens `count` streams that stay open (the upstream sends one event, then
 * nothing) and resolves once every one has delivered its first event; close
 * them with the returned function.
 */
export async function openIdleStreams(
  target: Target,
  count: number,
  body: string,
): Promise<{ close: () => Promise<void>; errors: number; firstError?: string }> {
  const agent = new http.Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });
  const requests: http.ClientRequest[] = [];
  const opened = await Promise.allSettled(
    Array.from(
      { length: count },
      (_, i) =>
        new Promise<void>((resolve, reject) => {
          const req = http.request(target.url, {
            method: "POST",
            agent,
            headers: {
              ...target.headers(i),
              "content-type": "application/json",
              "content-length": String(Buffer.byteLength(body)),
            },
          });
          requests.push(req);
          req.on("response", (res) => {
            if (res.statusCode !== 200) return reject(new Error(`status ${res.statusCode}`));
            res.setEncoding("utf8");
            let text = "";
            const onData = (chunk: string) => {
              text += chunk;
              if (text.includes("\n\n")) {
                res.off("data", onData);
                res.resume();
                resolve();
              }
            };
            res.on("data", onData);
            res.on("error", () => undefined);
          });
          req.on("error", reject);
          req.end(body);
        }),
    ),
  );
  const failures = opened.filter((r): r is PromiseRejectedResult => r.status === "rejected");
  return {
    errors: failures.length,
    firstError: failures[0] ? String(failures[0].reason) : undefined,
    close: async () => {
      for (const req of requests) req.destroy();
      agent.destroy();
      await new Promise((r) => setTimeout(r, 200));
    },
  };
}
