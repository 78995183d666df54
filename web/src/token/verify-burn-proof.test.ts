import { buildReceiptsTree } from "@masque/contracts-abi/keeper";
import type { ReceiptProof } from "@masque/shared";
import type { Hex, PublicClient } from "viem";
import { describe, expect, it } from "vitest";
import { receiptLeaf, rootFromProof, verifyBurnProof } from "./verify-burn-proof.ts";

const burner = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const receipts = [1n, 2n, 3n, 4n, 5n].map((id) => ({ receiptId: id, amount: id * 2_000_000n }));
const tree = buildReceiptsTree(receipts);

function proofFor(id: bigint): ReceiptProof {
  return {
    receipt_id: Number(id),
    amount_usdc: String(id * 2_000_000n),
    batch_id: 1,
    leaf: receiptLeaf(id, id * 2_000_000n),
    proof: tree.proof(id),
    receipts_root: tree.root,
    tx_hash: `0x${"ab".repeat(32)}`,
    block_number: 12,
    chain_id: 31337,
    buyback_burner: burner,
  };
}

describe("burn proofs, checked in the browser", () => {
  it("recomputes the keeper's root from every receipt's leaf and proof (sorted pairs, odd node carried up)", () => {
    for (const r of receipts) {
      expect(receiptLeaf(r.receiptId, r.amount)).toBe(tree.leaves[Number(r.receiptId) - 1]);
      expect(rootFromProof(receiptLeaf(r.receiptId, r.amount), tree.proof(r.receiptId))).toBe(tree.root);
    }
  });

  it("passes a true proof, asking the contract too", async () => {
    const calls: unknown[] = [];
    const client = {
      readContract: async (args: unknown) => {
        calls.push(args);
        return true;
      },
    } as unknown as PublicClient;
    const result = await verifyBurnProof({
      proof: proofFor(3n),
      chainId: 31337,
      buybackBurner: burner,
      batchRoot: tree.root,
      client,
    });
    expect(result.checks.map((c) => [c.name, c.ok])).toEqual([
      ["Contract", true],
      ["Leaf", true],
      ["Merkle root", true],
      ["Burn batch", true],
      ["On-chain check", true],
    ]);
    expect(result.ok).toBe(true);
    expect(calls[0]).toMatchObject({ functionName: "verifyReceiptBurned", args: [1n, 3n, tree.proof(3n)] });
  });

  it("fails a proof whose amount, siblings or root were changed, and one for another contract", async () => {
    const wrongAmount = { ...proofFor(2n), amount_usdc: "5000000" };
    expect((await verifyBurnProof({ proof: wrongAmount, chainId: 31337, buybackBurner: burner })).ok).toBe(
      false,
    );
    const tampered = { ...proofFor(2n), proof: [...tree.proof(2n)].reverse() as Hex[] };
    const t = await verifyBurnProof({ proof: tampered, chainId: 31337, buybackBurner: burner });
    expect(t.checks.find((c) => c.name === "Merkle root")?.ok).toBe(false);
    const otherBatch = await verifyBurnProof({
      proof: proofFor(2n),
      chainId: 31337,
      buybackBurner: burner,
      batchRoot: `0x${"00".repeat(32)}`,
    });
    expect(otherBatch.checks.find((c) => c.name === "Burn batch")?.ok).toBe(false);
    const otherChain = await verifyBurnProof({ proof: proofFor(2n), chainId: 8453, buybackBurner: burner });
    expect(otherChain.checks[0]?.ok).toBe(false);
  });

  it("reports an RPC failure as a failed check instead of throwing", async () => {
    const client = {
      readContract: async () => {
        throw new Error("fetch failed");
      },
    } as unknown as PublicClient;
    const result = await verifyBurnProof({
      proof: proofFor(1n),
      chainId: 31337,
      buybackBurner: burner,
      client,
    });
    expect(result.ok).toBe(false);
    expect(result.checks.at(-1)).toMatchObject({ name: "On-chain check", ok: false });
  });
});
