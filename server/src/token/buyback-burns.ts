import type { Deployments } from "@masque/contracts-abi/deploy";
import { buildReceiptsTree } from "@masque/contracts-abi/keeper";
import {
  InvalidRequestError,
  NotFoundError,
  type ReceiptProof,
  type TokenBurn,
  type TokenBurnsPage,
} from "@masque/shared";
import { and, asc, desc, eq, lt, or, sql } from "drizzle-orm";
import type { Hex } from "viem";
import type { Db } from "../db/open-database.ts";
import { chainEvents } from "../db/schema.ts";

interface BurnArgs {
  batchId: string;
  usdcIn: string;
  vvvBurned: string;
  receiptsRoot: Hex;
  receiptCount: string;
}

/**
 * Buyback burns and their receipts, as indexed from `BuybackBurned` and `FundingRecorded`. Batches
 * spend receipts in order, so a batch's first receipt is one past everything earlier batches spent.
 */
export class BuybackBurns {
  constructor(
    private readonly db: Db,
    private readonly deployments: Deployments,
  ) {}

  /** Newest first, `limit` per page; `cursor` is the previous page's `next_cursor`. */
  page(cursor: string | undefined, limit: number, head: number, confirmations: number): TokenBurnsPage {
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    const rows = this.db
      .select()
      .from(chainEvents)
      .where(
        and(
          eq(chainEvents.event, "BuybackBurned"),
          after &&
            or(
              lt(chainEvents.blockNumber, after.block),
              and(eq(chainEvents.blockNumber, after.block), lt(chainEvents.logIndex, after.log)),
            ),
        ),
      )
      .orderBy(desc(chainEvents.blockNumber), desc(chainEvents.logIndex))
      .limit(limit + 1)
      .all();
    const firsts = this.firstReceipts();
    const data = rows.slice(0, limit).map((row): TokenBurn => {
      const args = JSON.parse(row.args) as BurnArgs;
      const usdcIn = BigInt(args.usdcIn);
      const vvvBurned = BigInt(args.vvvBurned);
      return {
        batch_id: Number(args.batchId),
        tx_hash: row.txHash,
        block_number: row.blockNumber,
        timestamp: row.blockTime,
        usdc_in: args.usdcIn,
        vvv_burned: args.vvvBurned,
        // USDC has 6 decimals and VVV 18: price per whole VVV = (usdcIn / 1e6) / (vvv / 1e18).
        average_price_usdc: vvvBurned === 0n ? 0 : Number((usdcIn * 10n ** 24n) / vvvBurned) / 1e12,
        first_receipt_id: firsts.get(Number(args.batchId)) ?? 0,
        receipt_count: Number(args.receiptCount),
        receipts_root: args.receiptsRoot,
        confirmed: head - row.blockNumber >= confirmations,
      };
    });
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return { data, next_cursor: last ? encodeCursor(last.blockNumber, last.logIndex) : null };
  }

  /** The Merkle proof that receipt `receiptId` was spent by a burn, rebuilt from the indexed receipts. */
  proof(receiptId: number): ReceiptProof {
    const batches = this.batches();
    const batch = batches.find((b) => receiptId >= b.first && receiptId < b.first + b.count);
    if (!batch) {
      const funded = this.receipts(receiptId, receiptId).length > 0;
      throw new NotFoundError(
        funded
          ? `Receipt ${receiptId} has not been burned yet: it waits for the next buyback batch.`
          : `No buyback receipt ${receiptId} is indexed.`,
        funded ? "receipt_not_burned" : "receipt_not_found",
      );
    }
    const receipts = this.receipts(batch.first, batch.first + batch.count - 1);
    if (receipts.length !== batch.count) {
      throw new NotFoundError(
        `The receipts of batch ${batch.id} are not all indexed yet.`,
        "receipts_not_indexed",
      );
    }
    const tree = buildReceiptsTree(receipts);
    if (tree.root !== batch.root) {
      // The keeper committed to a tree built differently: the proof cannot be served honestly.
      throw new NotFoundError(
        `Batch ${batch.id}'s receipts root does not match its receipts; no proof can be built.`,
        "receipts_root_mismatch",
      );
    }
    const receipt = receipts.find((r) => r.receiptId === BigInt(receiptId));
    return {
      receipt_id: receiptId,
      amount_usdc: String(receipt?.amount ?? 0n),
      batch_id: batch.id,
      leaf: tree.leaves[receiptId - batch.first] as Hex,
      proof: tree.proof(BigInt(receiptId)),
      receipts_root: batch.root,
      tx_hash: batch.txHash as Hex,
      block_number: batch.blockNumber,
      chain_id: this.deployments.chainId,
      buyback_burner: this.deployments.contracts.buybackBurner,
    };
  }

  private batches() {
    let next = 1;
    return this.db
      .select()
      .from(chainEvents)
      .where(eq(chainEvents.event, "BuybackBurned"))
      .orderBy(asc(chainEvents.blockNumber), asc(chainEvents.logIndex))
      .all()
      .map((row) => {
        const args = JSON.parse(row.args) as BurnArgs;
        const batch = {
          id: Number(args.batchId),
          first: next,
          count: Number(args.receiptCount),
          root: args.receiptsRoot,
          txHash: row.txHash,
          blockNumber: row.blockNumber,
        };
        next += batch.count;
        return batch;
      });
  }

  private firstReceipts(): Map<number, number> {
    return new Map(this.batches().map((b) => [b.id, b.first]));
  }

  private receipts(from: number, to: number) {
    const id = sql<number>`cast(json_extract(${chainEvents.args}, '$.receiptId') as integer)`;
    return this.db
      .select({ args: chainEvents.args })
      .from(chainEvents)
      .where(and(eq(chainEvents.event, "FundingRecorded"), sql`${id} between ${from} and ${to}`))
      .orderBy(id)
      .all()
      .map((row) => {
        const args = JSON.parse(row.args) as { receiptId: string; amount: string };
        return { receiptId: BigInt(args.receiptId), amount: BigInt(args.amount) };
      });
  }
}

function encodeCursor(block: number, log: number): string {
  return Buffer.from(`${block}:${log}`).toString("base64url");
}

function decodeCursor(cursor: string): { block: number; log: number } {
  const match = /^(\d{1,12}):(\d{1,9})$/.exec(Buffer.from(cursor, "base64url").toString());
  if (!match) throw new InvalidRequestError("cursor is not one this API returned.", { param: "cursor" });
  return { block: Number(match[1]), log: Number(match[2]) };
}
