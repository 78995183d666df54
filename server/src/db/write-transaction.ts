import type { Db } from "./open-database.ts";
import { preparedFor } from "./prepared-for.ts";

const transactions = preparedFor((db) => db.$client.transaction((work: () => unknown) => work()));

/**
 * Runs `work` in one write transaction that takes SQLite's write lock at BEGIN
 * (BEGIN IMMEDIATE): a transaction that reads first cannot wait for another
 * process's lock when it later writes (SQLite answers SQLITE_BUSY at once),
 * but BEGIN can. Inside another transaction it becomes a savepoint. The same
 * as drizzle's `db.transaction(…, { behavior: "immediate" })` for statements
 * run on `db`, without building a transaction object on every call.
 */
export function writeTransaction<T>(db: Db, work: () => T): T {
  return transactions(db).immediate(work) as T;
}
