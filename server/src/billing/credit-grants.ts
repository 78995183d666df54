import { type TierId, tiers } from "@masque/shared";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/open-database.ts";
import { preparedFor } from "../db/prepared-for.ts";
import { creditGrants } from "../db/schema.ts";
import { books, post } from "./ledger.ts";

const statements = preparedFor((db) => {
  const p = sql.placeholder;
  return {
    granted: db
      .select({ granted: creditGrants.grantedMicro })
      .from(creditGrants)
      .where(
        and(
          eq(creditGrants.accountId, p("accountId")),
          eq(creditGrants.kind, p("kind")),
          eq(creditGrants.period, p("period")),
        ),
      )
      .prepare(),
    setGranted: db
      .insert(creditGrants)
      .values({ accountId: p("accountId"), kind: p("kind"), period: p("period"), grantedMicro: p("granted") })
      .onConflictDoUpdate({
        target: [creditGrants.accountId, creditGrants.kind, creditGrants.period],
        set: { grantedMicro: sql`excluded.granted_micro` },
      })
      .prepare(),
  };
});

/**
 * Per database: what each account+kind+period is known to have been granted
 * at least. A grant only ever grows, so a value remembered here stays a lower
 * bound even when another process grants more: a target at or below it needs
 * no grant and no query; above it, the store decides (under the write lock).
 */
const knownGranted = preparedFor(() => new Map<string, number>());
const KNOWN_GRANTED_MAX = 100_000;

/**
 * Tops a period's credit up to `target` micro-USD: the first call in a period
 * grants it all, later calls grant only an increase (more DIEM staked, a
 * better plan). Credit never carries over: each period has its own book.
 * Call it inside a write transaction on `db`.
 */
function topUp(
  db: Db,
  accountId: string,
  kind: "diem" | "plan",
  period: string,
  book: string,
  target: number,
): void {
  if (target <= 0) return;
  const known = knownGranted(db);
  const key = `${accountId}\u0000${kind}\u0000${period}`;
  if (target <= (known.get(key) ?? 0)) return;
  const granted = grantedFor(db, accountId, kind, period);
  if (target <= granted) {
    // Read before this transaction wrote it, so it is committed: safe to remember.
    if (known.size >= KNOWN_GRANTED_MAX) known.clear();
    known.set(key, granted);
    return;
  }
  // Not remembered: the caller's transaction may still roll back. The next top-up reads it.
  known.delete(key);
  post(db, {
    kind: `${kind}_grant`,
    accountId,
    entries: [
      [books.issuance(kind), granted - target],
      [book, target - granted],
    ],
  });
  statements(db).setGranted.run({ accountId, kind, period, granted: target });
}

/** The plan's included credit for this UTC month. */
export function grantPlanCredit(db: Db, accountId: string, tier: TierId, month: string): void {
  topUp(db, accountId, "plan", month, books.plan(accountId, month), tiers[tier].includedCreditMicroUsd);
}

/** Today's DIEM credit, up to what the account's staked DIEM gives. */
export function grantDiemCredit(db: Db, accountId: string, day: string, creditMicro: number): void {
  topUp(db, accountId, "diem", day, books.diem(accountId, day), creditMicro);
}

/** Credit granted so far for a period, in micro-USD. */
export function grantedFor(db: Db, accountId: string, kind: "diem" | "plan", period: string): number {
  const row = statements(db).granted.get({ accountId, kind, period });
  return row?.granted ?? 0;
}
