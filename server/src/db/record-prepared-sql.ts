import type { Db } from "./open-database.ts";

/**
 * Records the SQL that `db` compiles from now until `stop()`: for tests and
 * benchmarks that check the hot path compiles nothing per call, or ask SQLite
 * how it runs a query a function built.
 */
export function recordPreparedSql(db: Db): { sql: string[]; stop: () => void } {
  const client = db.$client;
  const prepare = client.prepare;
  const sql: string[] = [];
  client.prepare = ((source: string) => {
    sql.push(source);
    return prepare.call(client, source);
  }) as typeof client.prepare;
  return { sql, stop: () => (client.prepare = prepare) };
}
