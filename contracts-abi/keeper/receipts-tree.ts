import { concat, encodeAbiParameters, type Hex, keccak256 } from "viem";

/** A buyback budget receipt: its id in BuybackBurner and the USDC (6 decimals) it funded. */
export interface BuybackReceipt {
  receiptId: bigint;
  amount: bigint;
}

/** The Merkle tree of the receipts a buyback batch spends. */
export interface ReceiptsTree {
  root: Hex;
  /** Leaves in receipt order. */
  leaves: Hex[];
  /** Sibling hashes from `receiptId`'s leaf up to the root, for `BuybackBurner.verifyReceiptBurned`. */
  proof(receiptId: bigint): Hex[];
}

/**
 * Leaf of a receipt, exactly as `BuybackBurner.receiptLeaf` computes it:
 * `keccak256(bytes.concat(keccak256(abi.encode(receiptId, amount))))` (OpenZeppelin's double-hashed leaf).
 */
export function receiptLeaf(receiptId: bigint, amount: bigint): Hex {
  return keccak256(
    keccak256(encodeAbiParameters([{ type: "uint256" }, { type: "uint256" }], [receiptId, amount])),
  );
}

function hashPair(a: Hex, b: Hex): Hex {
  return keccak256(a.toLowerCase() < b.toLowerCase() ? concat([a, b]) : concat([b, a]));
}

/**
 * Builds the receipts tree a batch commits to: leaves in receipt order, pairs hashed sorted (as
 * OpenZeppelin's `MerkleProof` expects), an odd node at the end of a level carried up unchanged.
 */
export function buildReceiptsTree(receipts: readonly BuybackReceipt[]): ReceiptsTree {
  if (receipts.length === 0) throw new Error("a receipts tree needs at least one receipt");
  const leaves = receipts.map((r) => receiptLeaf(r.receiptId, r.amount));
  const levels: Hex[][] = [leaves];
  for (let level = leaves; level.length > 1; ) {
    const next: Hex[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const right = level[i + 1];
      next.push(right === undefined ? (level[i] as Hex) : hashPair(level[i] as Hex, right));
    }
    levels.push(next);
    level = next;
  }
  const root = levels[levels.length - 1]?.[0] as Hex;

  return {
    root,
    leaves,
    proof(receiptId) {
      let index = receipts.findIndex((r) => r.receiptId === receiptId);
      if (index < 0) throw new Error(`receipt ${receiptId} is not in this tree`);
      const proof: Hex[] = [];
      for (const level of levels.slice(0, -1)) {
        const sibling = level[index ^ 1];
        if (sibling !== undefined) proof.push(sibling);
        index >>= 1;
      }
      return proof;
    },
  };
}
