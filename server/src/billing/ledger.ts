import { randomBytes } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import type { Db } from "../db/open-database.ts";
import { ledgerBalances, ledgerEntries, ledgerTransactions } from "../db/schema.ts";

/** A database handle: the db itself, or one inside a transaction. */
export type Tx = Db | Parameters<Parameters<Db["transaction"]>[0]>[0];

/** Names of the ledger's books. Accounts' books never go below zero. */
export const books = {
  usd: (accountId: string) => `acct:${accountId}:usd`,
  plan: (accountId: string, month: string) => `acct:${accountId}:plan:${month}`,
  diem: (accountId: string, day: string) => `acct:${accountId}:diem:${day}`,
  hold: (reservationId: string) => `hold:${reservationId}`,
  issuance: (kind: "usd" | "plan" | "diem") => `issuance:${kind}`,
  revenue: (kind: "usd" | "plan" | "diem") => `revenue:${kind}`,
} as const;

export interface Posting {
  kind: string;
  accountId?: string;
  /** When set and already used, nothing is posted and `post` returns false. */
  idempotencyKey?: string;
  /** Book → signed amount; must sum to zero. */
  entries: Array<[book: string, amount: number]>;
}

/** Thrown when a posting would take an account's book below zero. */
export class OverdraftError extends Error {
  constructor(readonly book: string) {
    super(`posting would overdraw ${book}`);
  }
}

/**
 * Posts one balanced transaction: entries and balances in the caller's
 * database transaction, so money moves all at once or not at all.
 * Returns false when the idempotency key was already used.
 */
export function post(tx: Tx, posting: Posting): boolean {
  const sum = posting.entries.reduce((n, [, amount]) => n + amount, 0);
  if (sum !== 0) throw new Error(`unbalanced posting ${posting.kind}: sums to ${sum}`);
  for (const [, amount] of posting.entries) {
    if (!Number.isSafeInteger(amount)) throw new Error(`amount ${amount} is not an integer`);
  }
  if (posting.idempotencyKey) {
    const seen = tx
      .select({ id: ledgerTransactions.id })
      .from(ledgerTransactions)
      .where(eq(ledgerTransactions.idempotencyKey, posting.idempotencyKey))
      .get();
    if (seen) return false;
  }
  const id = `txn_${randomBytes(12).toString("base64url")}`;
  tx.insert(ledgerTransactions)
    .values({
      id,
      kind: posting.kind,
      accountId: posting.accountId ?? null,
      idempotencyKey: posting.idempotencyKey ?? null,
    })
    .run();
  for (const [book, amount] of posting.entries) {
    if (amount === 0) continue;
    tx.insert(ledgerEntries).values({ transactionId: id, book, amount }).run();
    const row = tx
      .insert(ledgerBalances)
      .values({ book, balance: amount })
      .onConflictDoUpdate({
        target: ledgerBalances.book,
        set: { balance: sql`${ledgerBalances.balance} + ${amount}` },
      })
      .returning({ balance: ledgerBalances.balance })
      .get();
    if (book.startsWith("acct:") && row.balance < 0) throw new OverdraftError(book);
  }
  return true;
}

/** A book's balance (0 for a book never posted to). */
export function balanceOf(tx: Tx, book: string): number {
  return (
    tx
      .select({ balance: ledgerBalances.balance })
      .from(ledgerBalances)
      .where(eq(ledgerBalances.book, book))
      .get()?.balance ?? 0
  );
}
