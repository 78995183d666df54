import type { Db } from "./open-database.ts";

/**
 * Builds a set of prepared statements the first time a database asks for it
 * and keeps it for that database. The hot path (key lookup, holds, settlements)
 * runs the same few queries on every request: prepared once, drizzle no longer
 * rebuilds their SQL text nor SQLite recompiles them each time, which used to
 * be most of a request's CPU.
 */
export function preparedFor<T>(build: (db: Db) => T): (db: Db) => T {
  const built = new WeakMap<Db, T>();
  return (db) => {
    let statements = built.get(db);
    if (statements === undefined) {
      statements = build(db);
      built.set(db, statements);
    }
    return statements;
  };
}
