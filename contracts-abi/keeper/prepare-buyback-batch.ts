import type { Address, Hex, PublicClient } from "viem";
import { buybackBurner } from "../generated/index.ts";
import { type BuybackReceipt, buildReceiptsTree, type ReceiptsTree } from "./receipts-tree.ts";

export interface PrepareBuybackBatchOptions {
  client: PublicClient;
  /** The BuybackBurner address. */
  buybackBurner: Address;
  /** Spend at most this many of the unspent receipts (oldest first); default all. */
  maxReceipts?: number;
  /** Slippage allowed below the current spot quote for `minVvvOut`, in basis points (default 50). */
  slippageBps?: number;
  /** Seconds from the latest block until the batch's deadline (default 300). */
  deadlineSeconds?: number;
}

export interface PrepareBuybackBatchResult {
  /** Arguments for `executeBuyback`, in order. */
  args: readonly [
    usdcIn: bigint,
    minVvvOut: bigint,
    deadline: bigint,
    receiptsRoot: Hex,
    receiptCount: bigint,
  ];
  receipts: BuybackReceipt[];
  tree: ReceiptsTree;
  /** The on-chain lower bound for `minVvvOut`, or `null` while the TWAP window is too short. */
  twapBound: bigint | null;
  /** Earliest timestamp at which the rate limit allows the batch. */
  executableAt: bigint;
}

/**
 * Plans the next buyback batch from on-chain state: the oldest unspent receipts, their total, their
 * Merkle root, and a `minVvvOut` of the spot quote minus `slippageBps` (never below the TWAP bound, which
 * the contract would refuse). Returns `null` when no receipt is waiting. Submitting is the caller's job.
 */
export async function prepareBuybackBatch(
  options: PrepareBuybackBatchOptions,
): Promise<PrepareBuybackBatchResult | null> {
  const { client } = options;
  const contract = { address: options.buybackBurner, abi: buybackBurner.abi } as const;
  const [receiptCount, receiptsSpent, lastBatchAt, minBatchInterval, block] = await Promise.all([
    client.readContract({ ...contract, functionName: "receiptCount" }),
    client.readContract({ ...contract, functionName: "receiptsSpent" }),
    client.readContract({ ...contract, functionName: "lastBatchAt" }),
    client.readContract({ ...contract, functionName: "minBatchInterval" }),
    client.getBlock(),
  ]);
  let count = receiptCount - receiptsSpent;
  if (options.maxReceipts !== undefined && BigInt(options.maxReceipts) < count)
    count = BigInt(options.maxReceipts);
  if (count <= 0n) return null;

  const ids = Array.from({ length: Number(count) }, (_, i) => receiptsSpent + 1n + BigInt(i));
  const amounts = await Promise.all(
    ids.map((id) => client.readContract({ ...contract, functionName: "receiptAmount", args: [id] })),
  );
  const receipts = ids.map((receiptId, i) => ({ receiptId, amount: amounts[i] as bigint }));
  const usdcIn = amounts.reduce((sum, x) => sum + x, 0n);
  const tree = buildReceiptsTree(receipts);

  const spot = await client.readContract({ ...contract, functionName: "spotAmountOut", args: [usdcIn] });
  const twapBound = await client
    .readContract({ ...contract, functionName: "minVvvOutBound", args: [usdcIn] })
    .catch(() => null);
  let minVvvOut = (spot * BigInt(10_000 - (options.slippageBps ?? 50))) / 10_000n;
  if (twapBound !== null && minVvvOut < twapBound) minVvvOut = twapBound;

  return {
    args: [usdcIn, minVvvOut, block.timestamp + BigInt(options.deadlineSeconds ?? 300), tree.root, count],
    receipts,
    tree,
    twapBound,
    executableAt: lastBatchAt === 0n ? 0n : lastBatchAt + minBatchInterval,
  };
}
