import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import type { Deployments } from "@masque/contracts-abi/deploy";
import { describe, expect, it } from "vitest";
import { createApp } from "../app.ts";
import { openDatabase } from "../db/open-database.ts";
import { RateLimiter } from "../limits/rate-limiter.ts";
import { createLogger } from "../logging/logger.ts";
import { ModelCatalog } from "../routing/model-catalog.ts";
import { tokenRoutes } from "./token.ts";

const silent = createLogger("silent", new Writable({ write: (_c, _e, cb) => cb() }));

const start = 1_780_000_000;
const deployments = { emissionStart: start } as Deployments;
const month = 30 * 86_400;

describe("GET /api/token/emissions", () => {
  it("gives the decreasing schedule, past and future, around today", async () => {
    const app = tokenRoutes({ deployments, now: () => new Date((start + 2 * month + 5) * 1000) });
    const body = (await (await app.request("/emissions?months=6")).json()) as {
      current_month: number;
      months: Array<{ month: number; emission_wei: string; cumulative_wei: string; status: string }>;
    };
    const vvv = (n: number) => (BigInt(n) * 10n ** 18n).toString();
    expect(body.current_month).toBe(2);
    expect(body.months.map((m) => m.emission_wei)).toEqual([
      vvv(6e6),
      vvv(5e6),
      vvv(4e6),
      vvv(3e6),
      vvv(3e6),
      vvv(3e6),
    ]);
    expect(body.months.map((m) => m.status)).toEqual([
      "past",
      "past",
      "current",
      "future",
      "future",
      "future",
    ]);
    expect(body.months[5]?.cumulative_wei).toBe(vvv(24e6));
  });

  it("refuses a silly range, and says when there is no chain, in OpenAI's error shape", async () => {
    const app = (chain?: { deployments: Deployments }) =>
      createApp({
        db: openDatabase(fs.mkdtempSync(path.join(os.tmpdir(), "masque-token-"))),
        catalog: new ModelCatalog({ providers: [], models: [] }, { logger: silent }),
        rateLimiter: new RateLimiter(),
        logger: silent,
        upstreamTimeoutMs: 1000,
        maxBodyBytes: 1024,
        chain,
      });
    const bad = await app({ deployments }).request("/api/token/emissions?months=0");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { param: string } }).error.param).toBe("months");
    const none = await app().request("/api/token/emissions");
    expect(none.status).toBe(503);
  });
});
