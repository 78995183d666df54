import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import {
  InvalidRequestError,
  ModelUnavailableError,
  UpstreamError,
  UpstreamTimeoutError,
} from "@masque/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postToProvider, readEventsWithIdleTimeout } from "./post-to-provider.ts";
import type { ProviderConfig } from "./providers-config.ts";

// The provider call over node:http against a real server on 127.0.0.1: what
// reaches the provider, how each failure maps, and that connections are reused
// but closed at once when the client goes away.

interface Seen {
  headers: http.IncomingHttpHeaders;
  body: string;
  socket: number;
}

const seen: Seen[] = [];
const closedEarly: string[] = [];
let server: http.Server;
let baseUrl = "";
let sockets = 0;
/** Requests to /gather wait here until `gatherUntil` of them have arrived, then all are answered. */
const gathered: http.ServerResponse[] = [];
let gatherUntil = Number.POSITIVE_INFINITY;

beforeAll(async () => {
  server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const socket = (req.socket as { id?: number }).id ?? 0;
    seen.push({ headers: req.headers, body: Buffer.concat(chunks).toString(), socket });
    res.on("close", () => {
      if (!res.writableFinished) closedEarly.push(req.url ?? "");
    });
    switch (req.url) {
      case "/ok":
        return res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
      case "/redirect":
        return res.writeHead(307, { location: `${baseUrl}/ok` }).end();
      case "/rejected":
        return res.writeHead(400).end('{"error":{"message":"context too long","type":"x"}}');
      case "/busy":
        return res.writeHead(429).end("slow down");
      case "/hang":
        return; // never answers
      case "/gather":
        gathered.push(res);
        if (gathered.length >= gatherUntil) for (const r of gathered.splice(0)) r.writeHead(200).end("{}");
        return;
      case "/sse":
        res.writeHead(200, { "content-type": "text/event-stream" });
        return res.end('data: {"a":1}\n\ndata: [DONE]\n\n');
      case "/trickle":
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write("data: 1\n\n"); // …and then nothing until the client leaves
        return;
    }
    res.writeHead(404).end();
  });
  server.on("connection", (socket) => {
    (socket as { id?: number }).id = ++sockets;
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const provider = { id: "local-test" } as ProviderConfig;
const call = (path: string, options: { signal?: AbortSignal; timeoutMs?: number } = {}) =>
  postToProvider(provider, `${baseUrl}${path}`, { authorization: "Bearer sk-pool" }, '{"model":"m"}', {
    signal: options.signal ?? new AbortController().signal,
    timeoutMs: options.timeoutMs ?? 2_000,
  });

describe("postToProvider", () => {
  it("sends our headers and nothing else, and the body once with its length", async () => {
    const response = await call("/ok");
    expect(await response.json()).toEqual({ ok: true });
    const last = seen.at(-1);
    expect(last?.body).toBe('{"model":"m"}');
    expect(last?.headers).toEqual({
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "user-agent": "masque-gateway",
      authorization: "Bearer sk-pool",
      "content-length": "13",
      host: baseUrl.slice("http://".length),
      connection: "keep-alive",
    });
  });

  it("reuses the connection, after a JSON answer and after a stream that ended", async () => {
    await (await call("/ok")).bytes();
    const stream = await call("/sse");
    for await (const data of readEventsWithIdleTimeout(stream.body, 1_000)) if (data === "[DONE]") break;
    // Stopping at [DONE] drains the rest; the socket is free once the body closes.
    if (!stream.body.closed) await once(stream.body, "close");
    await (await call("/ok")).bytes();
    const [a, b, c] = seen.slice(-3).map((s) => s.socket);
    expect(b).toBe(a);
    expect(c).toBe(a);
  });

  it("never follows a redirect: it is a provider error", async () => {
    const before = seen.length;
    await expect(call("/redirect")).rejects.toBeInstanceOf(UpstreamError);
    expect(seen.length).toBe(before + 1);
  });

  it("maps a rejected request to 400 with the provider's message only, and 429 to 503", async () => {
    const rejected = await call("/rejected").catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(InvalidRequestError);
    expect((rejected as Error).message).toBe("The model provider rejected the request: context too long");
    await expect(call("/busy")).rejects.toBeInstanceOf(ModelUnavailableError);
  });

  it("gives up on the headers after timeoutMs with 504, closing the connection", async () => {
    await expect(call("/hang", { timeoutMs: 100 })).rejects.toBeInstanceOf(UpstreamTimeoutError);
    await expect.poll(() => closedEarly.includes("/hang")).toBe(true);
  });

  it("is 503 when the provider cannot be reached", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const err = await postToProvider(provider, `http://127.0.0.1:${port}/x`, {}, "{}", {
      signal: new AbortController().signal,
      timeoutMs: 1_000,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelUnavailableError);
  });

  it("closes the provider's connection at once when the client aborts mid-stream", async () => {
    const abort = new AbortController();
    const response = await call("/trickle", { signal: abort.signal });
    const events = readEventsWithIdleTimeout(response.body, 5_000);
    expect((await events.next()).value).toBe("1");
    const pending = events.next();
    const reason = new Error("client gone");
    abort.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await expect.poll(() => closedEarly.includes("/trickle")).toBe(true);
  });

  it("opens as many connections to one provider as there are calls in flight: none waits for another's answer", async () => {
    // More than a capped pool would hold (Node's agents used to default to 256 per origin).
    gatherUntil = 600;
    const responses = await Promise.all(
      Array.from({ length: 600 }, () => call("/gather", { timeoutMs: 20_000 })),
    );
    expect(responses.every((r) => r.status === 200)).toBe(true);
    await Promise.all(responses.map((r) => r.bytes()));
  });

  it("rejects with the abort reason when aborted before the headers", async () => {
    const abort = new AbortController();
    const reason = new Error("shutting down");
    const pending = call("/hang", { signal: abort.signal, timeoutMs: 5_000 });
    setTimeout(() => abort.abort(reason), 50);
    await expect(pending).rejects.toBe(reason);
  });
});
