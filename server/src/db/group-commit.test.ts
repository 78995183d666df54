import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { commitTogether, flushCommits } from "./group-commit.ts";
import { type Db, openDatabase } from "./open-database.ts";

function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "masque-group-commit-"));
  const db = openDatabase(dir);
  db.run(sql`create table notes (id integer primary key, text text not null)`);
  // Frames stay in the WAL, so a test can count what each way of committing wrote.
  db.$client.pragma("wal_autocheckpoint = 0");
  return { dir, db };
}

const insert = (db: Db, text: string) => () =>
  db.$client.prepare("insert into notes (text) values (?)").run(text).lastInsertRowid;
const notes = (db: Db) => db.$client.prepare("select text from notes order by id").pluck().all();
const walFrames = (db: Db) =>
  (db.$client.pragma("wal_checkpoint(PASSIVE)") as Array<{ log: number }>)[0]?.log;

describe("group commit", () => {
  it("commits writes queued in one turn together, in order, each resolving to its own result", async () => {
    const { db } = setup();
    const ids = await Promise.all(["a", "b", "c"].map((t) => commitTogether(db, insert(db, t))));
    expect(ids).toEqual([1, 2, 3]);
    expect(notes(db)).toEqual(["a", "b", "c"]);
  });

  it("writes fewer WAL frames for a batch than for the same writes committed one by one", async () => {
    const { db } = setup();
    await commitTogether(db, insert(db, "warm-up"));
    db.$client.pragma("wal_checkpoint(TRUNCATE)");
    for (let i = 0; i < 16; i++) await commitTogether(db, insert(db, `alone ${i}`));
    const alone = walFrames(db) as number;
    db.$client.pragma("wal_checkpoint(TRUNCATE)");
    await Promise.all(Array.from({ length: 16 }, (_, i) => commitTogether(db, insert(db, `together ${i}`))));
    const together = walFrames(db) as number;
    // One commit writes each touched page once: 16 commits write the table's page 16 times.
    expect(alone).toBeGreaterThanOrEqual(16);
    expect(together).toBeLessThanOrEqual(alone / 8);
  });

  it("rolls back only the write that throws; the others commit", async () => {
    const { db } = setup();
    const results = await Promise.allSettled([
      commitTogether(db, insert(db, "kept 1")),
      commitTogether(db, () => {
        insert(db, "rolled back")();
        throw new Error("overdraft");
      }),
      commitTogether(db, insert(db, "kept 2")),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe("overdraft");
    expect(notes(db)).toEqual(["kept 1", "kept 2"]);
  });

  it("rejects every write of a batch whose transaction cannot begin, and writes none", async () => {
    const { dir, db } = setup();
    db.$client.pragma("busy_timeout = 50");
    const other = new Database(path.join(dir, "masque.sqlite"));
    other.exec("begin immediate");
    try {
      const results = await Promise.allSettled([
        commitTogether(db, insert(db, "x")),
        commitTogether(db, insert(db, "y")),
      ]);
      expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
      expect((results[0] as PromiseRejectedResult).reason.code).toBe("SQLITE_BUSY");
    } finally {
      other.exec("rollback");
      other.close();
    }
    expect(notes(db)).toEqual([]);
    // The next batch goes through.
    await commitTogether(db, insert(db, "z"));
    expect(notes(db)).toEqual(["z"]);
  });

  it("commits what is queued at once when flushed, before the database closes", async () => {
    const { db } = setup();
    const queued = commitTogether(db, insert(db, "last settlement"));
    flushCommits(db);
    expect(notes(db)).toEqual(["last settlement"]);
    db.$client.close();
    await expect(queued).resolves.toBe(1);
  });
});
