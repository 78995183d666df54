import http from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** One request the scripted upstream received. */
export interface ScriptedRequest {
  model: string;
  body: Record<string, unknown>;
  /** Set when the gateway closed the connection before the answer finished. */
  closedEarly: boolean;
}

/**
 * An OpenAI-compatible provider whose behaviour is named by the upstream model
 * id, for load and fault tests (the shared `StandInUpstream` covers the API's
 * ordinary answers):
 * - `echo`: "echo: <last user text>", whole or streamed in 4-character pieces.
 * - `drip-<n>-<ms>`: streams `n` tokens (`t0 `, `t1 `, …), one every `ms`; usage last.
 * - `stall-<k>`: streams `k` tokens, then sends nothing more, connection open.
 * - `reset-<k>`: streams `k` tokens, then destroys the connection.
 * - `malformed-<k>`: streams `k` tokens, then an event that is not JSON, then ends.
 * - `errorevent-<k>`: streams `k` tokens, then an `{"error":…}` event, then ends.
 * - `resetnow`: destroys the connection before answering anything.
 * - `hang`: never answers.
 * - `status-<code>`: fails with that status.
 * - `flaky-<code>`: every other request fails with that status, the rest echo.
 * Streams report usage `{prompt_tokens: 11, completion_tokens: <tokens sent>}`
 * only when they end normally.
 */
export class ScriptedUpstream {
  readonly requests: ScriptedRequest[] = [];
  private server: http.Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly flakyCounts = new Map<string, number>();

  get baseUrl(): string {
    if (!this.server) throw new Error("scripted upstream not started");
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    // Hundreds of streams at once: no socket cap, no idle timeouts cutting slow ones.
    this.server.maxConnections = 10_000;
    this.server.keepAliveTimeout = 60_000;
    this.server.on("connection", (s) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
    await new Promise<void>((r) => this.server?.listen(0, "127.0.0.1", r));
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => this.server?.close(r));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      // answered below as an unknown model
    }
    if (req.url === "/v1/models") return json(res, 200, { object: "list", data: [] });
    const model = String(body.model ?? "");
    const record: ScriptedRequest = { model, body, closedEarly: false };
    this.requests.push(record);
    res.on("close", () => {
      if (!res.writableFinished) record.closedEarly = true;
    });

    const [name = "", a, b] = model.split("-");
    const status = name === "status" ? Number(a) : undefined;
    if (name === "flaky") {
      const n = (this.flakyCounts.get(model) ?? 0) + 1;
      this.flakyCounts.set(model, n);
      if (n % 2 === 1) return fail(res, Number(a));
    }
    if (status) return fail(res, status);
    if (name === "resetnow") return void req.socket.destroy();
    if (name === "hang") return;

    const messages = (body.messages as Array<{ role: string; content: unknown }>) ?? [];
    const lastUser = [...messages].reverse().find((m) => m.role === "user");
    const userText = typeof lastUser?.content === "string" ? lastUser.content : "";
    const base = { id: "chatcmpl-scripted", created: 1_700_000_000, model };

    if (body.stream !== true) {
      const content = name === "drip" ? tokens(Number(a)).join("") : `echo: ${userText}`;
      return json(res, 200, {
        ...base,
        object: "chat.completion",
        choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
        usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 },
      });
    }

    res.writeHead(200, { "content-type": "text/event-stream" });
    const send = (data: unknown) =>
      res.write(`data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`);
    const chunk = (delta: object, finish: string | null = null) =>
      send({
        ...base,
        object: "chat.completion.chunk",
        choices: [{ index: 0, delta, finish_reason: finish }],
      });
    const finish = (completionTokens: number) => {
      chunk({}, "stop");
      if ((body.stream_options as { include_usage?: boolean } | undefined)?.include_usage) {
        send({
          ...base,
          object: "chat.completion.chunk",
          choices: [],
          usage: {
            prompt_tokens: 11,
            completion_tokens: completionTokens,
            total_tokens: 11 + completionTokens,
          },
        });
      }
      res.end("data: [DONE]\n\n");
    };

    chunk({ role: "assistant", content: "" });
    if (name === "echo") {
      const reply = `echo: ${userText}`;
      for (let i = 0; i < reply.length; i += 4) chunk({ content: reply.slice(i, i + 4) });
      return finish(7);
    }
    const count = Number(a);
    const interval = name === "drip" ? Number(b) : 5;
    for (const [i, token] of tokens(count).entries()) {
      if (i > 0) await sleep(interval);
      if (res.destroyed) return;
      chunk({ content: token });
    }
    if (name === "drip") return finish(count);
    if (name === "stall") return; // connection left open, nothing more
    if (name === "reset") return void setTimeout(() => req.socket.destroy(), 10);
    if (name === "malformed") {
      send("{not json");
      return void res.end();
    }
    if (name === "errorevent") {
      send({ error: { message: "overloaded; upstream detail sk-upstream-secret", type: "server_error" } });
      return void res.end();
    }
    finish(count);
  }
}

/** The tokens `drip-<n>-…` and friends send: `t0 `, `t1 `, …. */
export function tokens(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `t${i} `);
}

function fail(res: http.ServerResponse, status: number): void {
  json(res, status, { error: { message: "scripted failure; upstream detail sk-upstream-secret" } });
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
