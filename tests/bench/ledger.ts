import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createApiKey } from "@masque/server/auth/api-keys.ts";
import { grantUsd } from "@masque/server/billing/grant-credit.ts";
import { driftedBooks, unbalancedTransactions } from "@masque/server/billing/ledger-audit.ts";
import { openDatabase } from "@masque/server/db/open-database.ts";
import { MICRO_USD } from "@masque/shared";
import type { BenchResult } from "./bench-result.ts";
import { benchDir } from "./gateway/processes.ts";
import { type LedgerLoadOptions, type LedgerLoadResult, runLedgerLoad } from "./ledger/ledger-load.ts";

const DURATION_MS = 3_000;
const ROUNDS = 2;
const KEYS = 64;
/** Pairs per second the gateway needs at most: well above any throughput it reaches end to end here. */
const GOAL_PAIRS_PER_S = 2_000;

interface Scenario {
  id: string;
  label: string;
  /** Separate processes, each with its own connection; 0 runs in this process. */
  processes: number;
  callers: number;
}

const scenarios: Scenario[] = [
  { id: "1x1", label: "1 connection, 1 caller", processes: 0, callers: 1 },
  { id: "1x16", label: "1 connection, 16 callers", processes: 0, callers: 16 },
  { id: "2x16", label: "2 processes on one file, 16 callers each", processes: 2, callers: 16 },
  { id: "4x16", label: "4 processes on one file, 16 callers each", processes: 4, callers: 16 },
];

/** Runs one load in a separate process (its own connection to the same file). */
function inProcess(options: LedgerLoadOptions): Promise<LedgerLoadResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [
        "--import",
        "tsx",
        fileURLToPath(new URL("./ledger/ledger-worker.ts", import.meta.url)),
        JSON.stringify(options),
      ],
      { cwd: path.dirname(fileURLToPath(import.meta.url)), maxBuffer: 1 << 20 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`ledger process failed: ${err.message}\n${stderr}`));
        resolve(JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as LedgerLoadResult);
      },
    );
  });
}

async function run(s: Scenario, base: Omit<LedgerLoadOptions, "callers">): Promise<LedgerLoadResult> {
  const options = { ...base, callers: s.callers };
  if (s.processes === 0) return runLedgerLoad(options);
  const parts = await Promise.all(Array.from({ length: s.processes }, () => inProcess(options)));
  return {
    pairs: parts.reduce((n, p) => n + p.pairs, 0),
    errors: parts.reduce((n, p) => n + p.errors, 0),
    firstError: parts.find((p) => p.firstError)?.firstError,
    elapsedMs: Math.max(...parts.map((p) => p.elapsedMs)),
    cpuMs: parts.reduce((n, p) => n + p.cpuMs, 0),
    statementsPerPair: parts[0]?.statementsPerPair ?? 0,
  };
}

/**
 * Reserve + settle pairs per second on a real SQLite file (the server's
 * migrations, WAL, busy timeout), through the server's own ledger functions:
 * one connection with 1 and 16 concurrent callers, and 2 and 4 processes
 * each with its own connection to the same file. Then checks the books balance.
 */
