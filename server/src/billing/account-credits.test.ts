import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Principal } from "../auth/principal.ts";
import { openDatabase } from "../db/open-database.ts";
import { recordPreparedSql } from "../db/record-prepared-sql.ts";
import { accounts } from "../db/schema.ts";
import { accountCredits } from "./account-credits.ts";
import { grantUsd } from "./grant-credit.ts";
import { reserve, settle } from "./meter.ts";

describe("an account's credits", () => {
  it("lists its payments and grants, not its requests, from the credits index alone", () => {
    const db = openDatabase(fs.mkdtempSync(path.join(os.tmpdir(), "masque-credits-")));
    const principal: Principal = { accountId: "acct_a", tier: "free", via: { kind: "session" } };
    for (const id of ["acct_a", "acct_b"]) db.insert(accounts).values({ id, tier: "free" }).run();
    grantUsd(db, "acct_a", 2_000_000);
    grantUsd(db, "acct_a", 5_000_000, "payment", "pay_1");
    grantUsd(db, "acct_b", 9_000_000, "payment", "pay_2");
    for (let i = 0; i < 5; i++) {
      const held = reserve(db, { principal, model: "m", maxCostMicro: 10_000, diemCreditMicro: 0 });
      settle(db, held, 1_000);
    }

    // Keep the SQL the function runs, to ask SQLite how it runs it.
    const recorded = recordPreparedSql(db);
    const credits = accountCredits(db, "acct_a");
    recorded.stop();
    const sqlRun = recorded.sql;
    expect(credits.map((c) => [c.kind, c.amount]).sort()).toEqual([
      ["grant", 2_000_000],
      ["payment", 5_000_000],
    ]);

    // The plan: the partial index finds the account's credits; no scan of every request's transaction.
    expect(sqlRun).toHaveLength(1);
    const query = db.$client.prepare(`explain query plan ${sqlRun[0]}`);
    const plan = (query.all("acct_a", "acct:acct_a:usd") as Array<{ detail: string }>).map((r) => r.detail);
    expect(plan.join("\n")).toContain("ledger_transactions_account_credits_idx");
    expect(plan.join("\n")).not.toContain("SCAN");
  });
});
