import { describe, expect, it } from "vitest";
import { testApp } from "./test-app.ts";

const appOrigin = "https://masque.example";
const { app } = testApp({ siwe: { publicUrl: appOrigin, chainId: 31337 } });
const preflight = (origin: string, path = "/api/keys") =>
  app.request(`${appOrigin}${path}`, {
    method: "OPTIONS",
    headers: {
      origin,
      "access-control-request-method": "POST",
      "access-control-request-headers": "content-type",
    },
  });

describe("CORS", () => {
  it("lets the web app's own origin call with its cookie", async () => {
    for (const path of ["/api/keys", "/v1/chat/completions", "/api/auth/anonymous"]) {
      const res = await preflight(appOrigin, path);
      expect(res.status).toBe(204);
      expect(res.headers.get("access-control-allow-origin")).toBe(appOrigin);
      expect(res.headers.get("access-control-allow-credentials")).toBe("true");
      expect(res.headers.get("access-control-allow-headers")).toContain("content-type");
    }
    const res = await app.request(`${appOrigin}/api/auth/session`, { headers: { origin: appOrigin } });
    expect(res.headers.get("access-control-allow-origin")).toBe(appOrigin);
    expect(res.headers.get("vary")).toContain("Origin");
  });

  it("gives any other origin nothing: preflights refused in OpenAI's shape, no CORS headers", async () => {
    for (const origin of [
      "https://evil.example",
      "http://masque.example",
      "https://masque.example.evil",
      "null",
    ]) {
      const res = await preflight(origin);
      expect(res.status).toBe(403);
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("cross_origin_forbidden");
      const get = await app.request(`${appOrigin}/api/auth/session`, { headers: { origin } });
      expect(get.headers.get("access-control-allow-origin")).toBeNull();
      expect(get.headers.get("access-control-allow-credentials")).toBeNull();
    }
  });
});
