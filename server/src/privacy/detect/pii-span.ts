import type { PiiType } from "@masque/shared";

/** One piece of personal data found in a text: `text.slice(start, end) === value`. */
export interface PiiSpan {
  type: PiiType;
  start: number;
  end: number;
  value: string;
}

/** A detector: pure, synchronous, returns spans in any order (overlaps allowed). */
export type Detector = (text: string) => PiiSpan[];

/** Builds a span from offsets into `text`. */
export function spanOf(text: string, type: PiiType, start: number, end: number): PiiSpan {
  return { type, start, end, value: text.slice(start, end) };
}
