import fs from "node:fs";
import path from "node:path";
import { driftedBooks } from "@masque/server/billing/ledger-audit.ts";
import Database from "better-sqlite3";
import {
  type MasqueProcess,
  runCli,
  type StartOptions,
  startMasque,
  tempDataDir,
} from "../../support/masque-process.ts";
import { writeProvidersFile } from "../../support/stand-in-providers.ts";

export interface ModelSpec {
  /** Our id, and the upstream's behaviour (see ScriptedUpstream). */
  id: string;
  upstreamId: string;
  privacy?: "anonymized" | "local";
  /** USD per million tokens, input and output alike; 0: free. */
  pricePerMTok?: number;
  fallbacks?: string[];
}

export interface HardeningGateway extends MasqueProcess {
  /** A Max admin key on an account with `balanceUsd` of credit. */
  adminKey: string;
  accountId: string;
  /** Makes `n` more inference keys on the admin's account (each has its own rate limits). */
  keys(n: number): Promise<string[]>;
  /** Reads the gateway's SQLite store (read-only, a fresh connection). */
  sql<T>(query: string, ...params: unknown[]): T[];
}

/**
 * Starts a gateway whose models all point at one upstream (two providers, one
 * per privacy class), with an admin key on a funded Max account.
 */
export async function startHardeningGateway(
  upstreamBaseUrl: string,
  models: ModelSpec[],
  options: StartOptions & { balanceUsd?: number } = {},
): Promise<HardeningGateway> {
  const dataDir = options.dataDir ?? tempDataDir("masque-hardening-");
  const file = writeProvidersFile(dataDir, {
    providers: [
      { id: "frontier", kind: "openai", baseUrl: upstreamBaseUrl, privacy: "anonymized" },
      { id: "home", kind: "openai", baseUrl: upstreamBaseUrl, privacy: "local" },
    ],
    models: models.map((m) => {
      const price = m.pricePerMTok ?? 0;
      return {
        id: m.id,
        provider: m.privacy === "local" ? "home" : "frontier",
        upstreamId: m.upstreamId,
        contextLength: 32_000,
        pricing: { inputPerMTok: price, outputPerMTok: price },
        ...(m.fallbacks ? { fallbacks: m.fallbacks } : {}),
      };
    }),
  });
  const gateway = await startMasque({
    ...options,
    dataDir,
    env: { MASQUE_PROVIDERS: file, MASQUE_UPSTREAM_TIMEOUT_MS: "10000", ...options.env },
  });
  const { stdout, stderr } = await runCli(
    ["keys", "create", "--tier", "max", "--admin", "--balance-usd", String(options.balanceUsd ?? 100)],
    dataDir,
  );
  const adminKey = stdout.trim().split("\n").at(-1) ?? "";
  const accountId = /for account (\S+)/.exec(stderr)?.[1] ?? "";
  return {
    ...gateway,
    adminKey,
    accountId,
    async keys(n) {
      return Promise.all(
        Array.from({ length: n }, async () => {
          const res = await fetch(`${gateway.url}/api/keys`, {
            method: "POST",
            headers: { authorization: `Bearer ${adminKey}`, "content-type": "application/json" },
            body: "{}",
          });
          if (res.status !== 201) throw new Error(`creating a key: ${res.status} ${await res.text()}`);
          return ((await res.json()) as { key: string }).key;
        }),
      );
    },
    sql<T>(query: string, ...params: unknown[]): T[] {
      const db = new Database(path.join(dataDir, "masque.sqlite"), { readonly: true });
      try {
        return db.prepare(query).all(...params) as T[];
      } finally {
        db.close();
      }
    },
  };
}

/**
 * The ledger's invariants: entries sum to zero, no account book below zero, no
 * hold left open, and every book's balance is the sum of its entries.
 */
export function ledgerState(gateway: HardeningGateway) {
  const store = new Database(path.join(gateway.dataDir, "masque.sqlite"), { readonly: true });
  try {
    const sum = store.prepare("select coalesce(sum(amount), 0) from ledger_entries").pluck().get() as number;
    const negative = store
      .prepare("select book from ledger_balances where book like 'acct:%' and balance < 0")
      .all() as Array<{ book: string }>;
    const held = store
      .prepare("select count(*) from reservations where status = 'held'")
      .pluck()
      .get() as number;
    return { sum, negative, held, drifted: driftedBooks(store).length };
  } finally {
    store.close();
  }
}

/** Resident memory of a process, in bytes, from /proc. */
export function rssBytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  if (!kb) throw new Error(`no VmRSS for ${pid}`);
  return Number(kb) * 1024;
}
