import { eq, sql } from "drizzle-orm";
import type { Db } from "../db/open-database.ts";
import { preparedFor } from "../db/prepared-for.ts";
import { ledgerBalances, ledgerEntries, ledgerTransactions } from "../db/schema.ts";
import { sortableId } from "./sortable-id.ts";

/** A database handle: the db itself, or one inside a transaction. */
export type Tx = Db | Parameters<Parameters<Db["transaction"]>[0]>[0];

/** Names of the ledger's books. Accounts' books never go below zero. */
export const books = {
  usd: (accountId: string) => `acct:${accountId}:usd`,
  plan: (accountId: string, month: string) => `acct:${accountId}:plan:${month}`,
  diem: (accountId: string, day: string) => `acct:${accountId}:diem:${day}`,
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

const statements = preparedFor((db) => {
  const p = sql.placeholder;
  return {
    transactionByKey: db
      .select({ id: ledgerTransactions.id })
      .from(ledgerTransactions)
      .where(eq(ledgerTransactions.idempotencyKey, p("key")))
      .prepare(),
    insertTransaction: db
      .insert(ledgerTransactions)
      .values({ id: p("id"), kind: p("kind"), accountId: p("accountId"), idempotencyKey: p("key") })
      .prepare(),
    insertEntry: db
      .insert(ledgerEntries)
      .values({ transactionId: p("transactionId"), book: p("book"), amount: p("amount") })
      .prepare(),
    addToBalance: db
      .insert(ledgerBalances)
      .values({ book: p("book"), balance: p("amount") })
      .onConflictDoUpdate({
        target: ledgerBalances.book,
        set: { balance: sql`${ledgerBalances.balance} + excluded.balance` },
      })
      .returning({ balance: ledgerBalances.balance })
      .prepare(),
    balanceOf: db
      .select({ balance: ledgerBalances.balance })
      .from(ledgerBalances)
      .where(eq(ledgerBalances.book, p("book")))
      .prepare(),
  };
});

/**
 * Posts one balanced transaction: its entries and the books' balances. Call it
 * inside a transaction on `db` (better-sqlite3 has one connection, so these
 * statements join the transaction open on it): money moves all at once or not
 * at all. Returns false when the idempotency key was already used.
 */
export function post(db: Db, posting: Posting): boolean {
  const sum = posting.entries.reduce((n, [, amount]) => n + amount, 0);
  if (sum !== 0) throw new Error(`unbalanced posting ${posting.kind}: sums to ${sum}`);
  for (const [, amount] of posting.entries) {
    if (!Number.isSafeInteger(amount)) throw new Error(`amount ${amount} is not an integer`);
  }
  const s = statements(db);
  if (posting.idempotencyKey && s.transactionByKey.get({ key: posting.idempotencyKey })) return false;
  const id = sortableId("txn");
  s.insertTransaction.run({
    id,
    kind: posting.kind,
    accountId: posting.accountId ?? null,
    key: posting.idempotencyKey ?? null,
  });
  for (const [book, amount] of posting.entries) {
    if (amount === 0) continue;
    s.insertEntry.run({ transactionId: id, book, amount });
    const row = s.addToBalance.get({ book, amount }) as { balance: number };
    if (book.startsWith("acct:") && row.balance < 0) throw new OverdraftError(book);
  }
  return true;
}

/** A book's balance (0 for a book never posted to). */
export function balanceOf(db: Db, book: string): number {
  return statements(db).balanceOf.get({ book })?.balance ?? 0;
}
