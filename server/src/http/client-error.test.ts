import { createServer } from "node:http";
import net, { type AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerClientError, answerListenerError } from "./client-error.ts";

let port: number;
const server = createServer((_req, res) => res.end("ok"));
server.on("clientError", answerClientError);
beforeAll(() => new Promise<void>((r) => server.listen(0, "127.0.0.1", r)));
beforeAll(() => {
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** Sends raw bytes and returns everything the server answered before closing. */
function raw(bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.write(bytes));
    let answer = "";
    socket.on("data", (d) => (answer += d));
    socket.on("end", () => resolve(answer));
    socket.on("error", reject);
  });
}
const bodyOf = (answer: string) => JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4));

describe("requests Node's HTTP parser refuses", () => {
  it("431 in OpenAI's shape for headers over the limit, without echoing them", async () => {
    const secret = `msq_${"s".repeat(20_000)}`;
    const answer = await raw(`GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${secret}\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    expect(answer).toMatch(/connection: close/i);
    expect(answer).not.toContain("msq_");
    expect(bodyOf(answer)).toEqual({
      error: {
        message: "The request line and headers are larger than the limit of 16384 bytes.",
        type: "invalid_request_error",
        code: "request_header_fields_too_large",
        param: null,
      },
    });
  });

  it.each([
    "FOO / HTTP/1.1\r\nHost: x\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "GET /\x00 HTTP/1.1\r\n\r\n",
    "GET / HTTP/1.1\r\nBad Header\r\n\r\n",
  ])("400 in OpenAI's shape for %j", async (request) => {
    const answer = await raw(request);
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(bodyOf(answer).error).toMatchObject({ code: "invalid_http", type: "invalid_request_error" });
  });
});

describe("requests @hono/node-server cannot turn into a URL", () => {
  // Found by the fuzz run: a backslash in the path got @hono/node-server's empty 400.
  it("400 in OpenAI's shape, with the security headers", async () => {
    const s = createServer(
      getRequestListener(() => new Response("app"), { errorHandler: answerListenerError }),
    );
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    const port = (s.address() as AddressInfo).port;
    const answer = await new Promise<string>((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () =>
        socket.write("GET /a\\..\\b HTTP/1.1\r\nHost: x\r\n\r\n"),
      );
      let received = "";
      socket.on("data", (d) => (received += d));
      socket.on("end", () => resolve(received));
    });
    s.close();
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toMatch(/x-content-type-options: nosniff/i);
    expect(bodyOf(answer)).toEqual({
      error: {
        message: "The request's URL or Host header is not valid.",
        type: "invalid_request_error",
        code: "invalid_url",
        param: null,
      },
    });
  });
});

describe("a HEAD request the parser refuses", () => {
  // Found by the fuzz run: a 431's body after a HEAD request broke the client's framing.
  it("gets the status and headers without a body", async () => {
    const answer = await raw(`HEAD / HTTP/1.1\r\nHost: x\r\nX-Pad: ${"p".repeat(20_000)}\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    expect(answer.endsWith("\r\n\r\n")).toBe(true);
  });
});
