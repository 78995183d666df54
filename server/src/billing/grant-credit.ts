import type { Db } from "../db/open-database.ts";
import { books, post } from "./ledger.ts";

/**
 * Adds USD credit to an account (an operator grant, or a payment). With an
 * idempotency key, the same payment applied twice credits once; returns
 * whether it was applied now.
 */
export function grantUsd(
  db: Db,
  accountId: string,
  micro: number,
  kind = "grant",
  idempotencyKey?: string,
): boolean {
  if (!Number.isSafeInteger(micro) || micro <= 0)
    throw new RangeError("a grant must be a positive whole number of micro-USD");
  return db.transaction(
    () =>
      post(db, {
        kind,
        accountId,
        idempotencyKey,
        entries: [
          [books.issuance("usd"), -micro],
          [books.usd(accountId), micro],
        ],
      }),
    { behavior: "immediate" },
  );
}
