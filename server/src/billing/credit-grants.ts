import { type TierId, tiers } from "@masque/shared";
import { and, eq } from "drizzle-orm";
import { creditGrants } from "../db/schema.ts";
import { books, post, type Tx } from "./ledger.ts";

/**
 * Tops a period's credit up to `target` micro-USD: the first call in a period
 * grants it all, later calls grant only an increase (more DIEM staked, a
 * better plan). Credit never carries over: each period has its own book.
 */
function topUp(
  tx: Tx,
  accountId: string,
  kind: "diem" | "plan",
  period: string,
  book: string,
  target: number,
): void {
  const granted = grantedFor(tx, accountId, kind, period);
  if (target <= granted) return;
  post(tx, {
    kind: `${kind}_grant`,
    accountId,
    entries: [
      [books.issuance(kind), granted - target],
      [book, target - granted],
    ],
  });
  tx.insert(creditGrants)
    .values({ accountId, kind, period, grantedMicro: target })
    .onConflictDoUpdate({
      target: [creditGrants.accountId, creditGrants.kind, creditGrants.period],
      set: { grantedMicro: target },
    })
    .run();
}

/** The plan's included credit for this UTC month. */
export function grantPlanCredit(tx: Tx, accountId: string, tier: TierId, month: string): void {
  topUp(tx, accountId, "plan", month, books.plan(accountId, month), tiers[tier].includedCreditMicroUsd);
}

/** Today's DIEM credit, up to what the account's staked DIEM gives. */
export function grantDiemCredit(tx: Tx, accountId: string, day: string, creditMicro: number): void {
  topUp(tx, accountId, "diem", day, books.diem(accountId, day), creditMicro);
}

/** Credit granted so far for a period, in micro-USD. */
export function grantedFor(tx: Tx, accountId: string, kind: "diem" | "plan", period: string): number {
  return (
    tx
      .select({ granted: creditGrants.grantedMicro })
      .from(creditGrants)
      .where(
        and(
          eq(creditGrants.accountId, accountId),
          eq(creditGrants.kind, kind),
          eq(creditGrants.period, period),
        ),
      )
      .get()?.granted ?? 0
  );
}
