import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { type AppOptions, createApp } from "../app.ts";
import { createApiKey } from "../auth/api-keys.ts";
import { openDatabase } from "../db/open-database.ts";
import { RateLimiter } from "../limits/rate-limiter.ts";
import { createLogger } from "../logging/logger.ts";
import { ModelCatalog } from "../routing/model-catalog.ts";

/** A silent logger, or one that keeps every line (for checks that nothing secret is logged). */
export function testLogger(lines?: string[]) {
  return createLogger(
    "info",
    new Writable({
      write: (chunk, _e, cb) => {
        lines?.push(String(chunk));
        cb();
      },
    }),
  );
}

/**
 * An app on a fresh database with one free model whose provider is unreachable
 * (127.0.0.1:9), and a Max key, for tests of the HTTP layer through `app.request()`.
 */
export function testApp(overrides: Partial<AppOptions> = {}) {
  const logger = overrides.logger ?? testLogger();
  const db = openDatabase(fs.mkdtempSync(path.join(os.tmpdir(), "masque-http-")));
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
    { logger },
  );
  const app = createApp({
    db,
    catalog,
    rateLimiter: new RateLimiter(),
    logger,
    upstreamTimeoutMs: 1000,
    maxBodyBytes: 1 << 20,
    ...overrides,
  });
  const { key } = createApiKey(db, { tier: "max" });
  return { app, db, key };
}
