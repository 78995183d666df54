import { buybackBurner } from "@masque/contracts-abi";
import type { Deployments } from "@masque/contracts-abi/deploy";
import { prepareBuybackBatch } from "@masque/contracts-abi/keeper";
import { type Account, encodeFunctionData, type Hex, type PublicClient, parseEventLogs } from "viem";
import { describeRevert, type PurposeHandlers, TransactionOutbox } from "../chain/transaction-outbox.ts";
import type { Db } from "../db/open-database.ts";
import { JobLease } from "../jobs/job-lease.ts";
import type { Logger } from "../logging/logger.ts";
import {
  cardDepositHandlers,
  depositCardBudget,
  pendingCardBudget,
  usdcApprovalHandlers,
} from "./card-budget-deposit.ts";

export interface BuybackJobOptions {
  db: Db;
  client: PublicClient;
  deployments: Deployments;
  /** Holds KEEPER_ROLE on the BuybackBurner. */
  keeper: Account;
  /** Holds the Subscriptions admin role and the card revenue's USDC; without it card budget waits. */
  treasury: Account | undefined;
  /** Blocks a funding and a batch must be under before they count. */
  confirmations: number;
  /** How far below the pool's quote `minVvvOut` may be, in basis points. */
  slippageBps: number;
  /** Receipts per batch at most, so a batch stays within what the pool absorbs. */
  maxReceipts: number;
  /** How long one run waits for its transactions before leaving them to the next run. */
  waitMs: number;
  logger: Logger;
}

export type BuybackRun =
  | {
      status: "burned";
      batchId: number;
      txHash: Hex;
      usdcIn: string;
      vvvBurned: string;
      receiptCount: number;
    }
  | { status: "nothing_to_do" }
  | { status: "waiting"; reason: string }
  | { status: "pending"; txHash: Hex }
  | { status: "failed"; reason: string; txHash: Hex | null }
  | { status: "busy" };

const keeperHandlers = (): Record<"buyback" | "card_deposit" | "usdc_approval", PurposeHandlers> => ({
  buyback: { abi: buybackBurner.abi },
  card_deposit: cardDepositHandlers,
  usdc_approval: usdcApprovalHandlers,
});

/**
 * One run of the buyback-and-burn job, in at most one process at a time (a lease in the store):
 * settle what an earlier run left open, deposit the card payments' budget, then spend the unspent
 * receipts of confirmed fundings in one `executeBuyback`: quoted from the pool, `minVvvOut` bounded by
 * the slippage setting (and never under the contract's TWAP bound), simulated, sent with the keeper key
 * through the outbox (exactly once across crashes), and waited on for the configured confirmations.
 * A reverted batch leaves its receipts unspent on-chain, so the next run burns them; the reason is kept.
 */
export async function runBuybackJob(o: BuybackJobOptions): Promise<BuybackRun> {
  const lease = new JobLease(o.db, "buyback", 5 * 60_000);
  return (await lease.run(() => runOnce(o))) ?? { status: "busy" };
}

