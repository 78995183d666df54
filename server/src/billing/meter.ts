import { randomBytes } from "node:crypto";
import {
  type BucketAmounts,
  formatUsd,
  InsufficientBalanceError,
  SpendLimitError,
  spendOrder,
  splitSpend,
} from "@masque/shared";
import { and, eq, gte, ne, sql } from "drizzle-orm";
import type { Principal } from "../auth/principal.ts";
import type { Db } from "../db/open-database.ts";
import { reservations } from "../db/schema.ts";
import { grantDiemCredit, grantPlanCredit } from "./credit-grants.ts";
import { balanceOf, books, post, type Tx } from "./ledger.ts";
import { periodStart, utcDay, utcMonth } from "./periods.ts";

/** Credit held for one request. */
export interface Reservation {
  id: string;
  accountId: string;
  held: BucketAmounts;
  diemBook: string;
  planBook: string;
}

/** What an account can spend right now, per bucket, in micro-USD. */
export function availableCredit(tx: Tx, accountId: string, now: Date): BucketAmounts {
  return {
    diem: balanceOf(tx, books.diem(accountId, utcDay(now))),
    plan: balanceOf(tx, books.plan(accountId, utcMonth(now))),
    usd: balanceOf(tx, books.usd(accountId)),
  };
}

export interface ReserveOptions {
  principal: Principal;
  model: string;
  /** The most the request can cost, in micro-USD. */
  maxCostMicro: number;
  /** Today's DIEM credit for the account (read from the chain beforehand). */
  diemCreditMicro: number;
  now?: Date;
}

/**
 * Holds the worst-case cost of a request before it reaches a provider, from
 * today's DIEM credit, then the plan's credit, then the USD balance — in one
 * SQLite transaction, so concurrent requests can never overdraw an account.
 * Grants the day's DIEM credit and the month's plan credit on the way.
 */
export function reserve(db: Db, o: ReserveOptions): Reservation {
  const now = o.now ?? new Date();
  const { accountId } = o.principal;
  return db.transaction(
    (tx) => {
      grantPlanCredit(tx, accountId, o.principal.tier, utcMonth(now));
      grantDiemCredit(tx, accountId, utcDay(now), o.diemCreditMicro);
      const available = availableCredit(tx, accountId, now);
      const held = splitSpend(o.maxCostMicro, available);
      if (!held) {
        throw new InsufficientBalanceError(
          `This request may cost up to ${formatUsd(o.maxCostMicro)}, and you have ${formatUsd(available.diem)} of DIEM credit today, ` +
            `${formatUsd(available.plan)} of plan credit and ${formatUsd(available.usd)} of balance. ` +
            "Lower max_tokens, stake DIEM, upgrade your plan or add credit.",
        );
      }
      checkSpendLimit(tx, o.principal, held, now);
      const id = `res_${randomBytes(12).toString("base64url")}`;
      const diemBook = books.diem(accountId, utcDay(now));
      const planBook = books.plan(accountId, utcMonth(now));
      post(tx, {
        kind: "reserve",
        accountId,
        entries: [
          [diemBook, -held.diem],
          [planBook, -held.plan],
          [books.usd(accountId), -held.usd],
          [books.hold(id), held.diem + held.plan + held.usd],
        ],
      });
      tx.insert(reservations)
        .values({
          id,
          accountId,
          keyId: o.principal.via.kind === "key" ? o.principal.via.keyId : null,
          model: o.model,
          status: "held",
          heldDiem: held.diem,
          heldPlan: held.plan,
          heldUsd: held.usd,
          diemBook,
          planBook,
          createdAt: now,
        })
        .run();
      return { id, accountId, held, diemBook, planBook };
    },
    // Take the write lock at BEGIN: a transaction that reads first cannot wait for another
    // process's lock when it later writes (SQLite answers SQLITE_BUSY at once), but BEGIN can.
    { behavior: "immediate" },
  );
}

/** A key's own limit: what it spent this period plus this hold must fit. */
function checkSpendLimit(tx: Tx, principal: Principal, held: BucketAmounts, now: Date): void {
  if (principal.via.kind !== "key" || !principal.via.spendLimit) return;
  const { usdMicro, diemMicro, period } = principal.via.spendLimit;
  const spent = tx
    .select({
      diem: sql<number>`coalesce(sum(coalesce(${reservations.chargedDiem}, ${reservations.heldDiem})), 0)`,
      usd: sql<number>`coalesce(sum(coalesce(${reservations.chargedPlan}, ${reservations.heldPlan}) + coalesce(${reservations.chargedUsd}, ${reservations.heldUsd})), 0)`,
    })
    .from(reservations)
    .where(
      and(
        eq(reservations.keyId, principal.via.keyId),
        ne(reservations.status, "released"),
        gte(reservations.createdAt, periodStart(now, period)),
      ),
    )
    .get() ?? { diem: 0, usd: 0 };
  if (usdMicro !== null && spent.usd + held.plan + held.usd > usdMicro) {
    throw new SpendLimitError(
      `This key's limit of ${formatUsd(usdMicro)} a ${period} would be passed (spent ${formatUsd(spent.usd)}).`,
    );
  }
  if (diemMicro !== null && spent.diem + held.diem > diemMicro) {
    throw new SpendLimitError(
      `This key's DIEM limit of ${formatUsd(diemMicro)} a ${period} would be passed (spent ${formatUsd(spent.diem)}).`,
    );
  }
}

/**
 * Charges the actual cost of a finished request (never more than was held),
 * in spend order, and returns the rest of the hold to where it came from.
 * Settling twice is a no-op, so a late retry cannot charge again.
 */
export function settle(
  db: Db,
  reservation: Reservation,
  actualCostMicro: number,
  /** The model that served (a fallback may have), and the time. */
  at: { model?: string; now?: Date } = {},
): BucketAmounts {
  const now = at.now ?? new Date();
  return db.transaction(
    (tx) => {
      const row = tx
        .select({ status: reservations.status })
        .from(reservations)
        .where(eq(reservations.id, reservation.id))
        .get();
      const none = { diem: 0, plan: 0, usd: 0 };
      if (row?.status !== "held") return none;
      const heldTotal = reservation.held.diem + reservation.held.plan + reservation.held.usd;
      const charged = splitSpend(Math.min(Math.max(0, actualCostMicro), heldTotal), reservation.held) ?? none;
      const source = {
        diem: reservation.diemBook,
        plan: reservation.planBook,
        usd: books.usd(reservation.accountId),
      };
      const entries: Array<[string, number]> = [[books.hold(reservation.id), -heldTotal]];
      for (const bucket of spendOrder) {
        entries.push([books.revenue(bucket), charged[bucket]]);
        entries.push([source[bucket], reservation.held[bucket] - charged[bucket]]);
      }
      post(tx, { kind: "settle", accountId: reservation.accountId, entries });
      const released = charged.diem + charged.plan + charged.usd === 0;
      tx.update(reservations)
        .set({
          status: released ? "released" : "settled",
          chargedDiem: charged.diem,
          chargedPlan: charged.plan,
          chargedUsd: charged.usd,
          settledAt: now,
          ...(at.model ? { model: at.model } : {}),
        })
        .where(eq(reservations.id, reservation.id))
        .run();
      return charged;
    },
    { behavior: "immediate" },
  );
}

/** Returns a whole hold: the request failed before anything was delivered. */
export function release(db: Db, reservation: Reservation): void {
  settle(db, reservation, 0);
}
