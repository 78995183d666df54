import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "./open-database.ts";
import { inSavepoint, writeTransaction } from "./write-transaction.ts";

function setup() {
  const db = openDatabase(fs.mkdtempSync(path.join(os.tmpdir(), "masque-write-transaction-")));
  db.$client.exec("create table notes (text text not null)");
  const insert = (text: string) => db.$client.prepare("insert into notes (text) values (?)").run(text);
  const notes = () => db.$client.prepare("select text from notes").pluck().all();
  return { db, insert, notes };
}

describe("write transactions", () => {
  it("commit on their own, or undo everything when the work throws", () => {
    const { db, insert, notes } = setup();
    writeTransaction(db, () => insert("kept"));
    expect(() =>
      writeTransaction(db, () => {
        insert("undone");
        throw new Error("overdraft");
      }),
    ).toThrow("overdraft");
    expect(db.$client.inTransaction).toBe(false);
    expect(notes()).toEqual(["kept"]);
  });

  it("join a transaction already open, which then decides for their writes (no savepoint of their own)", () => {
    const { db, insert, notes } = setup();
    db.$client.exec("begin immediate");
    expect(() =>
      writeTransaction(db, () => {
        insert("left to the enclosing transaction");
        throw new Error("overdraft");
      }),
    ).toThrow("overdraft");
    expect(db.$client.inTransaction).toBe(true);
    expect(notes()).toEqual(["left to the enclosing transaction"]);
    db.$client.exec("rollback");
    expect(notes()).toEqual([]);
  });

  it("run in a savepoint when asked to, undoing only their own writes", () => {
    const { db, insert, notes } = setup();
    db.$client.exec("begin immediate");
    insert("before");
    expect(() =>
      inSavepoint(db, () => {
        insert("undone");
        throw new Error("overdraft");
      }),
    ).toThrow("overdraft");
    inSavepoint(db, () => insert("after"));
    db.$client.exec("commit");
    expect(notes()).toEqual(["before", "after"]);
  });
});
