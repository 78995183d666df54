import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * The benchmarks' stand-in provider: an OpenAI-compatible chat completions
 * endpoint that answers at once and always the same way, so that what a
 * gateway adds is all that differs between targets. Unlike the tests'
 * stand-in it records nothing (memory stays flat over thousands of requests).
 *
 * - any model: answers "echo: <last user text>" with fixed usage; as SSE, the
 *   first event carries the first piece of text and the rest follow at once,
 *   16 characters an event, then usage (when asked) and `[DONE]`.
 * - `idle`: a stream that sends its headers and one event, then nothing until
 *   the caller goes away (open idle streams, for memory per stream).
 *
 * Run as its own process: `node --import tsx bench-upstream.ts`; it prints
 * `listening <port>` on stdout once bound to 127.0.0.1.
 */
const USAGE = { prompt_tokens: 92, completion_tokens: 96, total_tokens: 188 };
const PIECE = 16;

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end('{"error":{"message":"not found"}}');
      return;
    }
    let body: {
      model?: string;
      stream?: boolean;
      stream_options?: { include_usage?: boolean };
      messages?: Array<{ role: string; content: unknown }>;
    };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      res.writeHead(400, { "content-type": "application/json" });
      res.end('{"error":{"message":"invalid JSON"}}');
      return;
    }
    const model = String(body.model ?? "echo");
    const lastUser = [...(body.messages ?? [])].reverse().find((m) => m.role === "user");
    const reply = `echo: ${typeof lastUser?.content === "string" ? lastUser.content : ""}`;
    const base = { id: "chatcmpl-bench", created: 1_700_000_000, model, system_fingerprint: "fp_bench" };

    if (body.stream !== true) {
      if (model === "idle") return; // never answers
      const payload = JSON.stringify({
        ...base,
        object: "chat.completion",
        choices: [
          { index: 0, message: { role: "assistant", content: reply }, finish_reason: "stop", logprobs: null },
        ],
        usage: USAGE,
      });
      res.writeHead(200, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(payload),
      });
      res.end(payload);
      return;
    }

    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    const event = (delta: object, finish: string | null = null) =>
      `data: ${JSON.stringify({ ...base, object: "chat.completion.chunk", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    res.write(event({ role: "assistant", content: reply.slice(0, PIECE) }));
    if (model === "idle") return; // holds the stream open until the caller leaves
    let rest = "";
    for (let i = PIECE; i < reply.length; i += PIECE) rest += event({ content: reply.slice(i, i + PIECE) });
    rest += event({}, "stop");
    if (body.stream_options?.include_usage === true) {
      rest += `data: ${JSON.stringify({ ...base, object: "chat.completion.chunk", choices: [], usage: USAGE })}\n\n`;
    }
    res.end(`${rest}data: [DONE]\n\n`);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
});
process.on("SIGTERM", () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
