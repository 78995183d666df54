import { buybackBurner } from "@masque/contracts-abi";
import type { ReceiptProof } from "@masque/shared";
import { concat, encodeAbiParameters, type Hex, isAddressEqual, keccak256, type PublicClient } from "viem";

/**
 * A receipt's Merkle leaf, as `BuybackBurner.receiptLeaf` computes it:
 * `keccak256(bytes.concat(keccak256(abi.encode(receiptId, amount))))`, OpenZeppelin's double-hashed leaf.
 */
export function receiptLeaf(receiptId: bigint, amount: bigint): Hex {
  return keccak256(
    keccak256(encodeAbiParameters([{ type: "uint256" }, { type: "uint256" }], [receiptId, amount])),
  );
}

/**
 * The root a proof leads to from a leaf: each step hashes the pair in sorted
 * order, as OpenZeppelin's `MerkleProof.verify` does.
 * @see https://docs.openzeppelin.com/contracts/5.x/api/utils#MerkleProof
 */
export function rootFromProof(leaf: Hex, proof: readonly Hex[]): Hex {
  let node = leaf;
  for (const sibling of proof) {
    node = keccak256(
      node.toLowerCase() < sibling.toLowerCase() ? concat([node, sibling]) : concat([sibling, node]),
    );
  }
  return node;
}

/** One check of a burn proof, as shown to the user. */
export interface ProofCheck {
  name: string;
  ok: boolean;
  detail: string;
}

/** Options of {@link verifyBurnProof}. */
export interface VerifyBurnProofOptions {
  proof: ReceiptProof;
  /** The batch's root as the burns list (the `BuybackBurned` event) gives it, when known. */
  batchRoot?: Hex;
  /** The chain the page is configured for, to refuse a proof about another chain or contract. */
  chainId: number;
  buybackBurner: Hex;
  /** Reads the chain; without one the on-chain check is skipped. */
  client?: PublicClient;
}

/**
 * Checks, in this browser, that a subscription's buyback receipt was burned:
 * the leaf is this receipt's, the proof leads from it to the batch's root, the
 * root is the one the burn committed to, and the BuybackBurner contract itself
 * says so (`verifyReceiptBurned`, read from the chain). Never throws.
 */
export async function verifyBurnProof(
  options: VerifyBurnProofOptions,
): Promise<{ ok: boolean; checks: ProofCheck[] }> {
  const { proof } = options;
  const checks: ProofCheck[] = [];
  const sameContract =
    proof.chain_id === options.chainId && isAddressEqual(proof.buyback_burner as Hex, options.buybackBurner);
  checks.push({
    name: "Contract",
    ok: sameContract,
    detail: sameContract
      ? `BuybackBurner ${proof.buyback_burner} on chain ${proof.chain_id}`
      : `the proof is for ${proof.buyback_burner} on chain ${proof.chain_id}, not this deployment`,
  });
  const leaf = receiptLeaf(BigInt(proof.receipt_id), BigInt(proof.amount_usdc));
  checks.push({
    name: "Leaf",
    ok: leaf.toLowerCase() === proof.leaf.toLowerCase(),
    detail: `keccak256(keccak256(abi.encode(${proof.receipt_id}, ${proof.amount_usdc}))) = ${leaf}`,
  });
  const root = rootFromProof(leaf, proof.proof as Hex[]);
  checks.push({
    name: "Merkle root",
    ok: root.toLowerCase() === proof.receipts_root.toLowerCase(),
    detail: `${proof.proof.length} sibling hash${proof.proof.length === 1 ? "" : "es"} lead to ${root}`,
  });
  if (options.batchRoot) {
    checks.push({
      name: "Burn batch",
      ok: options.batchRoot.toLowerCase() === proof.receipts_root.toLowerCase(),
      detail: `batch ${proof.batch_id} committed to ${options.batchRoot}`,
    });
  }
  if (options.client && sameContract) {
    try {
      const onChain = await options.client.readContract({
        address: options.buybackBurner,
        abi: buybackBurner.abi,
        functionName: "verifyReceiptBurned",
        args: [BigInt(proof.batch_id), BigInt(proof.receipt_id), proof.proof as Hex[]],
      });
      checks.push({
        name: "On-chain check",
        ok: onChain === true,
        detail: `BuybackBurner.verifyReceiptBurned(${proof.batch_id}, ${proof.receipt_id}, proof) returned ${String(onChain)}`,
      });
    } catch (error) {
      checks.push({
        name: "On-chain check",
        ok: false,
        detail: `could not call verifyReceiptBurned: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`,
      });
    }
  }
  return { ok: checks.every((c) => c.ok), checks };
}
