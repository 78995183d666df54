import { describe, expect, it } from "vitest";
import { formatAmount, formatToken, minBigint, parseAmount, USDC, VVV } from "./amounts.ts";

describe("amounts", () => {
  it("formats base units with grouping, rounding down, and dust as '< 0.0001'", () => {
    expect(formatAmount(1_234_567_891n * 10n ** 15n, 18)).toBe("1,234,567.891");
    expect(formatAmount(1_999_999n, 6, 2)).toBe("1.99");
    expect(formatAmount(0n, 18)).toBe("0");
    expect(formatAmount(1n, 18)).toBe("< 0.0001");
    expect(formatToken(18_000_000n, USDC, 2)).toBe("18 USDC");
    expect(formatToken(-5n * 10n ** 17n, VVV)).toBe("-0.5 VVV");
  });

  it("parses typed amounts into base units and says what is wrong with the rest", () => {
    expect(parseAmount("1.5", 18)).toEqual({ ok: true, value: 1_500_000_000_000_000_000n });
    expect(parseAmount("1,000", 6)).toEqual({ ok: true, value: 1_000_000_000n });
    expect(parseAmount(".5", 6)).toEqual({ ok: true, value: 500_000n });
    expect(parseAmount("", 6)).toEqual({ ok: false });
    expect(parseAmount("abc", 6)).toEqual({ ok: false, error: "Enter a number, like 12.5." });
    expect(parseAmount("0.0000001", 6)).toEqual({ ok: false, error: "At most 6 decimals." });
    expect(parseAmount("0", 6)).toEqual({ ok: false, error: "Enter an amount above zero." });
  });

  it("takes the smaller bigint", () => {
    expect(minBigint(3n, 2n)).toBe(2n);
    expect(minBigint(2n, 3n)).toBe(2n);
  });
});
