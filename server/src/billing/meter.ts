import {
  type BucketAmounts,
  formatUsd,
  InsufficientBalanceError,
  SpendLimitError,
  spendOrder,
  splitSpend,
} from "@masque/shared";
import { and, eq, gte, ne, type Placeholder, sql } from "drizzle-orm";
import type { Principal } from "../auth/principal.ts";
import type { Db } from "../db/open-database.ts";
import { preparedFor } from "../db/prepared-for.ts";
import { ledgerBalances, reservations } from "../db/schema.ts";
import { writeTransaction } from "../db/write-transaction.ts";
import { grantDiemCredit, grantPlanCredit } from "./credit-grants.ts";
import { books, post } from "./ledger.ts";
import { periodStart, utcDay, utcMonth } from "./periods.ts";
import { sortableId } from "./sortable-id.ts";

/** A book's balance as a scalar subquery (0 for a book never posted to). */
const bookBalance = (book: Placeholder) =>
  sql`coalesce((select ${ledgerBalances.balance} from ${ledgerBalances} where ${ledgerBalances.book} = ${book}), 0)`;

const statements = preparedFor((db) => {
  const p = sql.placeholder;
  return {
    insertReservation: db
      .insert(reservations)
      .values({
        id: p("id"),
        accountId: p("accountId"),
        keyId: p("keyId"),
        model: p("model"),
        status: "held",
        heldDiem: p("heldDiem"),
        heldPlan: p("heldPlan"),
        heldUsd: p("heldUsd"),
        diemBook: p("diemBook"),
        planBook: p("planBook"),
        createdAt: p("createdAt"),
      })
      .prepare(),
    /** Closes a hold that is still open; changes nothing (0 rows) once it was settled. */
    closeReservation: db
      .update(reservations)
      // An update's placeholders bind as given (no column mapping): settledAt in milliseconds.
      .set({
        status: sql`${p("status")}`,
        chargedDiem: sql`${p("chargedDiem")}`,
        chargedPlan: sql`${p("chargedPlan")}`,
        chargedUsd: sql`${p("chargedUsd")}`,
        settledAt: sql`${p("settledAtMs")}`,
        model: sql`coalesce(${p("model")}, ${reservations.model})`,
      })
      .where(and(eq(reservations.id, p("id")), eq(reservations.status, "held")))
      .prepare(),
    /**
     * What an account can spend now, per bucket: its three books less its open
     * holds on them (a hold takes nothing from its books, it only keeps the
     * amount from being spent twice). One statement: an aggregate over the
     * account's open holds, which is one row even when there are none.
     */
    available: db
      .select({
        diem: sql<number>`${bookBalance(p("diemBook"))} - coalesce(sum(case when ${reservations.diemBook} = ${p("diemBook")} then ${reservations.heldDiem} end), 0)`,
        plan: sql<number>`${bookBalance(p("planBook"))} - coalesce(sum(case when ${reservations.planBook} = ${p("planBook")} then ${reservations.heldPlan} end), 0)`,
        usd: sql<number>`${bookBalance(p("usdBook"))} - coalesce(sum(${reservations.heldUsd}), 0)`,
      })
      .from(reservations)
      .where(and(eq(reservations.accountId, p("accountId")), eq(reservations.status, "held")))
      .prepare(),
    /** What a key spent (or holds) since a time, per kind of credit. */
    keySpend: db
      .select({
        diem: sql<number>`coalesce(sum(coalesce(${reservations.chargedDiem}, ${reservations.heldDiem})), 0)`,
        usd: sql<number>`coalesce(sum(coalesce(${reservations.chargedPlan}, ${reservations.heldPlan}) + coalesce(${reservations.chargedUsd}, ${reservations.heldUsd})), 0)`,
      })
      .from(reservations)
      .where(
        and(
          eq(reservations.keyId, p("keyId")),
          ne(reservations.status, "released"),
          // A where clause binds the driver's value: milliseconds.
          gte(reservations.createdAt, p("sinceMs")),
        ),
      )
      .prepare(),
  };
});

/** Credit held for one request. */
export interface Reservation {
  id: string;
  accountId: string;
  held: BucketAmounts;
  diemBook: string;
  planBook: string;
}

/** A new hold, and what the account can still spend right after it. */
export interface HeldReservation extends Reservation {
  available: BucketAmounts;
}

