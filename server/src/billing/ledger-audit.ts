import type Database from "better-sqlite3";

/**
 * The ledger's own rules, checked against a store (both lists are empty in a
 * sound ledger): for tests and benchmarks, which read a store directly. Each
 * reads every entry once; entries have no index by book, so a lookup per book
 * would read them all each time.
 */

/** Transactions whose entries do not sum to zero. */
export function unbalancedTransactions(client: Database.Database): string[] {
  return client
    .prepare("select transaction_id from ledger_entries group by transaction_id having sum(amount) != 0")
    .pluck()
    .all() as string[];
}

/** Books whose balance is not the sum of their entries. */
export function driftedBooks(client: Database.Database): string[] {
  return client
    .prepare(
      "select b.book from ledger_balances b left join (select book, sum(amount) as s from ledger_entries group by book) e using (book) where b.balance != coalesce(e.s, 0)",
    )
    .pluck()
    .all() as string[];
}
