import { describe, expect, it } from "vitest";
import { billingText, parseRedactions, parseResponseMeta } from "./response-meta.ts";

describe("response headers", () => {
  it("reads privacy, redactions, signature, rate limit and billing headers", () => {
    const meta = parseResponseMeta(
      new Headers({
        "x-masque-privacy": "tee-verified",
        "x-masque-signature": "verified",
        "x-masque-signing-address": "0xabc",
        "x-masque-balance-diem": "1.500000",
        "x-ratelimit-remaining-tokens": "39000",
        "content-type": "text/event-stream",
      }),
    );
    expect(meta).toEqual({
      privacy: "tee-verified",
      signature: "verified",
      signingAddress: "0xabc",
      rateLimit: { remainingRequests: undefined, limitRequests: undefined, remainingTokens: 39000 },
      billing: { "x-masque-balance-diem": "1.500000" },
    });
    expect(parseResponseMeta(new Headers())).toEqual({});
  });

  it("accepts only a JSON object of positive counts as redactions", () => {
    expect(parseRedactions('{"email":2,"phone":0,"name":"x"}')).toEqual({ email: 2 });
    expect(parseRedactions("[1,2]")).toBeUndefined();
    expect(parseRedactions("not json")).toBeUndefined();
  });

  it("words billing headers for people", () => {
    expect(billingText("x-masque-balance-usd", "4.2")).toBe("Balance $4.20");
    expect(billingText("x-masque-balance-diem", "0.004")).toBe("DIEM credit today $0.0040");
    expect(billingText("x-masque-credit-weird", "7")).toBe("credit weird: 7");
  });
});