/** What an account can spend right now, per bucket, in micro-USD: its books less its open holds. */
export function availableCredit(db: Db, accountId: string, now: Date): BucketAmounts {
  const diemBook = books.diem(accountId, utcDay(now));
  const planBook = books.plan(accountId, utcMonth(now));
  const usdBook = books.usd(accountId);
  const row = statements(db).available.get({ accountId, diemBook, planBook, usdBook });
  return row ?? { diem: 0, plan: 0, usd: 0 };
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
 *
 * A hold is its `reservations` row alone: no money moves until the request
 * is settled, and what is available is the books less the open holds. That
 * keeps a request's ledger writes to one posting, the charge.
 */
export function reserve(db: Db, o: ReserveOptions): HeldReservation {
  const now = o.now ?? new Date();
  const { accountId } = o.principal;
  return writeTransaction(db, () => {
    grantPlanCredit(db, accountId, o.principal.tier, utcMonth(now));
    grantDiemCredit(db, accountId, utcDay(now), o.diemCreditMicro);
    const available = availableCredit(db, accountId, now);
    const held = splitSpend(o.maxCostMicro, available);
    if (!held) {
      throw new InsufficientBalanceError(
        `This request may cost up to ${formatUsd(o.maxCostMicro)}, and you have ${formatUsd(available.diem)} of DIEM credit today, ` +
          `${formatUsd(available.plan)} of plan credit and ${formatUsd(available.usd)} of balance. ` +
          "Lower max_tokens, stake DIEM, upgrade your plan or add credit.",
      );
    }
    checkSpendLimit(db, o.principal, held, now);
    const id = sortableId("res");
    const diemBook = books.diem(accountId, utcDay(now));
    const planBook = books.plan(accountId, utcMonth(now));
    statements(db).insertReservation.run({
      id,
      accountId,
      keyId: o.principal.via.kind === "key" ? o.principal.via.keyId : null,
      model: o.model,
      heldDiem: held.diem,
      heldPlan: held.plan,
      heldUsd: held.usd,
      diemBook,
      planBook,
      createdAt: now,
    });
    const after = {
      diem: available.diem - held.diem,
      plan: available.plan - held.plan,
      usd: available.usd - held.usd,
    };
    return { id, accountId, held, diemBook, planBook, available: after };
  });
}

/** A key's own limit: what it spent this period plus this hold must fit. */
function checkSpendLimit(db: Db, principal: Principal, held: BucketAmounts, now: Date): void {
  if (principal.via.kind !== "key" || !principal.via.spendLimit) return;
  const { usdMicro, diemMicro, period } = principal.via.spendLimit;
  const spent = statements(db).keySpend.get({
    keyId: principal.via.keyId,
    sinceMs: periodStart(now, period).getTime(),
  }) ?? { diem: 0, usd: 0 };
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

export interface SettleOptions {
  /** The model that served (a fallback may have). */
  model?: string;
  now?: Date;
  /**
   * Writes to commit together with the settlement, in its transaction (the
   * request's usage counters): one commit instead of two. Runs even when the
   * hold was already settled.
   */
  alongside?: () => void;
}

export interface SettleResult {
  /** What was charged, per bucket (nothing when the hold was already settled). */
  charged: BucketAmounts;
  /** What the account can spend right after, per bucket. */
  available: BucketAmounts;
}

/** What settling a hold charges for an actual cost, per bucket: never more than was held, in spend order. */
export function chargeFor(held: BucketAmounts, actualCostMicro: number): BucketAmounts {
  const total = held.diem + held.plan + held.usd;
  return splitSpend(Math.min(Math.max(0, actualCostMicro), total), held) ?? { diem: 0, plan: 0, usd: 0 };
}

/**
 * Charges the actual cost of a finished request (never more than was held),
 * in spend order, from the books the hold was on, and closes the hold, which
 * frees the rest. Settling twice is a no-op, so a late retry cannot charge again.
 */
export function settle(
  db: Db,
  reservation: Reservation,
  actualCostMicro: number,
  at: SettleOptions = {},
): SettleResult {
  const now = at.now ?? new Date();
  return writeTransaction(db, () => {
    at.alongside?.();
    const available = () => availableCredit(db, reservation.accountId, now);
    const charged = chargeFor(reservation.held, actualCostMicro);
    const released = charged.diem + charged.plan + charged.usd === 0;
    // Closing the hold first is the check: a hold already closed changes no row, and nothing is posted.
    const closed = statements(db).closeReservation.run({
      id: reservation.id,
      status: released ? "released" : "settled",
      chargedDiem: charged.diem,
      chargedPlan: charged.plan,
      chargedUsd: charged.usd,
      settledAtMs: now.getTime(),
      model: at.model ?? null,
    });
    if (closed.changes === 0) return { charged: { diem: 0, plan: 0, usd: 0 }, available: available() };
    if (!released) {
      const source = {
        diem: reservation.diemBook,
        plan: reservation.planBook,
        usd: books.usd(reservation.accountId),
      };
      const entries: Array<[string, number]> = [];
      for (const bucket of spendOrder) {
        entries.push([source[bucket], -charged[bucket]]);
        entries.push([books.revenue(bucket), charged[bucket]]);
      }
      post(db, { kind: "settle", accountId: reservation.accountId, entries });
    }
    return { charged, available: available() };
  });
}

/** Frees a whole hold, uncharged: the request failed before anything was delivered. */
export function release(db: Db, reservation: Reservation): void {
  settle(db, reservation, 0);
}
