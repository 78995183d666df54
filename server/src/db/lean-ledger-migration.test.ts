import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { describe, expect, it } from "vitest";
import { grantUsd } from "../billing/grant-credit.ts";
import { balanceOf, books } from "../billing/ledger.ts";
import { reserve, settle } from "../billing/meter.ts";
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
    expect(balanceOf(db, books.hold(open.id))).toBe(40_000);
    // The idempotency key still holds after the rebuild, and the open hold still settles.
    expect(grantUsd(db, principal.accountId, 5_000_000, "card", "pay_1")).toBe(false);
    const { charged } = settle(db, open, 2_000);
    expect(charged.diem + charged.plan + charged.usd).toBe(2_000);
    expect(balanceOf(db, books.hold(open.id))).toBe(0);
  });
});
