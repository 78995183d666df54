import { formatUnits, parseUnits } from "viem";

/** A token the app shows amounts of. */
export interface TokenUnit {
  symbol: string;
  decimals: number;
}

export const VVV: TokenUnit = { symbol: "VVV", decimals: 18 };
export const SVVV: TokenUnit = { symbol: "sVVV", decimals: 18 };
export const DIEM: TokenUnit = { symbol: "DIEM", decimals: 18 };
export const USDC: TokenUnit = { symbol: "USDC", decimals: 6 };

/**
 * A base-unit amount for people: grouped thousands, at most `maxFraction`
 * decimals (rounded down, so a balance never reads higher than it is), and
 * "< 0.0001" rather than a misleading 0 for dust.
 */
export function formatAmount(value: bigint, decimals: number, maxFraction = 4): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const [whole = "0", fraction = ""] = formatUnits(abs, decimals).split(".");
  const cut = fraction.slice(0, maxFraction).replace(/0+$/, "");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  if (abs > 0n && whole === "0" && cut === "")
    return `< ${maxFraction > 0 ? `0.${"0".repeat(maxFraction - 1)}1` : "1"}`;
  return `${negative ? "-" : ""}${grouped}${cut ? `.${cut}` : ""}`;
}

/** `formatAmount` with the token's symbol. */
export function formatToken(value: bigint, unit: TokenUnit, maxFraction = 4): string {
  return `${formatAmount(value, unit.decimals, maxFraction)} ${unit.symbol}`;
}

/** What an amount field holds: a positive amount in base units, nothing yet, or why it is not one. */
export type ParsedAmount = { ok: true; value: bigint } | { ok: false; error?: string };

/** Parses a typed amount ("1.5", "1,000") into base units; refuses more decimals than the token has. */
export function parseAmount(input: string, decimals: number): ParsedAmount {
  const text = input.trim().replaceAll(",", "").replaceAll("_", "");
  if (text === "") return { ok: false };
  if (!/^\d*\.?\d*$/.test(text) || text === ".") return { ok: false, error: "Enter a number, like 12.5." };
  const fraction = text.split(".")[1] ?? "";
  if (fraction.length > decimals) return { ok: false, error: `At most ${decimals} decimals.` };
  const value = parseUnits(text, decimals);
  if (value === 0n) return { ok: false, error: "Enter an amount above zero." };
  return { ok: true, value };
}

/** The smaller of two bigints (Math.min does not take them). */
export function minBigint(a: bigint, b: bigint): bigint {
  if (a < b) return a;
  return b;
}
