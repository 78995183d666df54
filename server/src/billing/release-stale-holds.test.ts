import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createApiKey } from "../auth/api-keys.ts";
import type { Principal } from "../auth/principal.ts";
import { openDatabase } from "../db/open-database.ts";
import { grantUsd } from "./grant-credit.ts";
import { balanceOf, books } from "./ledger.ts";
import { availableCredit, reserve, settle } from "./meter.ts";
import { releaseStaleHolds } from "./release-stale-holds.ts";

describe("holds left by a killed process", () => {
  it("are returned at start-up, uncharged; settled and newer ones are left alone", () => {
    const db = openDatabase(fs.mkdtempSync(path.join(os.tmpdir(), "masque-holds-")));
    const { accountId } = createApiKey(db, { tier: "free" });
    grantUsd(db, accountId, 5_000_000);
    const principal: Principal = { accountId, tier: "free", via: { kind: "session" } };
    const hold = (at: Date) =>
      reserve(db, { principal, model: "m", maxCostMicro: 1_000_000, diemCreditMicro: 0, now: at });
    const earlier = new Date(Date.now() - 60_000);
    const dangling = hold(earlier);
    const finished = hold(earlier);
    settle(db, finished, 250_000);
    const current = hold(new Date(Date.now() + 60_000));
    const available = () => availableCredit(db, accountId, new Date()).usd;
    expect(available()).toBe(2_750_000);

    expect(releaseStaleHolds(db, new Date())).toBe(1);
    // The dangling hold's million is spendable again, uncharged; the current one still holds its own.
    expect(available()).toBe(3_750_000);
    expect(balanceOf(db, books.usd(accountId))).toBe(4_750_000);
    const status = (id: string) =>
      (db.$client.prepare("select status from reservations where id = ?").get(id) as { status: string })
        .status;
    expect([status(dangling.id), status(finished.id), status(current.id)]).toEqual([
      "released",
      "settled",
      "held",
    ]);
    expect(releaseStaleHolds(db, new Date())).toBe(0);
  });
});
