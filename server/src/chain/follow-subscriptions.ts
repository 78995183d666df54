import { subscriptions } from "@masque/contracts-abi";
import type { Deployments } from "@masque/contracts-abi/deploy";
import type { TierId } from "@masque/shared";
import { eq } from "drizzle-orm";
import { type PublicClient, parseEventLogs } from "viem";
import { recordSubscriptionPayment } from "../billing/subscription-payments.ts";
import type { Db } from "../db/open-database.ts";
import { chainCursors } from "../db/schema.ts";
import type { Logger } from "../logging/logger.ts";

export interface FollowSubscriptionsOptions {
  db: Db;
  client: PublicClient;
  deployments: Deployments;
  /** Blocks a payment must be buried under before it counts (0 on the local chain). */
  confirmations: number;
  logger: Logger;
  /** Blocks per getLogs call. */
  pageSize?: number;
}

const CURSOR = "subscriptions";
/** How far back to read again after a reorg deeper than the confirmation depth. */
const REWIND_BLOCKS = 64;

/**
 * Follows `Subscribed` events and activates tiers. Only blocks at least
 * `confirmations` deep are read, so a payment reorged away before that never
 * activates anything; the cursor keeps the hash of its block, and if that block
 * is no longer canonical the follower steps back and reads again (payments are
 * idempotent on transaction hash and log index).
 * Returns the number of new payments.
 */
export async function followSubscriptions(o: FollowSubscriptionsOptions): Promise<number> {
  const { db, client, deployments } = o;
  const tierById = new Map(deployments.tiers.map((t) => [t.onChainId, t.id as TierId]));
  const head = Number(await client.getBlockNumber({ cacheTime: 0 }));
  const safe = head - o.confirmations;
  const cursor = db.select().from(chainCursors).where(eq(chainCursors.name, CURSOR)).get();
  let from = deployments.blockNumber;
  if (cursor) {
    const block = await client.getBlock({ blockNumber: BigInt(cursor.blockNumber) }).catch(() => undefined);
    if (block?.hash === cursor.blockHash) from = cursor.blockNumber + 1;
    else {
      // The block we stopped at was reorged away: read again from well before it.
      o.logger.warn({ block: cursor.blockNumber }, "reorg below the cursor; reading again");
      from = Math.max(deployments.blockNumber, cursor.blockNumber - REWIND_BLOCKS);
    }
  }
  return readRange(o, tierById, from, safe);
}

async function readRange(
  o: FollowSubscriptionsOptions,
  tierById: Map<number, TierId>,
  from: number,
  to: number,
): Promise<number> {
  let added = 0;
  const pageSize = o.pageSize ?? 2_000;
  for (let start = from; start <= to; start += pageSize) {
    const end = Math.min(to, start + pageSize - 1);
    const logs = await o.client.getLogs({
      address: o.deployments.contracts.subscriptions,
      fromBlock: BigInt(start),
      toBlock: BigInt(end),
    });
    for (const log of parseEventLogs({ abi: subscriptions.abi, logs, eventName: "Subscribed" })) {
      const tier = tierById.get(Number(log.args.tier));
      if (!tier || log.blockHash === null || log.transactionHash === null || log.logIndex === null) continue;
      const isNew = recordSubscriptionPayment(o.db, {
        txHash: log.transactionHash,
        logIndex: log.logIndex,
        blockNumber: Number(log.blockNumber),
        blockHash: log.blockHash,
        subscriber: log.args.subscriber,
        tier,
        periods: Number(log.args.periods),
        paidUntil: new Date(Number(log.args.paidUntil) * 1000),
        amount: log.args.amount,
        buybackAmount: log.args.buybackAmount,
        receiptId: log.args.receiptId,
      });
      if (isNew) {
        added++;
        o.logger.info({ tier, receiptId: log.args.receiptId.toString() }, "subscription payment");
      }
    }
    const block = await o.client.getBlock({ blockNumber: BigInt(end) });
    o.db
      .insert(chainCursors)
      .values({ name: CURSOR, blockNumber: end, blockHash: block.hash })
      .onConflictDoUpdate({ target: chainCursors.name, set: { blockNumber: end, blockHash: block.hash } })
      .run();
  }
  return added;
}
