/** One benchmark's output: rows for the Markdown table and the raw numbers for results.json. */
export interface BenchResult {
  /** Short id, also the key in results.json, e.g. "redaction". */
  name: string;
  /** One line saying what was measured and how. */
  description: string;
  /** Table rows; the first row's keys are the column headers. */
  rows: Array<Record<string, string | number>>;
  /** Everything measured, for machines. */
  raw: unknown;
  /** Goals the issue set, each met or not; a missed goal is reported, never hidden. */
  goals?: Array<{ goal: string; met: boolean; value: string }>;
}

/** A benchmark module's default export. */
export type Bench = () => Promise<BenchResult>;
