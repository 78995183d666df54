import { describe, expect, it } from "vitest";
import { testApp } from "../http/test-app.ts";

describe("security headers", () => {
  it("are on API answers and errors alike, with a CSP that allows nothing", async () => {
    const { app, key } = testApp();
    for (const res of [
      await app.request("/health"),
      await app.request("/v1/models", { headers: { authorization: `Bearer ${key}` } }),
      await app.request("/v1/models"),
      await app.request("/api/nowhere"),
    ]) {
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("cross-origin-opener-policy")).toBe("same-origin-allow-popups");
      expect(res.headers.get("permissions-policy")).toContain("camera=()");
      expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
      expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      expect(res.headers.get("strict-transport-security")).toBeNull();
    }
  });

  it("add HSTS only when Masque is served over https", async () => {
    const { app } = testApp({ siwe: { publicUrl: "https://masque.example", chainId: 31337 } });
    expect((await app.request("/health")).headers.get("strict-transport-security")).toMatch(
      /^max-age=\d{7,}; includeSubDomains$/,
    );
  });
});
