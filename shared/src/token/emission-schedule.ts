/**
 * The VVV emission schedule: 6,000,000 VVV in the first month, 5,000,000 in the second, 4,000,000 in the
 * third and 3,000,000 in every month after that, a month being exactly 30 days from the start time.
 *
 * Same math as `contracts-abi/src/EmissionSchedule.sol`, to the wei: emission accrues linearly inside a
 * month, and every interval is the difference of two values of the cumulative function, so intervals add
 * up exactly and each whole month releases exactly its monthly amount. Amounts are bigint wei (18
 * decimals); timestamps are bigint Unix seconds.
 */

const WAD = 10n ** 18n;

/** Length of one emission month in seconds (30 days). */
export const EMISSION_MONTH_SECONDS = 30n * 24n * 60n * 60n;

/** Emission of the first three months, in wei; every later month releases `TAIL_MONTHLY_EMISSION`. */
export const INITIAL_MONTHLY_EMISSIONS: readonly bigint[] = [
  6_000_000n * WAD,
  5_000_000n * WAD,
  4_000_000n * WAD,
];

/** Emission of every month from the fourth one on, in wei. */
export const TAIL_MONTHLY_EMISSION = 3_000_000n * WAD;

const FIRST_THREE_MONTHS = INITIAL_MONTHLY_EMISSIONS.reduce((sum, x) => sum + x, 0n);

/** Emission of the month with zero-based index `monthIndex`. */
export function monthlyEmission(monthIndex: bigint): bigint {
  if (monthIndex < 0n) throw new RangeError("monthIndex must not be negative");
  return INITIAL_MONTHLY_EMISSIONS[Number(monthIndex)] ?? TAIL_MONTHLY_EMISSION;
}

/** Total emission of all whole months before month `monthIndex`. */
export function emissionBeforeMonth(monthIndex: bigint): bigint {
  if (monthIndex < 0n) throw new RangeError("monthIndex must not be negative");
  if (monthIndex <= 3n)
    return INITIAL_MONTHLY_EMISSIONS.slice(0, Number(monthIndex)).reduce((s, x) => s + x, 0n);
  return FIRST_THREE_MONTHS + (monthIndex - 3n) * TAIL_MONTHLY_EMISSION;
}

/** Total emission from `start` up to timestamp `t` (zero before `start`). */
export function cumulativeEmissionAt(start: bigint, t: bigint): bigint {
  if (t <= start) return 0n;
  const elapsed = t - start;
  const monthIndex = elapsed / EMISSION_MONTH_SECONDS;
  const intoMonth = elapsed % EMISSION_MONTH_SECONDS;
  return emissionBeforeMonth(monthIndex) + (monthlyEmission(monthIndex) * intoMonth) / EMISSION_MONTH_SECONDS;
}

/** Emission released between timestamps `t0` and `t1` for a schedule starting at `start` (zero if `t1 <= t0`). */
export function emittedBetween(start: bigint, t0: bigint, t1: bigint): bigint {
  if (t1 <= t0) return 0n;
  return cumulativeEmissionAt(start, t1) - cumulativeEmissionAt(start, t0);
}

/**
 * Nominal emission per second at timestamp `t`, rounded down; zero before `start`.
 * Informational (UIs, APR estimates): accounting always uses `emittedBetween`.
 */
export function ratePerSecondAt(start: bigint, t: bigint): bigint {
  if (t < start) return 0n;
  return monthlyEmission((t - start) / EMISSION_MONTH_SECONDS) / EMISSION_MONTH_SECONDS;
}

export interface EmissionScheduleRow {
  /** Zero-based month index. */
  month: number;
  /** First second of the month (Unix seconds). */
  startsAt: bigint;
  /** First second after the month. */
  endsAt: bigint;
  /** Emission released during the month, in wei. */
  emission: bigint;
  /** Emission released from the start through the end of the month, in wei. */
  cumulative: bigint;
  /** Nominal emission per second during the month, in wei, rounded down. */
  ratePerSecond: bigint;
}

/** The first `months` months of the schedule starting at `start`, one row per month. */
export function emissionScheduleTable(start: bigint, months: number): EmissionScheduleRow[] {
  if (!Number.isInteger(months) || months < 0) throw new RangeError("months must be a non-negative integer");
  const rows: EmissionScheduleRow[] = [];
  for (let month = 0; month < months; month++) {
    const index = BigInt(month);
    const emission = monthlyEmission(index);
    rows.push({
      month,
      startsAt: start + index * EMISSION_MONTH_SECONDS,
      endsAt: start + (index + 1n) * EMISSION_MONTH_SECONDS,
      emission,
      cumulative: emissionBeforeMonth(index + 1n),
      ratePerSecond: emission / EMISSION_MONTH_SECONDS,
    });
  }
  return rows;
}

/**
 * When the emission rate next changes after `t`, and to what; `null` once it has reached its floor.
 * Before `start` the next step is the start itself.
 */
export function nextEmissionStep(start: bigint, t: bigint): { at: bigint; ratePerSecond: bigint } | null {
  const now = ratePerSecondAt(start, t);
  const month = t < start ? -1n : (t - start) / EMISSION_MONTH_SECONDS;
  // The schedule steps down monthly until it reaches its floor rate, then stays there forever.
  for (let next = month + 1n; next <= month + 12n; next++) {
    const at = start + next * EMISSION_MONTH_SECONDS;
    const rate = ratePerSecondAt(start, at);
    if (rate !== now) return { at, ratePerSecond: rate };
  }
  return null;
}
