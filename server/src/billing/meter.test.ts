import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Principal } from "../auth/principal.ts";
import { openDatabase } from "../db/open-database.ts";
import { recordPreparedSql } from "../db/record-prepared-sql.ts";
import { accounts } from "../db/schema.ts";
import { grantUsd } from "./grant-credit.ts";
import { balanceOf, books } from "./ledger.ts";
import { availableCredit, release, reserve, settle } from "./meter.ts";

const now = new Date("2026-11-26T12:00:00Z");
function setup(tier: Principal["tier"] = "free", via: Principal["via"] = { kind: "session" }) {
  const db = openDatabase(fs.mkdtempSync(path.join(os.tmpdir(), "masque-meter-")));
  const accountId = `acct_${Math.random().toString(36).slice(2)}`;
  db.insert(accounts).values({ id: accountId, tier }).run();
  const principal: Principal = { accountId, tier, via };
  const ledgerSum = () =>
    db.get<{ s: number }>(sql`select coalesce(sum(amount), 0) as s from ledger_entries`).s;
  return { db, accountId, principal, ledgerSum };
}

describe("the meter", () => {
  it("holds the worst case, charges the actual cost and returns the rest", () => {
    const { db, accountId, principal, ledgerSum } = setup();
    grantUsd(db, accountId, 1_000_000);
    const r = reserve(db, { principal, model: "m", maxCostMicro: 300_000, diemCreditMicro: 0, now });
    expect(r.held).toEqual({ diem: 0, plan: 0, usd: 300_000 });
    // A hold moves no money: it only keeps the amount from being spent twice.
    expect(balanceOf(db, books.usd(accountId))).toBe(1_000_000);
    expect(r.available).toEqual({ diem: 0, plan: 0, usd: 700_000 });
    expect(availableCredit(db, accountId, now)).toEqual(r.available);
    expect(() =>
      reserve(db, { principal, model: "m", maxCostMicro: 700_001, diemCreditMicro: 0, now }),
    ).toThrow(/may cost up to/);
    expect(settle(db, r, 120_000, { now })).toEqual({
      charged: { diem: 0, plan: 0, usd: 120_000 },
      available: { diem: 0, plan: 0, usd: 880_000 },
    });
    expect(balanceOf(db, books.usd(accountId))).toBe(880_000);
    expect(balanceOf(db, books.revenue("usd"))).toBe(120_000);
    expect(settle(db, r, 120_000, { now }).charged).toEqual({ diem: 0, plan: 0, usd: 0 });
    expect(balanceOf(db, books.usd(accountId))).toBe(880_000);
    expect(ledgerSum()).toBe(0);
  });

  it("spends today's DIEM credit first, then the plan's, then USD", () => {
    const { db, accountId, principal, ledgerSum } = setup("pro");
    grantUsd(db, accountId, 50_000_000);
    const r = reserve(db, {
      principal,
      model: "m",
      maxCostMicro: 12_000_000,
      diemCreditMicro: 1_500_000,
      now,
    });
    // Pro includes $10 a month.
    expect(r.held).toEqual({ diem: 1_500_000, plan: 10_000_000, usd: 500_000 });
    settle(db, r, 2_000_000, { now });
    expect(availableCredit(db, accountId, now)).toEqual({ diem: 0, plan: 9_500_000, usd: 50_000_000 });
    expect(ledgerSum()).toBe(0);
  });

  it("grants DIEM credit once a day and tops it up when more is staked; it does not roll over", () => {
    const { db, accountId, principal } = setup();
    release(db, reserve(db, { principal, model: "m", maxCostMicro: 0, diemCreditMicro: 1_000_000, now }));
    release(db, reserve(db, { principal, model: "m", maxCostMicro: 0, diemCreditMicro: 1_000_000, now }));
    expect(availableCredit(db, accountId, now).diem).toBe(1_000_000);
    release(db, reserve(db, { principal, model: "m", maxCostMicro: 0, diemCreditMicro: 3_000_000, now }));
    expect(availableCredit(db, accountId, now).diem).toBe(3_000_000);
    const tomorrow = new Date("2026-11-27T00:00:01Z");
    expect(availableCredit(db, accountId, tomorrow).diem).toBe(0);
  });

  it("grants a period's credit once when another connection to the store granted it too", () => {
    const { db, accountId, principal } = setup();
    const other = openDatabase(path.dirname(db.$client.name));
    const hold = (on: typeof db, diemCreditMicro: number) =>
      release(on, reserve(on, { principal, model: "m", maxCostMicro: 0, diemCreditMicro, now }));
    hold(db, 1_000_000);
    hold(db, 1_000_000); // this connection now remembers the grant
    hold(other, 3_000_000); // another process tops it up
    hold(db, 3_000_000); // more than remembered: the store says it is granted already
    hold(db, 2_000_000);
    expect(availableCredit(db, accountId, now).diem).toBe(3_000_000);
    expect(balanceOf(db, books.issuance("diem"))).toBe(-3_000_000);
    other.$client.close();
  });

  it("forgets a grant whose hold was refused, so the next hold grants it", () => {
    const { db, accountId, principal } = setup();
    expect(() =>
      reserve(db, { principal, model: "m", maxCostMicro: 2_000_000, diemCreditMicro: 1_000_000, now }),
    ).toThrow(/may cost up to/);
    expect(availableCredit(db, accountId, now).diem).toBe(0);
    const r = reserve(db, { principal, model: "m", maxCostMicro: 500_000, diemCreditMicro: 1_000_000, now });
    expect(r.available.diem).toBe(500_000);
    expect(availableCredit(db, accountId, now).diem).toBe(500_000);
  });

  it("compiles no SQL for a hold and its settlement once the connection has run one", () => {
    const { db, accountId, principal } = setup("pro");
    grantUsd(db, accountId, 1_000_000);
    const pair = () =>
      settle(db, reserve(db, { principal, model: "m", maxCostMicro: 1_000, diemCreditMicro: 0, now }), 10, {
        now,
      });
    pair();
    const compiled = recordPreparedSql(db);
    pair();
    compiled.stop();
    expect(compiled.sql).toEqual([]);
  });

  it("finds an account's open holds through their index when reading what it can spend", () => {
    const { db, accountId, principal } = setup();
    grantUsd(db, accountId, 1_000_000);
    for (let i = 0; i < 3; i++) {
      settle(db, reserve(db, { principal, model: "m", maxCostMicro: 1_000, diemCreditMicro: 0, now }), 10);
    }
    reserve(db, { principal, model: "m", maxCostMicro: 2_000, diemCreditMicro: 0, now });
    // A fresh connection compiles the meter's statements, so the test can ask SQLite how it runs them.
    const fresh = openDatabase(path.dirname(db.$client.name));
    const recorded = recordPreparedSql(fresh);
    expect(availableCredit(fresh, accountId, now)).toEqual({ diem: 0, plan: 0, usd: 1_000_000 - 30 - 2_000 });
    recorded.stop();
    const query = recorded.sql.find((q) => q.includes('"ledger_balances"') && q.includes('"reservations"'));
    const params = Array((query?.match(/\?/g) ?? []).length).fill("x");
    const plan = (
      fresh.$client.prepare(`explain query plan ${query}`).all(params) as Array<{ detail: string }>
    )
      .map((r) => r.detail)
      .join("\n");
    expect(plan).toContain("reservations_account_status_idx (account_id=? AND status=?)");
    expect(plan).not.toMatch(/SCAN reservations/);
    fresh.$client.close();
  });

  it("refuses with 402 what the credit cannot cover, saying what is missing", () => {
    const { db, accountId, principal } = setup();
    grantUsd(db, accountId, 100);
    expect(() => reserve(db, { principal, model: "m", maxCostMicro: 101, diemCreditMicro: 0, now })).toThrow(
      /may cost up to \$0\.000101.*\$0\.000100 of balance/,
    );
    expect(balanceOf(db, books.usd(accountId))).toBe(100);
  });

  it("stops a spend-limited key at its limit, counting holds in flight", () => {
    const via = {
      kind: "key" as const,
      keyId: "key_1",
      keyType: "inference" as const,
      modelPrivacy: "all" as const,
      spendLimit: { usdMicro: 1_000, diemMicro: null, period: "day" as const },
    };
    const { db, accountId, principal } = setup("free", via);
    grantUsd(db, accountId, 1_000_000);
    const a = reserve(db, { principal, model: "m", maxCostMicro: 600, diemCreditMicro: 0, now });
    expect(() => reserve(db, { principal, model: "m", maxCostMicro: 600, diemCreditMicro: 0, now })).toThrow(
      /limit of \$0\.001000 a day/,
    );
    settle(db, a, 300, { now });
    expect(() =>
      reserve(db, { principal, model: "m", maxCostMicro: 600, diemCreditMicro: 0, now }),
    ).not.toThrow();
  });

  it("applies a payment once however often it is delivered", () => {
    const { db, accountId } = setup();
    expect(grantUsd(db, accountId, 5_000_000, "payment", "stripe:evt_1")).toBe(true);
    expect(grantUsd(db, accountId, 5_000_000, "payment", "stripe:evt_1")).toBe(false);
    expect(balanceOf(db, books.usd(accountId))).toBe(5_000_000);
  });
});
