/**
 * The DIEM mint curve, the same math as `contracts-abi/src/DiemCurve.sol` to the wei.
 *
 * The marginal mint rate in sVVV per DIEM rises with the DIEM supply s:
 *   rate(s) = BASE * (1 + (s / TARGET)^2)          (BASE = 90, TARGET = 38,000 DIEM)
 * and minting d DIEM at supply s costs the integral of the rate over [s, s + d]:
 *   cost(s, d) = BASE * d + BASE * ((s + d)^3 - s^3) / (3 * TARGET^2), rounded up.
 * `diemAmountOut` is the largest d whose cost does not exceed the sVVV offered. All amounts are bigint
 * wei (18 decimals for both DIEM and sVVV).
 */

const WAD = 10n ** 18n;

/** Mint rate at zero supply, in sVVV per DIEM. */
export const DIEM_BASE_MINT_RATE = 90n;
/** Supply (DIEM wei) at which the mint rate has doubled. */
export const DIEM_TARGET_SUPPLY = 38_000n * WAD;
/** Upper bound on a single mint in DIEM wei; only keeps the contract's arithmetic far from overflow. */
export const DIEM_MAX_MINT = 10n ** 36n;

function mulDiv(x: bigint, y: bigint, denominator: bigint, roundUp = false): bigint {
  const product = x * y;
  const quotient = product / denominator;
  return roundUp && quotient * denominator !== product ? quotient + 1n : quotient;
}

function assertAmount(name: string, value: bigint): void {
  if (value < 0n) throw new RangeError(`${name} must not be negative`);
}

/** Marginal mint rate at `supply`, in sVVV per DIEM scaled by 1e18, rounded down. */
export function diemMintRate(supply: bigint): bigint {
  assertAmount("supply", supply);
  const base = DIEM_BASE_MINT_RATE * WAD;
  return base + mulDiv(base, supply * supply, DIEM_TARGET_SUPPLY * DIEM_TARGET_SUPPLY);
}

/** sVVV (wei) needed to mint `diemOut` DIEM wei (at most `DIEM_MAX_MINT`) when the supply is `supply`, rounded up. */
export function diemMintCost(supply: bigint, diemOut: bigint): bigint {
  assertAmount("supply", supply);
  assertAmount("diemOut", diemOut);
  if (diemOut > DIEM_MAX_MINT) throw new RangeError("diemOut exceeds DIEM_MAX_MINT");
  const after = supply + diemOut;
  const quadratic = after * after + after * supply + supply * supply;
  const base = DIEM_BASE_MINT_RATE * diemOut;
  return base + mulDiv(base, quadratic, 3n * DIEM_TARGET_SUPPLY * DIEM_TARGET_SUPPLY, true);
}

/** DIEM wei minted by locking `sVvvToLock` sVVV wei when the supply is `supply` (the contract's getDiemAmountOut). */
export function diemAmountOut(supply: bigint, sVvvToLock: bigint): bigint {
  assertAmount("supply", supply);
  assertAmount("sVvvToLock", sVvvToLock);
  let low = 0n;
  let high = sVvvToLock / DIEM_BASE_MINT_RATE;
  if (high > DIEM_MAX_MINT) high = DIEM_MAX_MINT;
  while (low < high) {
    const mid = low + (high - low + 1n) / 2n;
    if (diemMintCost(supply, mid) <= sVvvToLock) low = mid;
    else high = mid - 1n;
  }
  return low;
}

/** sVVV wei unlocked when `diemBurned` of a position's `diemDebt` is repaid, rounded down (all of it on full repayment). */
export function diemUnlockAmount(lockedSVvv: bigint, diemDebt: bigint, diemBurned: bigint): bigint {
  assertAmount("lockedSVvv", lockedSVvv);
  if (diemBurned <= 0n || diemBurned > diemDebt) throw new RangeError("diemBurned must be in (0, diemDebt]");
  if (diemBurned === diemDebt) return lockedSVvv;
  return (lockedSVvv * diemBurned) / diemDebt;
}
