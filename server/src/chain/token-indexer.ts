import { buybackBurner, diem, staking, subscriptions, vvv } from "@masque/contracts-abi";
import type { Deployments } from "@masque/contracts-abi/deploy";
import { and, desc, eq, gt, lte, notInArray } from "drizzle-orm";
import { type Abi, type Log, type PublicClient, parseEventLogs, zeroAddress } from "viem";
import type { Db } from "../db/open-database.ts";
import { chainCursors, chainEvents, indexedBlocks } from "../db/schema.ts";
import type { Logger } from "../logging/logger.ts";

export interface TokenIndexerOptions {
  db: Db;
  client: PublicClient;
  deployments: Deployments;
  logger: Logger;
  /** Blocks per getLogs call. */
  pageSize?: number;
}

export const TOKEN_INDEXER_CURSOR = "token-indexer";
/** Block hashes kept beyond those holding events, to find a fork point without re-reading everything. */
const RECENT_BLOCKS = 128;

/** DIEM's and sVVV's ERC-20 bookkeeping events are left out: their mint/burn/stake events say it all. */
const SKIPPED = new Set(["Transfer", "Approval"]);

/**
 * Indexes the token events the public token API serves: VVV burns (transfers to the zero address),
 * `BuybackBurned` and `FundingRecorded`, `Subscribed` and `CardBudgetDeposited`, and the staking and
 * DIEM events, from the deployment block onward, in pages, up to the chain head. Each event row carries
 * its block's hash; before reading on, the last block read is re-checked, and if it is no longer
 * canonical the indexer walks back through the stored hashes to the fork point and removes every event
 * after it, then reads the new branch. Whether an event is deep enough to count as confirmed is decided
 * when it is served. The cursor lives in the store, so a restart continues where it stopped.
 * Returns the number of events added.
 */
export async function indexTokenEvents(o: TokenIndexerOptions): Promise<number> {
  const { db, client, deployments } = o;
  const head = Number(await client.getBlockNumber({ cacheTime: 0 }));
  const cursor = db.select().from(chainCursors).where(eq(chainCursors.name, TOKEN_INDEXER_CURSOR)).get();
  let from = deployments.blockNumber;
  if (cursor) {
    const block = await client.getBlock({ blockNumber: BigInt(cursor.blockNumber) }).catch(() => undefined);
    from =
      block?.hash === cursor.blockHash
        ? cursor.blockNumber + 1
        : (await rollBackToForkPoint(o, cursor.blockNumber)) + 1;
  }
  let added = 0;
  const pageSize = o.pageSize ?? 2_000;
  for (let start = from; start <= head; start += pageSize) {
    const end = Math.min(head, start + pageSize - 1);
    const page = await readPage(o, start, end);
    if (!page) break; // the chain moved under us; the next poll re-checks and reads again
    db.transaction((tx) => {
      for (const e of page.events)
        added += tx.insert(chainEvents).values(e).onConflictDoNothing().run().changes;
      for (const [number, hash] of page.hashes) {
        tx.insert(indexedBlocks)
          .values({ number, hash })
          .onConflictDoUpdate({ target: indexedBlocks.number, set: { hash } })
          .run();
      }
      tx.insert(chainCursors)
        .values({ name: TOKEN_INDEXER_CURSOR, blockNumber: end, blockHash: page.endHash })
        .onConflictDoUpdate({ target: chainCursors.name, set: { blockNumber: end, blockHash: page.endHash } })
        .run();
      // Only the blocks that hold events, and the most recent ones, are needed to find a fork point.
      const withEvents = tx.selectDistinct({ n: chainEvents.blockNumber }).from(chainEvents);
      tx.delete(indexedBlocks)
        .where(
          and(lte(indexedBlocks.number, end - RECENT_BLOCKS), notInArray(indexedBlocks.number, withEvents)),
        )
        .run();
    });
  }
  return added;
}

interface Page {
  events: (typeof chainEvents.$inferInsert)[];
  hashes: Map<number, string>;
  endHash: string;
}

async function readPage(o: TokenIndexerOptions, start: number, end: number): Promise<Page | undefined> {
  const { client, deployments } = o;
  const c = deployments.contracts;
  const range = { fromBlock: BigInt(start), toBlock: BigInt(end) };
  const [burns, others, endBlock] = await Promise.all([
    client.getLogs({
      ...range,
      address: c.vvv,
      event: vvv.abi.find((x) => x.type === "event" && x.name === "Transfer") as Extract<
        (typeof vvv.abi)[number],
        { type: "event"; name: "Transfer" }
      >,
      args: { to: zeroAddress },
    }),
    client.getLogs({ ...range, address: [c.staking, c.diem, c.subscriptions, c.buybackBurner] }),
    client.getBlock({ blockNumber: BigInt(end) }),
  ]);
  const sources: Array<[string, Abi, Log[]]> = [
    ["vvv", vvv.abi, burns],
    ["staking", staking.abi, others.filter((l) => sameAddress(l.address, c.staking))],
    ["diem", diem.abi, others.filter((l) => sameAddress(l.address, c.diem))],
    ["subscriptions", subscriptions.abi, others.filter((l) => sameAddress(l.address, c.subscriptions))],
    ["buybackBurner", buybackBurner.abi, others.filter((l) => sameAddress(l.address, c.buybackBurner))],
  ];

  const hashes = new Map<number, string>([[end, endBlock.hash]]);
  const times = new Map<number, number>();
  const events: Page["events"] = [];
  for (const [contract, abi, logs] of sources) {
    for (const log of parseEventLogs({ abi, logs })) {
      if (contract !== "vvv" && SKIPPED.has(log.eventName)) continue;
      const number = Number(log.blockNumber);
      if (!times.has(number)) {
        const block = await client.getBlock({ blockNumber: log.blockNumber as bigint });
        times.set(number, Number(block.timestamp));
        hashes.set(number, block.hash);
      }
      // A log from a block that is no longer canonical: this page straddled a reorg.
      if (hashes.get(number) !== log.blockHash) return undefined;
      events.push({
        blockHash: log.blockHash as string,
        logIndex: log.logIndex as number,
        blockNumber: number,
        blockTime: times.get(number) as number,
        txHash: log.transactionHash as string,
        contract,
        event: log.eventName,
        args: JSON.stringify(log.args, (_k, v) => (typeof v === "bigint" ? v.toString() : v)),
      });
    }
  }
  return { events, hashes, endHash: endBlock.hash };
}

/**
 * Finds the last stored block that is still canonical, removes everything indexed after it, and
 * returns its number (the block before the deployment if none is left).
 */
async function rollBackToForkPoint(o: TokenIndexerOptions, cursorBlock: number): Promise<number> {
  const { db, client } = o;
  const stored = db
    .select()
    .from(indexedBlocks)
    .where(lte(indexedBlocks.number, cursorBlock))
    .orderBy(desc(indexedBlocks.number))
    .all();
  let fork = o.deployments.blockNumber - 1;
  for (const block of stored) {
    const canonical = await client.getBlock({ blockNumber: BigInt(block.number) }).catch(() => undefined);
    if (canonical?.hash === block.hash) {
      fork = block.number;
      break;
    }
  }
  const removed = db.transaction((tx) => {
    const n = tx.delete(chainEvents).where(gt(chainEvents.blockNumber, fork)).run().changes;
    tx.delete(indexedBlocks).where(gt(indexedBlocks.number, fork)).run();
    return n;
  });
  o.logger.warn({ fork, from: cursorBlock, removed }, "reorg: indexed events after the fork point removed");
  return fork;
}

function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
