import { custom, type Hex, http, type Transport, toHex } from "viem";

export interface GasBufferOptions {
  /** Margin as a percentage of the estimate (default 25). */
  percent?: number;
  /** Smallest margin in gas (default 100,000). */
  minimum?: number;
}

/**
 * An HTTP transport that adds a safety margin to gas estimates (`eth_estimateGas`, and the gas of
 * `eth_fillTransaction`, which viem prefers when the node offers it): 25% or 100,000 gas, whichever is
 * more. Gas used by these contracts depends on the block a transaction lands in (Staking settles the
 * emission accumulator, and the buyback extrapolates the pair's cumulative price, only when time has
 * passed), so an estimate taken in the same second as the previous block can come out short when the
 * transaction lands a second later. Unused gas is not charged.
 */
export function gasBufferedHttp(url: string, options: GasBufferOptions = {}): Transport {
  const percent = BigInt(options.percent ?? 25);
  const minimum = BigInt(options.minimum ?? 100_000);
  const pad = (gas: Hex): Hex => {
    const estimate = BigInt(gas);
    const proportional = (estimate * percent) / 100n;
    return toHex(estimate + (proportional > minimum ? proportional : minimum));
  };
  const base = http(url);
  return (config) => {
    const inner = base(config);
    return custom(
      {
        async request({ method, params }) {
          const result = await inner.request({ method, params } as never);
          if (method === "eth_estimateGas") return pad(result as Hex);
          if (method === "eth_fillTransaction") {
            const filled = result as { tx?: { gas?: Hex } };
            if (filled.tx?.gas) return { ...filled, tx: { ...filled.tx, gas: pad(filled.tx.gas) } };
          }
          return result;
        },
      },
      { retryCount: 0 },
    )(config);
  };
}
