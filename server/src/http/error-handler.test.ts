import { describe, expect, it } from "vitest";
import { testApp } from "./test-app.ts";

describe("404 for an unknown route", () => {
  const { app, key } = testApp();

  // Found by the key-echo check: a key pasted into a URL came back whole in the 404 message.
  it("quotes the path without a key in it, and bounded", async () => {
    const res = await app.request(`/v1/nowhere/${key}`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(404);
    const { error } = (await res.json()) as { error: { message: string } };
    expect(error.message).toBe(`No route for GET /v1/nowhere/${key.slice(0, 10)}….`);
    const long = (await (await app.request(`/nowhere/${"a".repeat(5000)}`)).json()) as {
      error: { message: string };
    };
    expect(long.error.message).toMatch(/^No route for GET \/nowhere\/a{190,}…\.$/);
    expect(long.error.message.length).toBeLessThan(300);
  });
});
