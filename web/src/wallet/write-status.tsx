import type { Hex } from "viem";
import type { WriteState } from "./contract-write.ts";

/** A block explorer's page for a transaction, on chains that have a well-known one. */
export function explorerTxUrl(chainId: number, hash: Hex): string | undefined {
  const base: Record<number, string> = {
    1: "https://etherscan.io",
    11155111: "https://sepolia.etherscan.io",
    8453: "https://basescan.org",
    84532: "https://sepolia.basescan.org",
  };
  return base[chainId] ? `${base[chainId]}/tx/${hash}` : undefined;
}

/** A transaction hash, linked to an explorer when the chain has one. */
export function TxHash({ hash, chainId }: { hash: Hex; chainId: number }) {
  const url = explorerTxUrl(chainId, hash);
  const short = `${hash.slice(0, 10)}…${hash.slice(-8)}`;
  return url ? (
    <a href={url} target="_blank" rel="noreferrer" className="tx-hash" title={hash} data-hash={hash}>
      {short}
    </a>
  ) : (
    <code className="tx-hash" title={hash} data-hash={hash}>
      {short}
    </code>
  );
}

/** The state of a write, announced to screen readers as it changes. */
export function WriteStatus({ state, chainId }: { state: WriteState; chainId: number }) {
  if (state.status === "idle") return null;
  const of = "steps" in state && state.steps > 1 ? ` (step ${state.step} of ${state.steps})` : "";
  switch (state.status) {
    case "preparing":
      return (
        <p className="write-status" role="status" data-state="preparing">
          {state.label}
          {of}: checking…
        </p>
      );
    case "wallet":
      return (
        <p className="write-status" role="status" data-state="wallet">
          {state.label}
          {of}: waiting for your wallet — confirm it there.
        </p>
      );
    case "pending":
      return (
        <p className="write-status" role="status" data-state="pending">
          {state.label}
          {of}: pending, transaction <TxHash hash={state.hash} chainId={chainId} />
        </p>
      );
    case "confirmed":
      return (
        <p className="write-status success" role="status" data-state="confirmed">
          {state.label}: confirmed in block {state.blockNumber.toString()}, transaction{" "}
          <TxHash hash={state.hash} chainId={chainId} />
        </p>
      );
    case "failed":
      return (
        <p className="write-status error" role="alert" data-state="failed">
          {state.label ? `${state.label} failed: ` : "Failed: "}
          {state.reason}
          {state.hash && (
            <>
              {" "}
              (transaction <TxHash hash={state.hash} chainId={chainId} />)
            </>
          )}
        </p>
      );
  }
}
