import { createServer } from "node:http";
import net, { type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerClientError } from "./client-error.ts";

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
