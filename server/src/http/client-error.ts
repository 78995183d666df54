import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";

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
  const body = JSON.stringify({ error: { message, type: "invalid_request_error", code, param: null } });
  socket.end(
    [
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
      "content-type: application/json",
      `content-length: ${Buffer.byteLength(body)}`,
      "x-content-type-options: nosniff",
      "connection: close",
      "",
      body,
    ].join("\r\n"),
  );
}