export default async function ledgerBench(): Promise<BenchResult> {
  const dir = benchDir("masque-bench-ledger-");
  const dataDir = path.join(dir, "data");
  const db = openDatabase(dataDir);
  const keys: string[] = [];
  for (let i = 0; i < KEYS; i++) {
    const created = createApiKey(db, { tier: "max", label: `ledger bench ${i}` });
    grantUsd(db, created.accountId, 1_000_000 * MICRO_USD);
    keys.push(created.key);
  }
  db.$client.close();

  const loadBefore = os.loadavg()[0] ?? 0;
  const runs: Record<string, LedgerLoadResult[]> = {};
  // Warm up the code paths and the file, then alternate scenarios round by round.
  await runLedgerLoad({ dataDir, keys, callers: 16, durationMs: 1_000 });
  for (let round = 0; round < ROUNDS; round++) {
    for (const s of scenarios) {
      process.stderr.write(`  ledger: ${s.label} (round ${round + 1})\n`);
      const r = await run(s, { dataDir, keys, durationMs: DURATION_MS });
      runs[s.id] = [...(runs[s.id] ?? []), r];
    }
  }
  const loadAfter = os.loadavg()[0] ?? 0;

  // The books: every transaction sums to zero, every balance is the sum of its entries, no hold left open.
  const check = openDatabase(dataDir);
  const count = (query: string) => (check.$client.prepare(query).get() as { n: number }).n;
  const unbalanced = unbalancedTransactions(check.$client).length;
  const drifted = driftedBooks(check.$client).length;
  const open = count("select count(*) as n from reservations where status = 'held'");
  const negative = count(
    "select count(*) as n from ledger_balances where book like 'acct:%' and balance < 0",
  );
  check.$client.close();
  fs.rmSync(dir, { recursive: true, force: true });
  const consistent = unbalanced === 0 && drifted === 0 && negative === 0;

  const summary = Object.fromEntries(
    scenarios.map((s) => {
      const rs = runs[s.id] ?? [];
      const pairs = rs.reduce((n, r) => n + r.pairs, 0);
      const ms = rs.reduce((n, r) => n + r.elapsedMs, 0);
      const errors = rs.reduce((n, r) => n + r.errors, 0);
      const cpuMs = rs.reduce((n, r) => n + r.cpuMs, 0);
      return [
        s.id,
        {
          pairsPerSecond: (pairs / ms) * 1000,
          cpuMicrosPerPair: pairs ? (cpuMs * 1000) / pairs : Number.NaN,
          errors,
          firstError: rs.find((r) => r.firstError)?.firstError,
          statementsPerPair: rs[0]?.statementsPerPair ?? 0,
        },
      ];
    }),
  );
  const rows = scenarios.map((s) => {
    const r = summary[s.id] as (typeof summary)[string];
    return {
      scenario: s.label,
      "pairs/s": Math.round(r.pairsPerSecond),
      "CPU µs per pair": Math.round(r.cpuMicrosPerPair),
      "SQL statements compiled per pair": r.statementsPerPair.toFixed(1),
      errors: r.errors ? `${r.errors} (${r.firstError})` : 0,
    };
  });
  const one = summary["1x16"]?.pairsPerSecond ?? 0;
  const processErrors = (summary["2x16"]?.errors ?? 0) + (summary["4x16"]?.errors ?? 0);
  return {
    name: "ledger",
    description:
      `Reserve (hold the worst case) + settle (charge the actual cost) pairs per second through server/src/billing/meter.ts on a real SQLite file with the migrations applied (WAL, synchronous=NORMAL and a 5 s busy timeout as openDatabase sets them; holds and settlements BEGIN IMMEDIATE, committed together with the others queued in the same turn as the request meter does: server/src/db/group-commit.ts), ${KEYS} accounts; each caller reserves, yields (its request is in flight, so holds overlap), settles. ${ROUNDS} rounds of ${DURATION_MS / 1000} s per scenario, alternating; processes each open their own connection to the same file (start-up excluded: each counts its own time). ` +
      `The server prepares its ledger statements once per connection, so none should be compiled per pair. Load average ${loadBefore.toFixed(2)} → ${loadAfter.toFixed(2)} on ${os.availableParallelism()} cores.`,
    rows,
    raw: {
      summary,
      runs,
      books: { unbalancedTransactions: unbalanced, driftedBalances: drifted, openHolds: open, negative },
      loadAverage1m: { before: loadBefore, after: loadAfter, cores: os.availableParallelism() },
    },
    goals: [
      {
        goal: `≥ ${GOAL_PAIRS_PER_S} reserve + settle pairs/s on one connection with 16 callers`,
        met: one >= GOAL_PAIRS_PER_S,
        value: `${Math.round(one)} pairs/s, ${Math.round(summary["1x16"]?.cpuMicrosPerPair ?? 0)} µs of CPU a pair`,
      },
      {
        goal: "no pair fails with several connections on one file, and the books balance after",
        met: processErrors === 0 && consistent,
        value:
          `${processErrors} pairs failed; ` +
          `${consistent ? "books balance" : `${unbalanced} unbalanced transactions, ${drifted} drifted balances, ${negative} negative accounts`}` +
          `; ${open} holds left open by failed settlements`,
      },
    ],
  };
}
