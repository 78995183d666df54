import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  cumulativeEmissionAt,
  EMISSION_MONTH_SECONDS,
  emissionScheduleTable,
  emittedBetween,
  monthlyEmission,
  nextEmissionStep,
  ratePerSecondAt,
} from "./emission-schedule.ts";

const VVV = 10n ** 18n;
const MONTH = EMISSION_MONTH_SECONDS;
const start = 1_750_000_000n;

describe("emission schedule", () => {
  it("releases 6M, 5M, 4M and then 3M VVV per 30-day month", () => {
    expect(MONTH).toBe(2_592_000n);
    const months = [0n, 1n, 2n, 3n, 4n, 40n].map((m) =>
      emittedBetween(start, start + m * MONTH, start + (m + 1n) * MONTH),
    );
    expect(months).toEqual(
      [6_000_000n, 5_000_000n, 4_000_000n, 3_000_000n, 3_000_000n, 3_000_000n].map((x) => x * VVV),
    );
  });

  it("releases nothing before the start or over an empty interval", () => {
    expect(emittedBetween(start, start - 1000n, start)).toBe(0n);
    expect(emittedBetween(start, start + 500n, start + 500n)).toBe(0n);
    expect(emittedBetween(start, start + 600n, start + 500n)).toBe(0n);
    expect(cumulativeEmissionAt(start, 0n)).toBe(0n);
    expect(ratePerSecondAt(start, start - 1n)).toBe(0n);
  });

  it("accrues linearly inside a month, rounding down", () => {
    // 6M VVV over 2,592,000 s is 2,314,814,814,814,814,814.8 wei/s.
    expect(emittedBetween(start, start, start + 1n)).toBe(2_314_814_814_814_814_814n);
    expect(emittedBetween(start, start, start + MONTH / 2n)).toBe(3_000_000n * VVV);
    expect(ratePerSecondAt(start, start)).toBe(2_314_814_814_814_814_814n);
    expect(ratePerSecondAt(start, start + 3n * MONTH)).toBe((3_000_000n * VVV) / MONTH);
  });

  it("counts a month from its first second", () => {
    expect(ratePerSecondAt(start, start + MONTH - 1n)).toBe((6_000_000n * VVV) / MONTH);
    expect(ratePerSecondAt(start, start + MONTH)).toBe((5_000_000n * VVV) / MONTH);
    expect(monthlyEmission(2n)).toBe(4_000_000n * VVV);
    expect(() => monthlyEmission(-1n)).toThrow(RangeError);
  });

  it("is additive to the wei: splitting an interval anywhere loses nothing", () => {
    const time = fc.bigInt({ min: start - MONTH, max: start + 30n * MONTH });
    fc.assert(
      fc.property(time, time, time, (a, b, c) => {
        const [t0, t1, t2] = [a, b, c].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)) as [
          bigint,
          bigint,
          bigint,
        ];
        expect(emittedBetween(start, t0, t1) + emittedBetween(start, t1, t2)).toBe(
          emittedBetween(start, t0, t2),
        );
      }),
      { seed: 5, numRuns: 500 },
    );
  });

  it("never releases more per month than the month's amount, and is monotone", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 60n * MONTH }),
        fc.bigInt({ min: 0n, max: MONTH }),
        (offset, length) => {
          const t0 = start + offset;
          const released = emittedBetween(start, t0, t0 + length);
          expect(released).toBeGreaterThanOrEqual(0n);
          expect(released).toBeLessThanOrEqual(6_000_000n * VVV);
          expect(cumulativeEmissionAt(start, t0 + length)).toBeGreaterThanOrEqual(
            cumulativeEmissionAt(start, t0),
          );
        },
      ),
      { seed: 7, numRuns: 500 },
    );
  });

  it("tabulates months with their cumulative totals", () => {
    const table = emissionScheduleTable(start, 5);
    expect(table.map((row) => row.cumulative / VVV)).toEqual([
      6_000_000n,
      11_000_000n,
      15_000_000n,
      18_000_000n,
      21_000_000n,
    ]);
    expect(table[1]).toEqual({
      month: 1,
      startsAt: start + MONTH,
      endsAt: start + 2n * MONTH,
      emission: 5_000_000n * VVV,
      cumulative: 11_000_000n * VVV,
      ratePerSecond: (5_000_000n * VVV) / MONTH,
    });
    for (const row of emissionScheduleTable(start, 24)) {
      expect(cumulativeEmissionAt(start, row.endsAt)).toBe(row.cumulative);
    }
    expect(emissionScheduleTable(start, 0)).toEqual([]);
    expect(() => emissionScheduleTable(start, -1)).toThrow(RangeError);
  });

  it("names the next step down of the rate, and none once at the floor", () => {
    const start = 1_000_000n;
    const month = EMISSION_MONTH_SECONDS;
    expect(nextEmissionStep(start, start - 1n)).toEqual({
      at: start,
      ratePerSecond: ratePerSecondAt(start, start),
    });
    expect(nextEmissionStep(start, start + 5n)).toEqual({
      at: start + month,
      ratePerSecond: (5_000_000n * 10n ** 18n) / month,
    });
    expect(nextEmissionStep(start, start + 2n * month + 1n)?.at).toBe(start + 3n * month);
    expect(nextEmissionStep(start, start + 3n * month)).toBeNull();
  });
});
