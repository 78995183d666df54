import { type PiiSpan, spanOf } from "./pii-span.ts";

/** IBAN length by country (ISO 13616 registry). */
// biome-ignore format: a compact registry table
const IBAN_LENGTHS: Record<string, number> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28, CH: 21,
  CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FK: 18, FO: 18,
  FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26,
  IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, LY: 25, MC: 27, MD: 24,
  ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28, NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29,
  PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24, SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23,
  ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
};

const CANDIDATE = /(?<![\p{L}\p{N}])[A-Za-z]{2}\d{2}(?:[ -]?[A-Za-z0-9]){11,30}(?![\p{L}\p{N}])/gu;

/** ISO 7064 mod 97-10 check of an IBAN without separators. */
export function ibanValid(iban: string): boolean {
  const s = iban.toUpperCase();
  const expected = IBAN_LENGTHS[s.slice(0, 2)];
  if (expected === undefined || s.length !== expected) return false;
  const rearranged = s.slice(4) + s.slice(0, 4);
  let rem = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const value = code >= 65 ? code - 55 : code - 48;
    rem = value >= 10 ? (rem * 100 + value) % 97 : (rem * 10 + value) % 97;
  }
  return rem === 1;
}

/** International bank account numbers, any case, grouped or not, with a valid length and mod-97 checksum. */
export function detectIbans(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  CANDIDATE.lastIndex = 0;
  for (let m = CANDIDATE.exec(text); m; m = CANDIDATE.exec(text)) {
    // The candidate may run into the next word or IBAN when groups are space-separated; keep the valid prefix.
    const found = longestValidPrefix(m[0]);
    if (found > 0) spans.push(spanOf(text, "IBAN", m.index, m.index + found));
    CANDIDATE.lastIndex = m.index + (found > 0 ? found : 4);
  }
  return spans;
}

function longestValidPrefix(raw: string): number {
  const compact: number[] = [];
  for (let i = 0; i < raw.length; i++) if (raw[i] !== " " && raw[i] !== "-") compact.push(i);
  const expected = IBAN_LENGTHS[raw.slice(0, 2).toUpperCase()];
  if (expected === undefined || compact.length < expected) return 0;
  const end = (compact[expected - 1] as number) + 1;
  const next = raw[end];
  // The IBAN must end at a group boundary, not in the middle of a token.
  if (next !== undefined && next !== " " && next !== "-") return 0;
  return ibanValid(raw.slice(0, end).replace(/[ -]/g, "")) ? end : 0;
}
