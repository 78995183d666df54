import { RateLimitError } from "@masque/shared";
import { describe, expect, it } from "vitest";
import { RateLimiter } from "./rate-limiter.ts";

const limit = { requestsPerMinute: 3, tokensPerMinute: 1_000 };

describe("RateLimiter", () => {
  it("admits up to the request limit per minute, then refuses with reset headers", () => {
    let now = 0;
    const limiter = new RateLimiter(() => now);
    for (let i = 0; i < 3; i++) limiter.admit("k", limit, 10);
    now = 20_000;
    const err = (() => {
      try {
        limiter.admit("k", limit, 10);
      } catch (e) {
        return e as RateLimitError;
      }
    })();
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err?.headers["x-ratelimit-remaining-requests"]).toBe("0");
    expect(err?.headers["x-ratelimit-reset-requests"]).toBe("40s");
    expect(err?.headers["retry-after"]).toBe("40");
    now = 60_001;
    expect(() => limiter.admit("k", limit, 10)).not.toThrow();
  });

  it("keeps keys apart", () => {
    const limiter = new RateLimiter(() => 0);
    for (let i = 0; i < 3; i++) limiter.admit("a", limit, 1);
    expect(() => limiter.admit("b", limit, 1)).not.toThrow();
  });

  it("refuses a request whose estimate would pass the token limit, once tokens were charged", () => {
    let now = 0;
    const limiter = new RateLimiter(() => now);
    const decision = limiter.admit("k", limit, 200);
    expect(decision.headers["x-ratelimit-remaining-tokens"]).toBe("800");
    limiter.charge("k", 900);
    expect(() => limiter.admit("k", limit, 200)).toThrow(/1000 tokens per minute/);
    now = 60_001;
    expect(() => limiter.admit("k", limit, 200)).not.toThrow();
  });
});

describe("RateLimiter memory", () => {
  it("forgets callers idle for a whole window once many have come by", () => {
    let now = 0;
    const limiter = new RateLimiter(() => now);
    for (let i = 0; i < 10_000; i++) limiter.admit(`k${i}`, limit, 1);
    limiter.admit("busy", limit, 1);
    now = 60_001;
    limiter.admit("busy", limit, 1);
    limiter.admit("newcomer", limit, 1);
    // The idle ten thousand were dropped; the busy caller's window was kept.
    expect((limiter as unknown as { windows: Map<string, unknown> }).windows.size).toBe(2);
    // Its limit still holds: three a minute.
    expect(() => limiter.admit("busy", limit, 1)).not.toThrow();
    expect(() => limiter.admit("busy", limit, 1)).not.toThrow();
    expect(() => limiter.admit("busy", limit, 1)).toThrow(RateLimitError);
  });
});
