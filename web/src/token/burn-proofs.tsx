import { type ReceiptProof, type TierId, type TokenBurnsPage, tierIds, tiers } from "@masque/shared";
import { type InfiniteData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Hex, PublicClient } from "viem";
import { usePublicClient } from "wagmi";
import { billingHistoryQuery, receiptProofQuery } from "../lib/account-queries.ts";
import { ApiError } from "../lib/api-error.ts";
import type { BillingEntry } from "../lib/api-schemas.ts";
import type { UsableChain } from "../wallet/wallet-provider.tsx";
import { TxHash } from "../wallet/write-status.tsx";
import { type ProofCheck, verifyBurnProof } from "./verify-burn-proof.ts";

const tierName = (id: string) =>
  (tierIds as readonly string[]).includes(id) ? tiers[id as TierId].name : id;

type Verdict =
  | { status: "idle" }
  | { status: "checking" }
  | { status: "not-burned" }
  | { status: "failed"; reason: string }
  | { status: "done"; ok: boolean; checks: ProofCheck[]; proof: ReceiptProof };

/**
 * "Prove my payment was burned": for each of the account's USDC payments, fetch
 * the Merkle proof of its buyback receipt and check it here, in the browser —
 * the hashes recomputed with viem, and the contract asked over the chain's RPC.
 */
export function BurnProofs({ chain }: { chain: UsableChain }) {
  const history = useQuery(billingHistoryQuery());
  const receipts = history.data?.filter((e) => e.receipt_id !== null) ?? [];
  if (history.isPending) return <p className="muted">Loading your payments…</p>;
  if (history.isError)
    return (
      <p className="error" role="alert">
        Could not load your payments: {history.error.message}
      </p>
    );
  if (receipts.length === 0)
    return (
      <p className="muted">
        No USDC payments on this account yet. Each one creates a buyback receipt you can prove here once it is
        burned.
      </p>
    );
  return (
    <ul className="proofs">
      {receipts.map((e) => (
        <ProofRow key={e.id} entry={e} chain={chain} />
      ))}
    </ul>
  );
}

function ProofRow({ entry, chain }: { entry: BillingEntry; chain: UsableChain }) {
  const receiptId = entry.receipt_id as number;
  const queryClient = useQueryClient();
  const client = usePublicClient({ chainId: chain.chain_id }) as PublicClient | undefined;
  const [verdict, setVerdict] = useState<Verdict>({ status: "idle" });

  const check = async () => {
    setVerdict({ status: "checking" });
    let proof: ReceiptProof;
    try {
      proof = await queryClient.fetchQuery({ ...receiptProofQuery(receiptId), staleTime: 0 });
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) setVerdict({ status: "not-burned" });
      else setVerdict({ status: "failed", reason: error instanceof Error ? error.message : String(error) });
      return;
    }
    const burns = queryClient.getQueryData<InfiniteData<TokenBurnsPage>>(["token", "burns"]);
    const batch = burns?.pages.flatMap((p) => p.data).find((b) => b.batch_id === proof.batch_id);
    const result = await verifyBurnProof({
      proof,
      chainId: chain.chain_id,
      buybackBurner: chain.contracts.buybackBurner,
      client,
      ...(batch ? { batchRoot: batch.receipts_root as Hex } : {}),
    });
    setVerdict({ status: "done", ...result, proof });
  };

  return (
    <li className="proof" data-receipt={receiptId}>
      <div className="row">
        <span>
          Receipt #{receiptId}: ${entry.amount_usd.toFixed(2)} paid{" "}
          {new Date(entry.created_at).toLocaleDateString()}
          {entry.tier ? ` for ${tierName(entry.tier)}` : ""}
        </span>
        <button
          type="button"
          className="ghost small"
          disabled={verdict.status === "checking"}
          onClick={() => void check()}
        >
          {verdict.status === "checking" ? "Checking…" : `Prove receipt ${receiptId} was burned`}
        </button>
      </div>
      {verdict.status === "not-burned" && (
        <p role="status" className="muted">
          Not burned yet: the next buyback batch will include this receipt.
        </p>
      )}
      {verdict.status === "failed" && (
        <p role="alert" className="error">
          Could not get the proof: {verdict.reason}
        </p>
      )}
      {verdict.status === "done" && (
        <div className="stack">
          <p role="status" className={verdict.ok ? "success" : "error"}>
            {verdict.ok ? (
              <>
                Verified in your browser: receipt #{receiptId} was burned in batch #{verdict.proof.batch_id},
                transaction <TxHash hash={verdict.proof.tx_hash as Hex} chainId={chain.chain_id} />.
              </>
            ) : (
              "The proof does not check out. Do not take our word for it: see which check failed below."
            )}
          </p>
          <ul className="checks" aria-label={`Checks of receipt ${receiptId}`}>
            {verdict.checks.map((c) => (
              <li key={c.name} className={c.ok ? "ok" : "fail"}>
                <span aria-hidden="true">{c.ok ? "✓" : "✗"}</span> <strong>{c.name}</strong>
                <span className="visually-hidden">{c.ok ? " passed" : " failed"}</span>:{" "}
                <span className="detail">{c.detail}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </li>
  );
}
