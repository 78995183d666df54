// @vitest-environment happy-dom
import { act } from "react";
import { createRoot } from "react-dom/client";
import { describe, expect, it } from "vitest";
import type { WriteState } from "./contract-write.ts";
import { explorerTxUrl, WriteStatus } from "./write-status.tsx";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const hash = `0x${"ab".repeat(32)}` as const;

async function render(state: WriteState, chainId = 31337) {
  const container = document.createElement("div");
  const root = createRoot(container);
  await act(async () => root.render(<WriteStatus state={state} chainId={chainId} />));
  const el = container.firstElementChild;
  await act(async () => root.unmount());
  return el;
}

describe("WriteStatus", () => {
  it("says where each write is: waiting for the wallet, pending with its hash, confirmed, failed with why", async () => {
    const wallet = await render({ status: "wallet", label: "Approve 18 USDC", step: 1, steps: 2 });
    expect(wallet?.textContent).toBe(
      "Approve 18 USDC (step 1 of 2): waiting for your wallet — confirm it there.",
    );
    expect(wallet?.getAttribute("role")).toBe("status");

    const pending = await render({ status: "pending", label: "Subscribe", step: 2, steps: 2, hash });
    expect(pending?.textContent).toMatch(
      /^Subscribe \(step 2 of 2\): pending, transaction 0xabababab…abababab$/,
    );
    expect(pending?.querySelector("[data-hash]")?.getAttribute("data-hash")).toBe(hash);

    const done = await render({ status: "confirmed", label: "Subscribe", hash, blockNumber: 12n }, 8453);
    expect(done?.textContent).toContain("confirmed in block 12");
    expect(done?.querySelector("a")?.getAttribute("href")).toBe(`https://basescan.org/tx/${hash}`);

    const failed = await render({ status: "failed", label: "Stake", reason: "It ran out of gas.", hash });
    expect(failed?.getAttribute("role")).toBe("alert");
    expect(failed?.textContent).toMatch(/^Stake failed: It ran out of gas\. \(transaction 0x/);

    expect(await render({ status: "idle" })).toBeNull();
  });

  it("links transactions only where the chain has a known explorer", () => {
    expect(explorerTxUrl(31337, hash)).toBeUndefined();
    expect(explorerTxUrl(1, hash)).toBe(`https://etherscan.io/tx/${hash}`);
  });
});
