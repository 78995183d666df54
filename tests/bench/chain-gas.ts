import { measureGas } from "@masque/contracts-abi/bench";
import type { BenchResult } from "./bench-result.ts";

/** Gas of the on-chain operations, on a private anvil; a buyback must not grow with its batch. */
export default async function chainGasBench(): Promise<BenchResult> {
  const { rows, raw } = await measureGas();
  const batch = [raw["executeBuyback.1"], raw["executeBuyback.10"], raw["executeBuyback.100"]].filter(
    (n): n is number => n !== undefined,
  );
  const flat = batch.length === 3 && Math.max(...batch) - Math.min(...batch) <= 0.01 * Math.min(...batch);
  return {
    name: "chain-gas",
    description: "Gas used per transaction on anvil (cancun), measured from receipts.",
    rows: rows.map((r) => ({ operation: r.operation, gas: r.gasUsed, note: r.note })),
    raw,
    goals: [
      {
        goal: "a buyback batch's gas does not grow with the subscriptions it covers (1, 10, 100)",
        met: flat,
        value: batch.join(" / "),
      },
    ],
  };
}
