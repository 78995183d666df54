import type { Db } from "./open-database.ts";
import { preparedFor } from "./prepared-for.ts";

const transactions = preparedFor((db) => db.$client.transaction((work: () => unknown) => work()));

/**
 * Runs `work` in one write transaction that takes SQLite's write lock at BEGIN
 * (BEGIN IMMEDIATE): a transaction that reads first cannot wait for another
 * process's lock when it later writes (SQLite answers SQLITE_BUSY at once),
 * but BEGIN can. The same as drizzle's `db.transaction(…, { behavior:
 * "immediate" })` for statements run on `db`, without building a transaction
 * object on every call.
 *
 * Inside a transaction already open on `db` (a group commit's savepoint), it
 * joins it: what encloses it undoes its writes if it throws. A savepoint of
 * its own would cost every hold and settlement two more statements, and copies
 * of the pages it changes.
 */
export function writeTransaction<T>(db: Db, work: () => T): T {
  if (db.$client.inTransaction) return work();
  return transactions(db).immediate(work) as T;
}

/** Runs `work` in a savepoint of the transaction open on `db`: if it throws, only its writes are undone. */
export function inSavepoint<T>(db: Db, work: () => T): T {
  // better-sqlite3 nests a transaction function called inside a transaction as a savepoint.
  return transactions(db).immediate(work) as T;
}
