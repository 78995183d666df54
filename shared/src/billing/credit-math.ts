/**
 * Money in Masque is integer micro-USD (1 USD = 1,000,000). These are the pure
 * rules the ledger applies; the server does the I/O.
 */

/** Micro-USD per whole US dollar. */
export const MICRO_USD = 1_000_000;

export interface TokenPricing {
  /** USD per one million tokens — which is also micro-USD per token. */
  inputPerMTok: number;
  outputPerMTok: number;
}

/** The cost of a request in micro-USD, rounded up so we never charge less than the price. */
export function costMicroUsd(promptTokens: number, completionTokens: number, pricing: TokenPricing): number {
  return Math.ceil(promptTokens * pricing.inputPerMTok + completionTokens * pricing.outputPerMTok);
}

/** Where credit is spent from, in the order token holders expect. */
export const spendOrder = ["diem", "plan", "usd"] as const;
export type CreditBucket = (typeof spendOrder)[number];

export type BucketAmounts = Record<CreditBucket, number>;

/**
 * Takes `amount` from the buckets in spend order: today's DIEM credit, then
 * the plan's included credit, then the USD balance. Returns what each bucket
 * gives, or undefined when all of them together cannot cover it.
 */
export function splitSpend(amount: number, available: BucketAmounts): BucketAmounts | undefined {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`bad amount ${amount}`);
  const taken: BucketAmounts = { diem: 0, plan: 0, usd: 0 };
  let left = amount;
  for (const bucket of spendOrder) {
    const take = Math.min(left, Math.max(0, available[bucket]));
    taken[bucket] = take;
    left -= take;
  }
  return left === 0 ? taken : undefined;
}

/** `$1.234567` for a micro-USD amount. */
export function formatUsd(micro: number): string {
  return `$${(micro / MICRO_USD).toFixed(micro % 10_000 === 0 ? 2 : 6)}`;
}

/** DIEM staked gives this much credit per whole DIEM per UTC day. */
export const DIEM_DAILY_CREDIT_MICRO_USD = MICRO_USD;
/** Below this much staked DIEM (in DIEM), no daily credit. */
export const DIEM_MIN_STAKE = 0.1;

/**
 * Today's DIEM credit for an amount staked, given in DIEM wei (18 decimals):
 * $1 per whole DIEM, pro rata, none below the minimum stake.
 */
export function diemDailyCreditMicroUsd(stakedWei: bigint): number {
  const min = BigInt(Math.round(DIEM_MIN_STAKE * 1e6)) * 10n ** 12n;
  if (stakedWei < min) return 0;
  return Number((stakedWei * BigInt(DIEM_DAILY_CREDIT_MICRO_USD)) / 10n ** 18n);
}
