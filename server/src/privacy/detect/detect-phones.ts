import { parsePhoneNumberFromString } from "libphonenumber-js/min";
import { type PiiSpan, spanOf } from "./pii-span.ts";

/**
 * A run of digits with the separators phone numbers use, an optional leading
 * `+`/`00` and an optional extension (`x123`, `ext. 12`).
 */
const CANDIDATE =
  /(?<![\p{L}\p{N}+.,/:-])(?:\+\s?|\(\+?)?\d[\d().\- \u00a0/]{4,22}\d(?:\s?(?:x|ext\.?|extension|#)\s?\d{1,6})?(?![\p{N}]|[.,/-]\d|\p{L})/giu;

const CONTEXT_BEFORE =
  /(?:phone|tel|telephone|mobile|cell|cellphone|fax|call|calling|text|sms|whatsapp|signal|telegram|contact|reach|dial|number|no\.?|nr\.?|#|hotline|landline|ring|tlf|telefon|téléphone|teléfono|telefone|handy|mob|ph|registered|on)\b[^\n\d]{0,24}$/i;
const CONTEXT_AFTER = /^[\s,;:()\-–]{0,4}(?:office|fax|mobile|cell|home|work|phone|tel|ext|direct)\b/i;

const DATE_LIKE = /^(?:\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{1,2}:\d{2})/;

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
    // A lone opening parenthesis, or trailing separators, are not part of the number.
    raw = raw.replace(/[\s.(/-]+$/u, "");
    if (raw.startsWith("(") && !/^\(\+?\d+\)/.test(raw)) {
      raw = raw.slice(1);
      start += 1;
    }
    const core = raw.replace(/\s?(?:x|ext\.?|extension|#)\s?\d{1,6}$/i, "");
    const digits = core.replace(/\D/g, "");
    if (digits.length < 7 || digits.length > 15) continue;
    if (DATE_LIKE.test(core) && !/^\+/.test(core)) continue;
    if (/^\d+\.\d+$/.test(core) || /\d\.\d{1,2}\.\d{1,3}\.\d{1,3}$/.test(core)) continue;
    if (/^\d{3}-\d{2}-\d{4}$/.test(core)) continue; // US SSN shape
    const score = scorePhone(text, start, start + raw.length, core, digits);
    if (score >= 2) spans.push(spanOf(text, "PHONE", start, start + raw.length));
  }
  return spans;
}

function scorePhone(text: string, start: number, end: number, core: string, digits: string): number {
  let score = 0;
  const international = /^(?:\+|\(\+|00[1-9])/.test(core);
  if (international) {
    const normalized = core.startsWith("00") ? `+${core.slice(2)}` : core.replace(/^\(\+/, "+");
    const parsed = parsePhoneNumberFromString(normalized.replace(/\(0\)/, ""));
    if (parsed?.isPossible()) score += 3;
    else score += 1;
  }
  if (/\(\d{1,5}\)/.test(core)) score += 2;
  const groups = core.split(/[^\d]+/).filter(Boolean);
  const separators = new Set(core.replace(/[\d()]/g, "").replace(/\s+/g, " "));
  if (groups.length >= 3 && separators.size <= 2) score += 1;
  if (groups.length >= 2 && groups.every((g) => g.length >= 2 && g.length <= 5)) score += 1;
  if (/^1?\d{3}[-. ]\d{3}[-. ]\d{4}$/.test(core) || /^0\d{2,4}[ -]\d{3,8}(?:[ -]\d{2,4})*$/.test(core))
    score += 1;
  if (groups.length === 1 && digits.length >= 10 && !international) {
    const us = parsePhoneNumberFromString(core, "US");
    if (us?.isValid()) score += 1;
  }
  const before = text.slice(Math.max(0, start - 40), start);
  if (CONTEXT_BEFORE.test(before)) score += 2;
  if (CONTEXT_AFTER.test(text.slice(end, end + 16))) score += 2;
  // Money, percentages, quantities and times read as numbers, not phones.
  if (/[$€£¥₹]\s?$/.test(before) || /^\s?(?:%|€|\$|usd|eur|kg|km|mb|gb|ms)\b/i.test(text.slice(end, end + 5)))
    score -= 3;
  return score;
}
