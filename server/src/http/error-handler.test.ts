import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { testApp, testLogger } from "./test-app.ts";

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

describe("a request body that breaks off", () => {
  // Found by the fuzz run: a chunked body the parser refused mid-way was logged as our own error (500).
  it("is the client's 400, not an unhandled error", async () => {
    const lines: string[] = [];
    const { app, key } = testApp({ logger: testLogger(lines) });
    const body = new ReadableStream({
      pull(controller) {
        controller.error(
          Object.assign(new Error("Parse Error: Invalid character in chunk size"), {
            code: "HPE_INVALID_CHUNK_SIZE",
          }),
        );
      },
    });
    const res = await app.request("/v1/chat/completions", {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("incomplete_body");
    expect(lines.join("")).not.toContain("unhandled error");
  });
});

describe("the payment provider down", () => {
  // Found by the fuzz run: with Stripe unreachable, checkout answered 500 (an "unhandled error").
  it("503 payment_provider_unavailable, in OpenAI's shape", async () => {
    const stripe = new Stripe("sk_test_x", {
      host: "127.0.0.1",
      port: 9,
      protocol: "http",
      maxNetworkRetries: 0,
    });
    const { app, key } = testApp({
      cards: { stripe, webhookSecret: "whsec_x", publicUrl: "http://127.0.0.1" },
    });
    const res = await app.request("/api/billing/checkout", {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ tier: "pro" }),
    });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
      "payment_provider_unavailable",
    );
  });
});

describe("request ids", () => {
  it("are always ours, never one the client sent", async () => {
    const { app } = testApp();
    const res = await app.request("/nowhere", { headers: { "x-request-id": "client-chosen-id" } });
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});
