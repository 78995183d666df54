import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "./app.ts";
import { createApiKey } from "./auth/api-keys.ts";
import { openDatabase } from "./db/open-database.ts";
import { RateLimiter } from "./limits/rate-limiter.ts";
import { createLogger } from "./logging/logger.ts";
import { ModelCatalog } from "./routing/model-catalog.ts";

const silent = createLogger("silent", new Writable({ write: (_c, _e, cb) => cb() }));
const db = openDatabase(fs.mkdtempSync(path.join(os.tmpdir(), "masque-app-")));
const catalog = new ModelCatalog(
  {
    providers: [{ id: "p", kind: "openai", baseUrl: "http://127.0.0.1:9/v1", privacy: "anonymized" }],
    models: [
      {
        id: "m",
        provider: "p",
        contextLength: 1000,
        pricing: { inputPerMTok: 0, outputPerMTok: 0 },
        fallbacks: [],
      },
    ],
  },
  { logger: silent },
);
const app = createApp({
  db,
  catalog,
  rateLimiter: new RateLimiter(),
  logger: silent,
  upstreamTimeoutMs: 1000,
  maxBodyBytes: 4096,
});
let key: string;
beforeAll(() => {
  key = createApiKey(db, { tier: "pro" }).key;
});

async function post(body: unknown) {
  const res = await app.request("/v1/chat/completions", {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { error: Record<string, unknown> } };
}

describe("request validation", () => {
  it.each([
    [{ messages: [{ role: "user", content: "x" }] }, "model"],
    [{ model: "m" }, "messages"],
    [{ model: "m", messages: [] }, "messages"],
    [{ model: "m", messages: [{ role: "user" }] }, "messages[0].content"],
    [{ model: "m", messages: [{ role: "robot", content: "x" }] }, "messages[0].role"],
    [{ model: "m", messages: [{ role: "tool", content: "x" }] }, "messages[0].tool_call_id"],
    [{ model: "m", messages: [{ role: "user", content: "x" }], temperature: "hot" }, "temperature"],
    [{ model: "m", messages: [{ role: "user", content: "x" }], stream: "yes" }, "stream"],
    [{ model: "m", messages: [{ role: "user", content: "x" }], stop: ["a", "b", "c", "d", "e"] }, "stop"],
    [
      { model: "m", messages: [{ role: "user", content: "x" }], tools: [{ type: "function" }] },
      "tools[0].function",
    ],
  ])("400 for %j names %s", async (body, param) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ type: "invalid_request_error", code: "invalid_request", param });
    expect(res.body.error.message).toContain(`'${param}'`);
  });

  it("explains what is wrong in words", async () => {
    expect(
      (await post({ model: "m", messages: [{ role: "robot", content: "x" }] })).body.error.message,
    ).toMatchInlineSnapshot(
      `"Invalid 'messages[0].role': Invalid discriminator value. Expected 'system' | 'developer' | 'user' | 'assistant' | 'tool' | 'function'."`,
    );
    expect(
      (await post({ model: "m", messages: [{ role: "user", content: "x" }], temperature: 3 })).body.error
        .message,
    ).toMatchInlineSnapshot(`"Invalid 'temperature': Too big: expected number to be <=2."`);
  });

  it("accepts OpenAI fields it does not use", async () => {
    const res = await post({
      model: "m",
      messages: [
        { role: "developer", content: "x" },
        { role: "user", content: "y" },
      ],
      store: false,
      metadata: { a: "b" },
      user: "u",
      parallel_tool_calls: true,
      some_future_field: { nested: true },
    });
    // Validation passed: the request went on to the (unreachable) provider.
    expect(res.status).toBe(503);
  });

  it("413 for a body over the limit", async () => {
    const res = await post({ model: "m", messages: [{ role: "user", content: "x".repeat(5000) }] });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("request_too_large");
  });

  it("400 for a wrong content type", async () => {
    const res = await app.request("/v1/chat/completions", {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "text/plain" },
      body: "{}",
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_content_type");
  });

  it("405 for the wrong method on a known route", async () => {
    const res = await app.request("/v1/chat/completions", { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(405);
  });
});

describe("anonymous browser sessions", () => {
  const secret = "d3v1ce-s3cret-0123456789abcdefABCDEF";
  const signIn = (deviceSecret: string) =>
    app.request("/api/auth/anonymous", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ deviceSecret }),
    });

  it("creates a Free account on first sight and a session cookie that authenticates /v1", async () => {
    const first = await signIn(secret);
    expect(first.status).toBe(201);
    const { account } = (await first.json()) as { account: { id: string; tier: string } };
    expect(account.tier).toBe("free");
    const cookie = first.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^masque_session=[\w-]{43};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);

    const models = await app.request("/v1/models", { headers: { cookie: cookie.split(";")[0] ?? "" } });
    expect(models.status).toBe(200);

    const again = await signIn(secret);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { account: { id: string } }).account.id).toBe(account.id);

    const session = await app.request("/api/auth/session", {
      headers: { cookie: cookie.split(";")[0] ?? "" },
    });
    expect(((await session.json()) as { account: { id: string } }).account.id).toBe(account.id);

    const out = await app.request("/api/auth/logout", {
      method: "POST",
      headers: { cookie: cookie.split(";")[0] ?? "" },
    });
    expect(out.status).toBe(204);
    const none = await app.request("/api/auth/session", { headers: { cookie: cookie.split(";")[0] ?? "" } });
    expect(await none.json()).toEqual({ account: null });
    const after = await app.request("/v1/models", { headers: { cookie: cookie.split(";")[0] ?? "" } });
    expect(after.status).toBe(401);
    expect(((await after.json()) as { error: { code: string } }).error.code).toBe("session_expired");
  });

  it("stores neither the device secret nor the session token", async () => {
    const res = await signIn("an0ther-dev1ce-s3cret-xyzXYZ0123456789");
    const token = /masque_session=([\w-]+)/.exec(res.headers.get("set-cookie") ?? "")?.[1] ?? "";
    const dump =
      JSON.stringify(db.$client.prepare("select * from accounts").all()) +
      JSON.stringify(db.$client.prepare("select * from sessions").all());
    expect(dump).not.toContain("an0ther-dev1ce-s3cret");
    expect(token.length).toBeGreaterThan(20);
    expect(dump).not.toContain(token);
  });

  it("refuses a device secret too short to be random", async () => {
    const res = await signIn("short");
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { param: string } }).error.param).toBe("deviceSecret");
  });
});
