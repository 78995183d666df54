import { findApiKey } from "@masque/server/auth/api-keys.ts";
import type { Principal } from "@masque/server/auth/principal.ts";
import { reserve, settle } from "@masque/server/billing/meter.ts";
import { commitTogether } from "@masque/server/db/group-commit.ts";
import { type Db, openDatabase } from "@masque/server/db/open-database.ts";
import { recordPreparedSql } from "@masque/server/db/record-prepared-sql.ts";

/** One ledger load run: how many callers, for how long, on which store. */
export interface LedgerLoadOptions {
  dataDir: string;
  /** API keys (made beforehand) whose accounts the callers spend from, round-robin. */
  keys: string[];
  /** Concurrent callers on this connection, each: reserve, yield, settle, again. */
  callers: number;
  durationMs: number;
}

export interface LedgerLoadResult {
  /** Completed reserve + settle pairs. */
  pairs: number;
  /** Pairs that threw (e.g. SQLITE_BUSY), and the first error. */
  errors: number;
  firstError?: string;
  elapsedMs: number;
  /** CPU time this process spent (user + system), ms. */
  cpuMs: number;
  /** SQL statements compiled per completed pair. */
  statementsPerPair: number;
}

/** The worst case a gateway request holds (gpt-4o prices, 4096 completion tokens) and what it then costs. */
const HOLD_MICRO = 41_190;
const COST_MICRO = 1_190;

/**
 * Runs reserve + settle pairs against the ledger as concurrent chat requests
 * do: each caller holds the worst case, yields (the request is in flight, so
 * holds overlap), then settles the actual cost. Uses the server's own
 * functions the way its request meter does (each hold and settlement committed
 * with the others queued in the same turn) on its own kind of connection
 * (openDatabase: WAL, busy timeout).
 */
export async function runLedgerLoad(o: LedgerLoadOptions): Promise<LedgerLoadResult> {
  const db = openDatabase(o.dataDir);
  const compiled = recordPreparedSql(db);
  const principals = o.keys.map((key) => principalOf(db, key));
  let pairs = 0;
  let errors = 0;
  let firstError: string | undefined;
  let next = 0;
  const started = performance.now();
  const end = started + o.durationMs;
  const caller = async () => {
    while (performance.now() < end) {
      const principal = principals[next++ % principals.length] as Principal;
      try {
        const held = await commitTogether(db, () =>
          reserve(db, { principal, model: "bench", maxCostMicro: HOLD_MICRO, diemCreditMicro: 0 }),
        );
        await new Promise((r) => setImmediate(r));
        await commitTogether(db, () => settle(db, held, COST_MICRO, { model: "bench" }));
        pairs++;
      } catch (err) {
        errors++;
        const e = err as { code?: string; message?: string };
        firstError ??= e.code ? `${e.code}: ${e.message}` : String(e.message ?? err);
        await new Promise((r) => setImmediate(r));
      }
    }
  };
  const countFrom = compiled.sql.length;
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: o.callers }, caller));
  const elapsedMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const statementsPerPair = pairs ? (compiled.sql.length - countFrom) / pairs : 0;
  db.$client.close();
  return { pairs, errors, firstError, elapsedMs, cpuMs: (used.user + used.system) / 1000, statementsPerPair };
}

function principalOf(db: Db, key: string): Principal {
  const found = findApiKey(db, key);
  if (!found.ok) throw new Error(`benchmark key not found: ${found.reason}`);
  return found.principal;
}
