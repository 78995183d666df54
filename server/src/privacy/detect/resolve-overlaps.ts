import type { PiiType } from "@masque/shared";
import type { PiiSpan } from "./pii-span.ts";

/**
 * How specific a type is when two detections overlap and have the same length:
 * a checksum-validated number beats a generic pattern, which beats a name guess.
 */
const SPECIFICITY: Record<PiiType, number> = {
  CRYPTO: 14,
  SECRET: 13,
  URL: 12,
  IBAN: 10,
  CARD: 9,
  EMAIL: 8,
  SSN: 7,
  IP: 6,
  NATIONAL_ID: 5,
  DOB: 4,
  PHONE: 3,
  ADDRESS: 2,
  PERSON: 1,
};

/**
 * Picks non-overlapping spans: the longest wins, then the most specific type,
 * then the earliest. A span that contains another swallows it, so `[EMAIL_1]`
 * is never cut in half by a name found inside the address.
 */
export function resolveOverlaps(spans: readonly PiiSpan[]): PiiSpan[] {
  if (spans.length < 2) return [...spans];
  const ranked = [...spans].sort(
    (a, b) =>
      b.end - b.start - (a.end - a.start) || SPECIFICITY[b.type] - SPECIFICITY[a.type] || a.start - b.start,
  );
  const kept: PiiSpan[] = [];
  for (const span of ranked) {
    if (span.end <= span.start) continue;
    if (kept.some((k) => span.start < k.end && k.start < span.end)) continue;
    kept.push(span);
  }
  return kept.sort((a, b) => a.start - b.start);
}
