import { describe, expect, it } from "vitest";
import { measureGas } from "../bench/gas.ts";

describe("gas benchmark", () => {
  it("reports every measured operation, and a buyback batch costs the same for 1, 10 or 100 receipts", async () => {
    const { rows, raw } = await measureGas();
    expect(rows.map((row) => row.operation)).toEqual([
      "stake (first staker)",
      "stake",
      "claim",
      "mintDiem",
      "subscribe",
      "subscribe (renewal)",
      "executeBuyback (1 receipt)",
      "executeBuyback (10 receipts)",
      "executeBuyback (100 receipts)",
    ]);
    for (const row of rows) {
      expect(row.gasUsed).toBeGreaterThan(21_000);
      expect(row.gasUsed).toBeLessThan(500_000);
    }
    const batch = (size: number) => raw[`executeBuyback.${size}`] ?? Number.NaN;
    // Batches differ only in their swap amounts and root: their gas stays within 1% whatever the count.
    expect(Math.abs(batch(10) - batch(1))).toBeLessThan(batch(1) / 100);
    expect(Math.abs(batch(100) - batch(1))).toBeLessThan(batch(1) / 100);
  });
});
