import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/open-database.ts";
import { ledgerEntries, ledgerTransactions } from "../db/schema.ts";
import { books } from "./ledger.ts";

/** A payment or grant that added USD credit to an account. */
export interface AccountCredit {
  id: string;
  kind: string;
  at: Date;
  amount: number;
}

/**
 * The payments and grants that credited an account's USD book, for its billing
 * history. Reads the partial index of credit transactions, never the
 * settlement every paid request posts: the condition on `kind` is spelled as
 * the index's own, which is how SQLite knows it may use it.
 */
export function accountCredits(db: Db, accountId: string): AccountCredit[] {
  return db
    .select({
      id: ledgerTransactions.id,
      kind: ledgerTransactions.kind,
      at: ledgerTransactions.createdAt,
      amount: ledgerEntries.amount,
    })
    .from(ledgerTransactions)
    .innerJoin(ledgerEntries, eq(ledgerEntries.transactionId, ledgerTransactions.id))
    .where(
      and(
        eq(ledgerTransactions.accountId, accountId),
        sql`kind in ('payment', 'grant')`,
        eq(ledgerEntries.book, books.usd(accountId)),
      ),
    )
    .all();
}
