import { type PiiSpan, spanOf } from "./pii-span.ts";

const MONTHS =
  "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre|januar|februar|märz|juni|juli|oktober|dezember|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre";

const DATE = `(?:\\d{4}[-/.]\\d{1,2}[-/.]\\d{1,2}|\\d{1,2}[-/.]\\d{1,2}[-/.](?:\\d{4}|\\d{2})|\\d{1,2}(?:st|nd|rd|th)?\\.?\\s+(?:of\\s+)?(?:${MONTHS})\\.?,?\\s+\\d{4}|(?:${MONTHS})\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+\\d{4})`;

const HINT = /bor|birth|dob|d\.o\.b|geb|né|nac|nas|föd|fød|synt/gi;

/** A birth keyword, a few words at most, then a date. */
const DOB = new RegExp(
  `\\b(?:born(?:\\s+on)?|birth\\s*(?:date|day)|date\\s+of\\s+birth|d\\.?o\\.?b\\.?|birthday|geboren(?:\\s+am)?|né(?:e)?\\s+le|fecha\\s+de\\s+nacimiento|data\\s+di\\s+nascita|data\\s+de\\s+nascimento|födelsedatum|fødselsdato|syntymäaika|geburtsdatum)["']?\\s*(?:is|was|:|=|-|on)?\\s*["']?(?:is|was|on|the)?\\s*(${DATE})`,
  "giu",
);

/**
 * Dates of birth: a date after a birth keyword (`born on 2/7/1961`,
 * `"dob": "1990-05-01"`, `Date of birth: 12 March 1985`, several languages).
 * A date with no such context is not personal data on its own.
 */
export function detectDatesOfBirth(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  let done = 0;
  // Only look near a birth keyword: the full pattern is costly to try at every position.
  for (const hint of text.matchAll(HINT)) {
    if (hint.index < done) continue;
    const from = Math.max(done, hint.index - 16);
    const window = text.slice(from, hint.index + 90);
    DOB.lastIndex = 0;
    const m = DOB.exec(window);
    if (!m || m.index > hint.index - from + 4) continue;
    const value = m[1] ?? "";
    const start = from + m.index + m[0].length - value.length;
    spans.push(spanOf(text, "DOB", start, start + value.length));
    done = start + value.length;
  }
  return spans;
}
