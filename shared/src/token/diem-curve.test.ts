import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DIEM_BASE_MINT_RATE,
  DIEM_TARGET_SUPPLY,
  diemAmountOut,
  diemMintCost,
  diemMintRate,
  diemUnlockAmount,
} from "./diem-curve.ts";

const WAD = 10n ** 18n;
const supplyArb = fc.bigInt({ min: 0n, max: 200_000n * WAD });
const lockArb = fc.bigInt({ min: 0n, max: 50_000_000n * WAD });

describe("DIEM mint curve", () => {
  it("starts at 90 sVVV per DIEM and doubles at the 38,000 DIEM target", () => {
    expect(diemMintRate(0n)).toBe(90n * WAD);
    expect(diemMintRate(DIEM_TARGET_SUPPLY)).toBe(180n * WAD);
    expect(diemMintRate(2n * DIEM_TARGET_SUPPLY)).toBe(450n * WAD);
    expect(diemMintRate(10_000n * WAD)).toBe(96_232_686_980_609_418_282n);
  });

  it("prices a mint along the curve: cost is the integral of the rate", () => {
    // From zero to the target: 90 * T + 90 * T / 3 = 120 sVVV per DIEM on average.
    expect(diemMintCost(0n, DIEM_TARGET_SUPPLY)).toBe(120n * DIEM_TARGET_SUPPLY);
    // The first DIEM: 90 sVVV plus 90 / (3 * 38,000^2) sVVV of curvature, rounded up to the wei.
    expect(diemMintCost(0n, WAD)).toBe(90n * WAD + 20_775_623_269n);
    expect(diemMintCost(123n * WAD, 0n)).toBe(0n);
  });

  it("is path independent: one mint costs the same as two consecutive ones, up to rounding", () => {
    fc.assert(
      fc.property(
        supplyArb,
        fc.bigInt({ min: 0n, max: 50_000n * WAD }),
        fc.bigInt({ min: 0n, max: 50_000n * WAD }),
        (s, a, b) => {
          const whole = diemMintCost(s, a + b);
          const split = diemMintCost(s, a) + diemMintCost(s + a, b);
          expect(split - whole).toBeGreaterThanOrEqual(0n);
          expect(split - whole).toBeLessThanOrEqual(1n);
        },
      ),
      { seed: 11, numRuns: 300 },
    );
  });

  it("mints the largest amount the sVVV pays for", () => {
    fc.assert(
      fc.property(supplyArb, lockArb, (supply, sVvv) => {
        const out = diemAmountOut(supply, sVvv);
        expect(diemMintCost(supply, out)).toBeLessThanOrEqual(sVvv);
        expect(diemMintCost(supply, out + 1n)).toBeGreaterThan(sVvv);
        expect(out * DIEM_BASE_MINT_RATE).toBeLessThanOrEqual(sVvv);
      }),
      { seed: 13, numRuns: 200 },
    );
  });

  it("gets more expensive as supply grows", () => {
    fc.assert(
      fc.property(supplyArb, supplyArb, lockArb, (a, b, sVvv) => {
        const [low, high] = a < b ? [a, b] : [b, a];
        expect(diemAmountOut(high, sVvv)).toBeLessThanOrEqual(diemAmountOut(low, sVvv));
        expect(diemMintRate(high)).toBeGreaterThanOrEqual(diemMintRate(low));
      }),
      { seed: 17, numRuns: 200 },
    );
  });

  it("returns nothing for dust below one wei of DIEM", () => {
    expect(diemAmountOut(0n, 89n)).toBe(0n);
    expect(diemAmountOut(0n, 91n)).toBe(1n);
    expect(() => diemAmountOut(-1n, 1n)).toThrow(RangeError);
  });

  it("unlocks proportionally, rounding down, and everything on full repayment", () => {
    expect(diemUnlockAmount(1000n, 3n, 1n)).toBe(333n);
    expect(diemUnlockAmount(1000n, 3n, 3n)).toBe(1000n);
    expect(() => diemUnlockAmount(1000n, 3n, 4n)).toThrow(RangeError);
    expect(() => diemUnlockAmount(1000n, 3n, 0n)).toThrow(RangeError);
  });
});
