/** Round ticks from 0 to at least `max`: 0, step, 2·step, … with step 1, 2 or 5 × 10ⁿ. */
export function niceTicks(max: number, count = 4): number[] {
  if (!(max > 0) || !Number.isFinite(max)) return [0, 1];
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude;
  const ticks: number[] = [];
  for (let t = 0; t < max + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  if ((ticks.at(-1) ?? 0) < max) ticks.push(Number((ticks.length * step).toPrecision(12)));
  return ticks;
}

/** Values stacked per x: for each x, one value per series (0 where a series has none). */
export interface StackedData {
  xs: string[];
  series: string[];
  /** values[x][series] */
  values: number[][];
  /** The largest stack. */
  max: number;
}

/** Pivots rows (e.g. usage by day and model) into stacked bars: one bar per x, one segment per series. */
export function stackRows<T>(
  rows: readonly T[],
  x: (row: T) => string,
  series: (row: T) => string,
  value: (row: T) => number,
  allXs?: readonly string[],
): StackedData {
  const xs = allXs ? [...allXs] : [...new Set(rows.map(x))].sort();
  const names = [...new Set(rows.map(series))].sort();
  const values = xs.map(() => names.map(() => 0));
  for (const row of rows) {
    const i = xs.indexOf(x(row));
    const j = names.indexOf(series(row));
    if (i >= 0 && j >= 0) (values[i] as number[])[j] = ((values[i] as number[])[j] ?? 0) + value(row);
  }
  const max = Math.max(0, ...values.map((v) => v.reduce((a, b) => a + b, 0)));
  return { xs, series: names, values, max };
}

/** The last `days` UTC days as `YYYY-MM-DD`, oldest first, ending today. */
export function lastDays(days: number, now = new Date()): string[] {
  const out: string[] = [];
  for (let i = days - 1; i >= 0; i--)
    out.push(new Date(now.getTime() - i * 86_400_000).toISOString().slice(0, 10));
  return out;
}

const compact = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });

/** 1200 → "1.2K". */
export const compactNumber = (n: number) => compact.format(n);
