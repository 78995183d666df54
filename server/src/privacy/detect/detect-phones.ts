import { parsePhoneNumberFromString } from "libphonenumber-js/min";
import { type PiiSpan, spanOf } from "./pii-span.ts";

/**
 * A run of digits with the separators phone numbers use, an optional leading
 * `+` or `(`, and an optional extension (`x123`, `ext. 12`). Boundaries are
 * checked in code, which is much faster than lookbehinds at every position.
 */
const CANDIDATE = /[+(]?\d[\d(). \u00a0/-]{4,22}\d(?:\s?(?:x|ext\.?|extension|#)\s?\d{1,6})?/g;

/** Words right before a number that say it is a phone number. */
const CONTEXT_BEFORE = new Set(
  `phone phones tel telephone mobile cell cellphone fax call calling text sms whatsapp signal telegram contact reach
  dial number no nr hotline landline ring tlf telefon téléphone teléfono telefone handy mob ph registered desk office
  home work direct at on`.split(/\s+/),
);
const CONTEXT_AFTER = new Set("office fax mobile cell home work phone tel ext direct desk".split(" "));
const NOT_PHONE_BEFORE = new Set(
  "card account iban invoice order tracking ssn license licence passport".split(" "),
);

const DATE = /^(?:\d{4}[./-]\d{1,2}[./-]\d{1,2}|\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2}))$/;

/**
 * Phone numbers in international and national formats. International ones
 * (`+41 …`, `0041 …`) are parsed with libphonenumber; national ones are scored
 * by shape (area code in parentheses, digit groups) and context words (`call`,
 * `phone:`, `… office`), since a bare digit run could be anything.
 */
export function detectPhones(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  for (const m of text.matchAll(CANDIDATE)) {
    let raw = m[0];
    let start = m.index;
    const prev = text[start - 1] ?? "";
    if (/[\p{L}\p{N}_.:/+-]/u.test(prev) || (prev === "," && /\d/.test(text[start - 2] ?? ""))) continue;
    // A lone opening parenthesis, or trailing separators, are not part of the number.
    raw = raw.replace(/[\s.(/-]+$/u, "");
    if (raw.startsWith("(") && !/^\(\+?\d+\)/.test(raw)) {
      raw = raw.slice(1);
      start += 1;
    }
    if (raw.endsWith(")") && !/\(\d+\)$/.test(raw)) raw = raw.slice(0, -1);
    const end = start + raw.length;
    const next = text[end] ?? "";
    if (/[\p{L}\p{N}_]/u.test(next) || (/[.,/-]/.test(next) && /\d/.test(text[end + 1] ?? ""))) continue;
    const core = raw.replace(/\s?(?:x|ext\.?|extension|#)\s?\d{1,6}$/i, "");
    const digits = core.replace(/\D/g, "");
    if (digits.length < 7 || digits.length > 15) continue;
    if (DATE.test(core) || /^\d{1,2}:\d{2}/.test(core) || /^\d{4}-\d{2}-\d{2}\b/.test(core)) continue;
    // "2018-02-24 12:45": a date and the hour of a time.
    if (next === ":" && /\d/.test(text[end + 1] ?? "")) continue;
    if (/^\d+\.\d+$/.test(core) || /^\d{1,3}(?:\.\d{1,3}){3}$/.test(core)) continue;
    if (/^\d{3}-\d{2}-\d{4}$/.test(core)) continue; // US SSN shape
    if (scorePhone(text, start, end, core, digits) >= 2) spans.push(spanOf(text, "PHONE", start, end));
  }
  return spans;
}

function scorePhone(text: string, start: number, end: number, core: string, digits: string): number {
  let score = 0;
  if (/\(\d{1,5}\)/.test(core)) score += 2;
  const groups = core.split(/\D+/).filter(Boolean);
  if (groups.length >= 3) score += 1;
  if (groups.length >= 2 && groups.every((g) => g.length >= 2 && g.length <= 5)) score += 1;
  if (/^1?\d{3}[-. ]\d{3}[-. ]\d{4}$/.test(core) || /^0\d{1,4}[ -]\d{2,8}(?:[ -]\d{2,4})*$/.test(core))
    score += 1;
  const wordBefore = wordAt(text, start, -1);
  const wordAfter = wordAt(text, end, 1);
  if (CONTEXT_BEFORE.has(wordBefore)) score += 2;
  if (CONTEXT_AFTER.has(wordAfter)) score += 2;
  // Money, percentages, quantities and card or account labels read as numbers, not phones.
  const before = text.slice(Math.max(0, start - 24), start);
  if (/[$€£¥₹]\s?$/.test(before) || /^\s?(?:%|€|\$|usd|eur|kg|km|mb|gb|ms)\b/i.test(text.slice(end, end + 5)))
    score -= 3;
  if (NOT_PHONE_BEFORE.has(wordBefore) || /\b(?:card|account) (?:number|no)\b/i.test(before)) score -= 2;
  // libphonenumber only where it can change the outcome: it is the slow part.
  if (score < 2 && /^(?:\+|\(\+|00[1-9])/.test(core)) {
    const parsed = parsePhoneNumberFromString(
      `+${(core.startsWith("00") ? core.slice(2) : core).replace(/\(0\)/, "").replace(/\D/g, "")}`,
    );
    score += parsed?.isPossible() ? 3 : 1;
  } else if (score < 2 && groups.length === 1 && digits.length >= 10) {
    if (parsePhoneNumberFromString(core, "US")?.isValid()) score += 1;
  }
  return score;
}

/** The lower-cased word just before (`dir` -1) or after (`dir` 1) `at`, skipping up to 12 other characters. */
function wordAt(text: string, at: number, dir: -1 | 1): string {
  let i = dir < 0 ? at - 1 : at;
  let skipped = 0;
  const isLetter = (ch: string | undefined) => ch !== undefined && ch.toLowerCase() !== ch.toUpperCase();
  while (i >= 0 && i < text.length && !isLetter(text[i]) && skipped < 12) {
    if (/\d/.test(text[i] as string)) return "";
    i += dir;
    skipped++;
  }
  const from = i;
  while (i >= 0 && i < text.length && isLetter(text[i])) i += dir;
  return (dir < 0 ? text.slice(i + 1, from + 1) : text.slice(from, i)).toLowerCase();
}
