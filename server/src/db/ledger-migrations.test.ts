import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { describe, expect, it } from "vitest";
import { grantUsd } from "../billing/grant-credit.ts";
import { balanceOf, books, post } from "../billing/ledger.ts";
import { driftedBooks, unbalancedTransactions } from "../billing/ledger-audit.ts";
import { availableCredit, reserve, settle } from "../billing/meter.ts";
import { type Db, databasePath, openDatabase } from "./open-database.ts";
import * as schema from "./schema.ts";

const migrations = fileURLToPath(new URL("../../drizzle", import.meta.url));

/** A store migrated up to (and including) migration `last`, as an older release left it. */
function storeAt(last: number): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "masque-migrations-"));
  fs.cpSync(migrations, folder, { recursive: true });
  const journalFile = path.join(folder, "meta", "_journal.json");
  const journal = JSON.parse(fs.readFileSync(journalFile, "utf8")) as { entries: Array<{ idx: number }> };
  journal.entries = journal.entries.filter((e) => e.idx <= last);
  fs.writeFileSync(journalFile, JSON.stringify(journal));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "masque-old-store-"));
  const sqlite = new Database(databasePath(dataDir));
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  migrate(drizzle(sqlite, { schema }), { migrationsFolder: folder });
  return dataDir;
}

const principal = {
  accountId: "acct_old",
  tier: "max",
  via: { kind: "key", keyId: "key_old", keyType: "inference", modelPrivacy: "all" },
} as const;

describe("migration 0007 (the ledger's lean tables)", () => {
  it("keeps every book, entry, transaction and hold of a store written before it", () => {
    const dataDir = storeAt(6);
    const old = new Database(databasePath(dataDir));
    const oldDb = drizzle(old, { schema }) as unknown as Db;
    old.prepare("insert into accounts (id, tier) values (?, 'max')").run(principal.accountId);
    grantUsd(oldDb, principal.accountId, 5_000_000, "card", "pay_1");
    const settled = reserve(oldDb, { principal, model: "m", maxCostMicro: 40_000, diemCreditMicro: 0 });
    settle(oldDb, settled, 1_000);
    const open = reserve(oldDb, { principal, model: "m", maxCostMicro: 40_000, diemCreditMicro: 0 });
    const spendable = (db: Db) => {
      const { diem, plan, usd } = availableCredit(db, principal.accountId, new Date());
      return diem + plan + usd;
    };
    const spendableBefore = spendable(oldDb);
    const count = (db: Database.Database, table: string) =>
      db.prepare(`select count(*) from ${table}`).pluck().get() as number;
    const before = Object.fromEntries(
      ["ledger_transactions", "ledger_entries", "ledger_balances", "reservations"].map((t) => [
        t,
        count(old, t),
      ]),
    );
    old.close();

    const db = openDatabase(dataDir);
    for (const [table, n] of Object.entries(before)) expect(count(db.$client, table), table).toBe(n);
    expect(
      db.$client.prepare("select count(*) from sqlite_master where sql like '%WITHOUT ROWID'").pluck().get(),
    ).toBe(3);
    expect(db.$client.pragma("foreign_key_check")).toEqual([]);
    expect(spendable(db)).toBe(spendableBefore);
    // The idempotency key still holds after the rebuild, and the open hold still settles.
    expect(grantUsd(db, principal.accountId, 5_000_000, "card", "pay_1")).toBe(false);
    const { charged } = settle(db, open, 2_000);
    expect(charged.diem + charged.plan + charged.usd).toBe(2_000);
    expect(spendable(db)).toBe(spendableBefore + 38_000);
  });
});

describe("migration 0009 (holds without postings)", () => {
  it("gives the books of holds still open what an older release moved to their hold books", () => {
    const dataDir = storeAt(8);
    const old = new Database(databasePath(dataDir));
    const oldDb = drizzle(old, { schema }) as unknown as Db;
    const account = "acct_held";
    const usdBook = books.usd(account);
    old.prepare("insert into accounts (id, tier) values (?, 'free')").run(account);
    grantUsd(oldDb, account, 5_000_000, "card", "pay_1");
    // Holds as releases before 0009 made them: the reservation, and its amount posted to hold:<id>.
    const hold = (id: string, status: string, usd: number) => {
      old
        .prepare(
          `insert into reservations (id, account_id, model, status, held_diem, held_plan, held_usd, diem_book, plan_book, created_at)
           values (?, ?, 'm', ?, 0, 0, ?, ?, ?, ?)`,
        )
        .run(
          id,
          account,
          status,
          usd,
          books.diem(account, "2026-11-26"),
          books.plan(account, "2026-11"),
          Date.now(),
        );
      post(oldDb, {
        kind: "reserve",
        accountId: account,
        entries: [
          [usdBook, -usd],
          [`hold:${id}`, usd],
        ],
      });
    };
    hold("res_settled", "settled", 40_000);
    post(oldDb, {
      kind: "settle",
      accountId: account,
      entries: [
        [`hold:res_settled`, -40_000],
        [books.revenue("usd"), 1_000],
        [usdBook, 39_000],
      ],
    });
    hold("res_open", "held", 30_000);
    expect(balanceOf(oldDb, usdBook)).toBe(4_969_000);
    old.close();

    const db = openDatabase(dataDir);
    // The book has the open hold's amount back, and the hold still keeps it from being spent twice.
    expect(balanceOf(db, usdBook)).toBe(4_999_000);
    expect(balanceOf(db, "hold:res_open")).toBe(0);
    expect(availableCredit(db, account, new Date()).usd).toBe(4_969_000);
    expect(unbalancedTransactions(db.$client)).toEqual([]);
    expect(driftedBooks(db.$client)).toEqual([]);
    // The settled hold was left as it was: one returning posting, for the open hold.
    expect(db.$client.prepare("select id from ledger_transactions where kind = 'unhold'").all()).toEqual([
      { id: "txn_unhold_res_open" },
    ]);

    const open = {
      id: "res_open",
      accountId: account,
      held: { diem: 0, plan: 0, usd: 30_000 },
      diemBook: "",
      planBook: "",
    };
    expect(settle(db, open, 2_000).charged.usd).toBe(2_000);
    expect(balanceOf(db, usdBook)).toBe(4_997_000);
    expect(availableCredit(db, account, new Date()).usd).toBe(4_997_000);
  });
});
