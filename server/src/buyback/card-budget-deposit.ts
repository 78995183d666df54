import { mockUsdc, subscriptions } from "@masque/contracts-abi";
import type { Deployments } from "@masque/contracts-abi/deploy";
import { eq, inArray, isNull } from "drizzle-orm";
import { encodeFunctionData, keccak256, maxUint256, type PublicClient, parseEventLogs, toHex } from "viem";
import type { PurposeHandlers, TransactionOutbox } from "../chain/transaction-outbox.ts";
import type { Db } from "../db/open-database.ts";
import { cardPayments } from "../db/schema.ts";

/**
 * Card payments fund the buyback too: their budget (micro-USD, which are USDC base units) is deposited
 * from the treasury wallet through `Subscriptions.depositCardBudget`, which records it as a BuybackBurner
 * receipt like any on-chain subscription. Each payment is claimed by one deposit in the same database
 * transaction that plans it, released if the deposit fails, and marked deposited once it confirms.
 */
export const cardDepositHandlers: PurposeHandlers = {
  abi: subscriptions.abi,
  onSettled(tx, row, outcome, receipt) {
    if (outcome === "failed") {
      tx.update(cardPayments).set({ depositTxId: null }).where(eq(cardPayments.depositTxId, row.id)).run();
      return;
    }
    const [deposited] = parseEventLogs({
      abi: subscriptions.abi,
      logs: receipt?.logs ?? [],
      eventName: "CardBudgetDeposited",
    });
    tx.update(cardPayments)
      .set({ depositedAt: new Date(), buybackReceiptId: deposited ? Number(deposited.args.receiptId) : null })
      .where(eq(cardPayments.depositTxId, row.id))
      .run();
  },
};

export const usdcApprovalHandlers: PurposeHandlers = { abi: mockUsdc.abi };

/** Card budget not yet deposited on-chain, in USDC base units. */
export function pendingCardBudget(db: Db): bigint {
  return db
    .select({ micro: cardPayments.buybackMicro })
    .from(cardPayments)
    .where(isNull(cardPayments.depositedAt))
    .all()
    .reduce((sum, p) => sum + BigInt(p.micro), 0n);
}

export type CardDepositResult =
  | { status: "none" }
  | { status: "waiting"; reason: string }
  | { status: "sent"; id: number; amount: bigint };

/**
 * Plans and sends one deposit covering every unclaimed card payment's budget, approving the
 * Subscriptions contract for the treasury's USDC first when needed (through the same outbox, so the
 * treasury's nonces stay in one sequence). Leaves the budget pending, and says why, when the treasury
 * holds too little USDC.
 */
export async function depositCardBudget(o: {
  db: Db;
  client: PublicClient;
  outbox: TransactionOutbox;
  deployments: Deployments;
  waitMs: number;
}): Promise<CardDepositResult> {
  const { db, client, outbox, deployments } = o;
  const unclaimed = db
    .select({ eventId: cardPayments.eventId, micro: cardPayments.buybackMicro })
    .from(cardPayments)
    .where(isNull(cardPayments.depositTxId))
    .all();
  const amount = unclaimed.reduce((sum, p) => sum + BigInt(p.micro), 0n);
  if (amount === 0n) return { status: "none" };

  const usdc = { address: deployments.contracts.usdc, abi: mockUsdc.abi } as const;
  const [balance, allowance] = await Promise.all([
    client.readContract({ ...usdc, functionName: "balanceOf", args: [outbox.sender] }),
    client.readContract({
      ...usdc,
      functionName: "allowance",
      args: [outbox.sender, deployments.contracts.subscriptions],
    }),
  ]);
  if (balance < amount) {
    return {
      status: "waiting",
      reason: `the treasury holds ${balance} USDC units, less than the ${amount} due`,
    };
  }
  if (allowance < amount) {
    const approval = outbox.plan("usdc_approval", {
      to: deployments.contracts.usdc,
      data: encodeFunctionData({
        abi: mockUsdc.abi,
        functionName: "approve",
        args: [deployments.contracts.subscriptions, maxUint256],
      }),
      details: { spender: deployments.contracts.subscriptions },
    });
    await outbox.send(approval);
    const state = await outbox.waitFor(approval, o.waitMs);
    if (state !== "confirmed") return { status: "waiting", reason: `the USDC approval is ${state}` };
  }

  const eventIds = unclaimed.map((p) => p.eventId).sort();
  const fundsRef = keccak256(toHex(eventIds.join("\n")));
  const id = outbox.plan(
    "card_deposit",
    {
      to: deployments.contracts.subscriptions,
      data: encodeFunctionData({
        abi: subscriptions.abi,
        functionName: "depositCardBudget",
        args: [amount, fundsRef],
      }),
      details: { amount: amount.toString(), payments: eventIds.length, fundsRef },
    },
    (tx, txId) => {
      tx.update(cardPayments).set({ depositTxId: txId }).where(inArray(cardPayments.eventId, eventIds)).run();
    },
  );
  await outbox.send(id);
  return { status: "sent", id, amount };
}
