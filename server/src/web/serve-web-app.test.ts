import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createApp } from "../app.ts";
import { openDatabase } from "../db/open-database.ts";
import { RateLimiter } from "../limits/rate-limiter.ts";
import { createLogger } from "../logging/logger.ts";
import { ModelCatalog } from "../routing/model-catalog.ts";

const silent = createLogger("silent", new Writable({ write: (_c, _e, cb) => cb() }));
const webDir = fs.mkdtempSync(path.join(os.tmpdir(), "masque-web-"));
fs.mkdirSync(path.join(webDir, "assets"));
fs.writeFileSync(path.join(webDir, "index.html"), "<!doctype html><title>Masque</title>");
fs.writeFileSync(path.join(webDir, "assets", "app.js"), "console.log(1)");
const app = createApp({
  db: openDatabase(fs.mkdtempSync(path.join(os.tmpdir(), "masque-web-db-"))),
  catalog: new ModelCatalog({ providers: [], models: [] }, { logger: silent }),
  rateLimiter: new RateLimiter(),
  logger: silent,
  upstreamTimeoutMs: 1000,
  maxBodyBytes: 1024,
  webDir,
});

describe("serving the web app", () => {
  it("serves files and the app shell with a strict Content-Security-Policy", async () => {
    const page = await app.request("/");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<title>Masque</title>");
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");

    const asset = await app.request("/assets/app.js");
    expect(await asset.text()).toBe("console.log(1)");

    const deepLink = await app.request("/chat/some-conversation");
    expect(deepLink.status).toBe(200);
    expect(await deepLink.text()).toContain("<title>Masque</title>");
  });

  it("leaves API paths to the API, errors in OpenAI's shape", async () => {
    const res = await app.request("/v1/models");
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toMatch(/json/);
    const api = await app.request("/api/nothing-here");
    expect(api.status).toBe(401);
    expect(api.headers.get("content-type")).toMatch(/json/);
  });
});

describe("HEAD on an app route", () => {
  // Found by the fuzz run: without a length, a HEAD answer was not framed and broke the connection.
  it("says the page's length and sends no body", async () => {
    const res = await app.request("/chat/some-conversation", { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-length")).toBe(String(fs.statSync(path.join(webDir, "index.html")).size));
    expect(await res.text()).toBe("");
  });
});
