import { describe, expect, it } from "vitest";
import { testApp } from "../http/test-app.ts";

/** What @hono/node-server hands the app: the socket the request came on. */
const from = (remoteAddress: string) => ({ incoming: { socket: { remoteAddress } } });
const anonymous = (env: object, headers: Record<string, string> = {}) =>
  testAppInstance.request(
    "/api/auth/anonymous",
    {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ deviceSecret: "d3v1ce-s3cret-0123456789abcdefABCDEF" }),
    },
    env,
  );
const { app: testAppInstance } = testApp({ authRateLimit: 3 });

describe("sign-in rate limit per address", () => {
  it("answers 429 in OpenAI's shape, with retry-after, once an address used its minute", async () => {
    for (let i = 0; i < 3; i++) expect((await anonymous(from("203.0.113.7"))).status).toBeLessThan(300);
    const res = await anonymous(from("203.0.113.7"));
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(res.headers.get("x-ratelimit-limit-tokens")).toBeNull();
    const body = (await res.json()) as { error: Record<string, unknown> };
    expect(body.error).toMatchObject({ type: "rate_limit_error", code: "rate_limit_exceeded", param: null });
    // Another address is not affected; nonces count too.
    expect((await anonymous(from("203.0.113.8"))).status).toBeLessThan(300);
    const nonce = await testAppInstance.request(
      "/api/auth/siwe/nonce",
      { method: "POST" },
      from("203.0.113.7"),
    );
    expect(nonce.status).toBe(429);
  });

  it("believes X-Forwarded-For only from a proxy on this machine, and only its last entry", async () => {
    // A remote caller cannot pick a fresh address for each try.
    for (let i = 0; i < 3; i++) await anonymous(from("198.51.100.1"), { "x-forwarded-for": `10.0.0.${i}` });
    expect((await anonymous(from("198.51.100.1"), { "x-forwarded-for": "10.0.0.99" })).status).toBe(429);
    // Behind a local proxy, clients are told apart by the entry the proxy added.
    for (let i = 0; i < 3; i++)
      await anonymous(from("127.0.0.1"), { "x-forwarded-for": `spoofed-${i}, 192.0.2.1` });
    expect((await anonymous(from("127.0.0.1"), { "x-forwarded-for": "192.0.2.1" })).status).toBe(429);
    expect((await anonymous(from("127.0.0.1"), { "x-forwarded-for": "192.0.2.2" })).status).toBeLessThan(300);
  });
});
