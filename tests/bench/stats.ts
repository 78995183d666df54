/**
 * Small statistics for benchmarks: nearest-rank percentiles and a summary of
 * a sample of timings. Pure, so it has unit tests (tests/src/bench-stats.test.ts).
 */

/**
 * The p-th percentile (0–100) of an ascending sample, by the nearest-rank
 * method: the smallest value with at least p% of the sample at or below it.
 * NaN for an empty sample.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  if (p <= 0) return sorted[0] as number;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, rank) - 1] as number;
}

/** A sample's size, mean and the percentiles benchmarks report. */
export interface Summary {
  n: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Summarises a sample (any order; the input is not changed). */
export function summarize(sample: readonly number[]): Summary {
  const sorted = [...sample].sort((a, b) => a - b);
  return {
    n: sorted.length,
    mean: sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : Number.NaN,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length ? (sorted[sorted.length - 1] as number) : Number.NaN,
  };
}

/** The median of a sample (any order), NaN when empty. */
export function median(sample: readonly number[]): number {
  return percentile(
    [...sample].sort((a, b) => a - b),
    50,
  );
}

/**
 * Order of the targets in round `round`: each target takes each position in
 * turn, so none always runs first (on a cold cache) or last (after the others
 * warmed the machine).
 */
export function rotation<T>(targets: readonly T[], round: number): T[] {
  const n = targets.length;
  if (n === 0) return [];
  const shift = ((round % n) + n) % n;
  return [...targets.slice(shift), ...targets.slice(0, shift)];
}
