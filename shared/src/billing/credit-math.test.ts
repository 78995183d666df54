import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { costMicroUsd, diemDailyCreditMicroUsd, formatUsd, splitSpend } from "./credit-math.ts";

describe("credit math", () => {
  it("prices tokens in micro-USD, rounding up", () => {
    expect(costMicroUsd(1000, 500, { inputPerMTok: 2.5, outputPerMTok: 10 })).toBe(7500);
    expect(costMicroUsd(1, 0, { inputPerMTok: 0.15, outputPerMTok: 0 })).toBe(1);
    expect(costMicroUsd(123, 456, { inputPerMTok: 0, outputPerMTok: 0 })).toBe(0);
  });

  it("spends DIEM credit first, then plan credit, then USD", () => {
    expect(splitSpend(250, { diem: 100, plan: 100, usd: 100 })).toEqual({ diem: 100, plan: 100, usd: 50 });
    expect(splitSpend(50, { diem: 100, plan: 100, usd: 100 })).toEqual({ diem: 50, plan: 0, usd: 0 });
    expect(splitSpend(301, { diem: 100, plan: 100, usd: 100 })).toBeUndefined();
  });

  it("never takes more than a bucket holds and always takes exactly the amount", () => {
    const bucket = fc.integer({ min: 0, max: 1e9 });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3e9 }), bucket, bucket, bucket, (amount, diem, plan, usd) => {
        const taken = splitSpend(amount, { diem, plan, usd });
        if (amount > diem + plan + usd) return taken === undefined;
        if (!taken) return false;
        return (
          taken.diem + taken.plan + taken.usd === amount &&
          taken.diem <= diem &&
          taken.plan <= plan &&
          taken.usd <= usd &&
          // Later buckets are touched only when earlier ones are empty.
          (taken.plan === 0 || taken.diem === diem) &&
          (taken.usd === 0 || taken.plan === plan)
        );
      }),
    );
  });

  it("gives $1 of credit per staked DIEM per day, none below 0.1 DIEM", () => {
    expect(diemDailyCreditMicroUsd(10n ** 18n)).toBe(1_000_000);
    expect(diemDailyCreditMicroUsd(25n * 10n ** 17n)).toBe(2_500_000);
    expect(diemDailyCreditMicroUsd(10n ** 17n)).toBe(100_000);
    expect(diemDailyCreditMicroUsd(10n ** 17n - 1n)).toBe(0);
  });

  it("formats amounts", () => {
    expect(formatUsd(1_500_000)).toBe("$1.50");
    expect(formatUsd(1_234_567)).toBe("$1.234567");
  });
});
