import http from "node:http";
import https from "node:https";
import type { Readable } from "node:stream";
import { UpstreamTimeoutError } from "@masque/shared";

// One pool per scheme, kept per origin by the agent. Free sockets close after 4 s
// (sooner if the provider's Keep-Alive header says so), as undici's fetch did, so
// we do not reuse a connection the provider is about to drop. No cap on sockets
// per origin, as with fetch: each open stream holds one for its whole length, so a
// cap would make the next chat wait for someone else's answer to end.
const agentOptions = { keepAlive: true, maxSockets: Number.POSITIVE_INFINITY, timeout: 4_000 };
const httpAgent = new http.Agent(agentOptions);
const httpsAgent = new https.Agent(agentOptions);
const utf8 = new TextDecoder();

/** A provider's answer: status and headers, and a body to read once, whole or as it arrives. */
export interface HttpPostResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  /** The body as it arrives, in Buffers; destroying it closes the connection. */
  readonly body: http.IncomingMessage;
  /** The whole body's bytes, exactly as received. */
  bytes(): Promise<Buffer>;
  /** The whole body parsed as JSON (a UTF-8 BOM is ignored, as `fetch` does). */
  json(): Promise<unknown>;
  /** Stops reading: the connection is kept only if the body has already arrived whole. */
  discard(): void;
}

export interface HttpPostOptions {
  /** Aborting destroys the request at once, before or after the headers arrive; rejects with its reason. */
  signal: AbortSignal;
  /** How long to wait for the response headers; then rejects with {@link UpstreamTimeoutError}. */
  timeoutMs: number;
}

/**
 * POSTs `body` with exactly `headers` (node adds only Host, Connection and the
 * Content-Length set here) over a pooled keep-alive connection, and resolves
 * once the response headers arrive. Redirects are not followed and no cookies
 * are kept: every status comes back as it is. Leaner than `fetch`, which
 * builds WHATWG Request, Headers and streams for every call.
 */
export function httpPost(
  url: string,
  headers: Record<string, string>,
  body: string,
  options: HttpPostOptions,
): Promise<HttpPostResponse> {
  const { signal, timeoutMs } = options;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const secure = url.startsWith("https:");
    const request = (secure ? https : http).request(url, {
      method: "POST",
      agent: secure ? httpsAgent : httpAgent,
      headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
    });
    let response: http.IncomingMessage | undefined;
    const onAbort = () => {
      if (response) response.destroy(signal.reason);
      else request.destroy(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    const stopListening = () => signal.removeEventListener("abort", onAbort);
    const timer = setTimeout(() => request.destroy(new UpstreamTimeoutError(timeoutMs)), timeoutMs);

    // After the headers, failures show on the response; the request may still
    // report the same one, which is settled already.
    request.on("error", (err) => {
      clearTimeout(timer);
      if (response) return;
      stopListening();
      reject(err);
    });
    request.once("response", (res) => {
      clearTimeout(timer);
      response = res;
      res.once("close", stopListening);
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        body: res,
        bytes: () => readAll(res),
        json: async () => JSON.parse(utf8.decode(await readAll(res))),
        discard: () => releaseBody(res),
      });
    });
    request.end(body);
  });
}

/**
 * Stops reading a response body: one that has arrived whole is drained, which
 * keeps its connection for the next request; any other is destroyed, closing it.
 */
export function releaseBody(body: Readable & { complete?: boolean }): void {
  if (body.complete) body.resume();
  else body.destroy();
}

function readAll(res: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on("data", (chunk: Buffer) => chunks.push(chunk));
    res.once("end", () => resolve(chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks)));
    res.once("error", reject);
    // Destroyed without an error (aborted quietly): never leave the reader waiting.
    res.once("close", () => reject(new Error("The response closed before its end.")));
  });
}