async function runOnce(o: BuybackJobOptions): Promise<BuybackRun> {
  const { db, client, deployments, logger } = o;
  const outboxFor = (account: Account) =>
    new TransactionOutbox({
      db,
      client,
      account,
      confirmations: o.confirmations,
      handlers: keeperHandlers(),
      logger,
    });
  const keeper = outboxFor(o.keeper);

  // 1. An earlier run's batch (or a crash's) is settled from the chain before anything new is sent.
  for (const row of keeper.open()) {
    const state = await keeper.waitFor(row.id, o.waitMs);
    if (state === "pending") return { status: "pending", txHash: row.hash as Hex };
    if (row.purpose === "buyback" && state === "confirmed") return burned(client, row.hash as Hex);
  }

  // 2. Card revenue's budget goes on-chain as receipts of its own.
  if (o.treasury) {
    const treasury = outboxFor(o.treasury);
    // A deposit still pending from an earlier run must land (or fail) before the next is planned.
    let depositPending = false;
    for (const row of treasury.open()) {
      if ((await treasury.waitFor(row.id, o.waitMs)) === "pending") depositPending = true;
    }
    if (!depositPending) {
      const deposit = await depositCardBudget({
        db,
        client,
        outbox: treasury,
        deployments,
        waitMs: o.waitMs,
      });
      if (deposit.status === "sent") await treasury.waitFor(deposit.id, o.waitMs);
      if (deposit.status === "waiting") logger.warn({ reason: deposit.reason }, "card buyback budget waits");
    }
  } else if (pendingCardBudget(db) > 0n) {
    logger.warn("card buyback budget waits: no treasury key is configured (MASQUE_TREASURY_KEY)");
  }

  // 3. The batch: only receipts whose funding is buried under the confirmation depth.
  const contract = { address: deployments.contracts.buybackBurner, abi: buybackBurner.abi } as const;
  const head = await client.getBlockNumber({ cacheTime: 0 });
  const safeBlock = head - BigInt(o.confirmations);
  const [confirmedReceipts, spent] = await Promise.all([
    client.readContract({ ...contract, functionName: "receiptCount", blockNumber: safeBlock }),
    client.readContract({ ...contract, functionName: "receiptsSpent" }),
  ]);
  const ready = confirmedReceipts > spent ? Number(confirmedReceipts - spent) : 0;
  if (ready === 0) return { status: "nothing_to_do" };
  const plan = await prepareBuybackBatch({
    client,
    buybackBurner: contract.address,
    maxReceipts: Math.min(ready, o.maxReceipts),
    slippageBps: o.slippageBps,
  });
  if (!plan) return { status: "nothing_to_do" };
  const now = (await client.getBlock()).timestamp;
  if (plan.executableAt > now) {
    return {
      status: "waiting",
      reason: `rate limited until ${new Date(Number(plan.executableAt) * 1000).toISOString()}`,
    };
  }
  if (plan.twapBound === null)
    return { status: "waiting", reason: "the price window is shorter than the contract's minimum" };
  try {
    await client.simulateContract({
      ...contract,
      functionName: "executeBuyback",
      args: plan.args,
      account: o.keeper,
    });
  } catch (err) {
    return { status: "waiting", reason: `the batch would revert: ${describeRevert(err)}` };
  }

  const [usdcIn, minVvvOut, , receiptsRoot, receiptCount] = plan.args;
  const id = keeper.plan("buyback", {
    to: contract.address,
    data: encodeFunctionData({ abi: buybackBurner.abi, functionName: "executeBuyback", args: plan.args }),
    details: {
      usdcIn: usdcIn.toString(),
      minVvvOut: minVvvOut.toString(),
      receiptsRoot,
      receiptCount: Number(receiptCount),
      receipts: plan.receipts.map((r) => [r.receiptId.toString(), r.amount.toString()]),
    },
  });
  const hash = await keeper.send(id);
  const state = await keeper.waitFor(id, o.waitMs);
  if (state === "pending") return { status: "pending", txHash: hash };
  if (state === "failed")
    return { status: "failed", reason: keeper.row(id).failureReason ?? "reverted", txHash: hash };
  return burned(client, hash);
}

async function burned(client: PublicClient, hash: Hex): Promise<BuybackRun> {
  const receipt = await client.getTransactionReceipt({ hash });
  const [event] = parseEventLogs({ abi: buybackBurner.abi, logs: receipt.logs, eventName: "BuybackBurned" });
  if (!event) throw new Error(`confirmed buyback ${hash} has no BuybackBurned event`);
  return {
    status: "burned",
    batchId: Number(event.args.batchId),
    txHash: hash,
    usdcIn: event.args.usdcIn.toString(),
    vvvBurned: event.args.vvvBurned.toString(),
    receiptCount: Number(event.args.receiptCount),
  };
}
