import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import { RequestError } from "@hono/node-server";
import { API_SECURITY_HEADERS } from "../web/security-headers.ts";

/** Node's cap on the request line and headers together (`--max-http-header-size`, 16 KB by default). */
const HEADER_LIMIT_BYTES = 16 * 1024;

/**
 * Answers a request Node's HTTP parser refused before it reached the app
 * (oversized headers, an unknown method, malformed syntax) in OpenAI's error
 * shape instead of Node's bare status line, then closes the connection. What
 * the client sent is never quoted or logged: it may hold a key.
 * @see https://nodejs.org/api/http.html#event-clienterror
 */
export function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  // A connection reset, or a response already under way: nothing sensible can be written.
  const busy = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (err.code === "ECONNRESET" || !socket.writable || busy?.headersSent) {
    socket.destroy();
    return;
  }
  const [status, code, message] =
    err.code === "HPE_HEADER_OVERFLOW"
      ? [
          431,
          "request_header_fields_too_large",
          `The request line and headers are larger than the limit of ${HEADER_LIMIT_BYTES} bytes.`,
        ]
      : err.code === "HPE_REQUEST_TIMEOUT" || err.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? [408, "request_timeout", "The request was not received in time."]
        : [400, "invalid_http", "The request is not valid HTTP/1.1."];
  const json = JSON.stringify({ error: { message, type: "invalid_request_error", code, param: null } });
  // A HEAD request's answer has no body (its length is still announced); the request's first
  // bytes, when Node kept them, say which method it was.
  const head = (err as { rawPacket?: Buffer }).rawPacket?.subarray(0, 5).toString("latin1") === "HEAD ";
  // Read and drop whatever the client is still sending, for a moment, so that closing does not
  // reset the connection before the client has read this answer (a lingering close).
  socket.resume();
  socket.once("end", () => socket.destroy());
  setTimeout(() => socket.destroy(), 2_000).unref();
  socket.end(
    [
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
      "content-type: application/json",
      `content-length: ${Buffer.byteLength(json)}`,
      ...Object.entries(API_SECURITY_HEADERS).map(([name, value]) => `${name}: ${value}`),
      "connection: close",
      "",
      head ? "" : json,
    ].join("\r\n"),
  );
}

/**
 * The answer when @hono/node-server cannot hand a request to the app: one it
 * cannot turn into a URL (a backslash in the path, a Host header that is not a
 * host), for which it would send an empty 400. Anything else would be our bug:
 * a 500, in the same shape.
 */
export function answerListenerError(err: unknown): Response {
  const invalid = err instanceof RequestError;
  const error = invalid
    ? {
        message: "The request's URL or Host header is not valid.",
        type: "invalid_request_error",
        code: "invalid_url",
      }
    : { message: "Something went wrong on our side.", type: "server_error", code: "internal_error" };
  return Response.json(
    { error: { ...error, param: null } },
    { status: invalid ? 400 : 500, headers: { ...API_SECURITY_HEADERS, connection: "close" } },
  );
}
