import type { TierId } from "@masque/shared";
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../db/open-database.ts";
import { accounts, chainPayments } from "../db/schema.ts";
import type { Tx } from "./ledger.ts";

/** One `Subscribed` event, decoded. */
export interface SubscriptionPayment {
  txHash: string;
  logIndex: number;
  blockNumber: number;
  blockHash: string;
  subscriber: string;
  tier: TierId;
  periods: number;
  paidUntil: Date;
  amount: bigint;
  buybackAmount: bigint;
  receiptId: bigint;
}

/**
 * Records a confirmed USDC payment and activates the tier of the account linked
 * to the paying wallet. Idempotent on (transaction hash, log index): a payment
 * seen twice activates once. Returns whether it was new.
 */
export function recordSubscriptionPayment(db: Db, p: SubscriptionPayment): boolean {
  return db.transaction(
    (tx) => {
      const inserted = tx
        .insert(chainPayments)
        .values({
          txHash: p.txHash,
          logIndex: p.logIndex,
          blockNumber: p.blockNumber,
          blockHash: p.blockHash,
          subscriber: p.subscriber.toLowerCase(),
          tier: p.tier,
          periods: p.periods,
          paidUntil: p.paidUntil,
          amount: p.amount.toString(),
          buybackAmount: p.buybackAmount.toString(),
          receiptId: p.receiptId.toString(),
        })
        .onConflictDoNothing()
        .run();
      if (inserted.changes === 0) return false;
      applyPendingPayments(tx, p.subscriber);
      return true;
    },
    { behavior: "immediate" },
  );
}

/**
 * Applies a wallet's payments that no account had yet — when the payment is
 * indexed, or later when the wallet signs in. The account takes the paid tier
 * until the end of the period the contract computed.
 */
export function applyPendingPayments(tx: Tx, wallet: string): void {
  const address = wallet.toLowerCase();
  const account = tx
    .select({ id: accounts.id })
    .from(accounts)
    .where(eq(accounts.walletAddress, address))
    .get();
  if (!account) return;
  const pending = tx
    .select()
    .from(chainPayments)
    .where(and(eq(chainPayments.subscriber, address), isNull(chainPayments.appliedAt)))
    .orderBy(chainPayments.blockNumber, chainPayments.logIndex)
    .all();
  for (const payment of pending) {
    tx.update(accounts)
      .set({ tier: payment.tier, paidUntil: payment.paidUntil })
      .where(eq(accounts.id, account.id))
      .run();
    tx.update(chainPayments)
      .set({ accountId: account.id, appliedAt: new Date() })
      .where(and(eq(chainPayments.txHash, payment.txHash), eq(chainPayments.logIndex, payment.logIndex)))
      .run();
  }
}
