import { type PiiSpan, spanOf } from "./pii-span.ts";

const CANDIDATE = /\d[\d -]{10,24}\d/g;
const CARD_CONTEXT = /(?:card|visa|mastercard|amex|credit|debit|cc|pan)\b[^\d]{0,30}$/i;

/** Luhn (mod 10) checksum over a string of digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Whether the issuer prefix and length fit a real card network (ISO/IEC 7812 ranges). */
function knownNetwork(d: string): boolean {
  const n = d.length;
  const p2 = Number(d.slice(0, 2));
  const p4 = Number(d.slice(0, 4));
  if (d[0] === "4") return n === 13 || n === 16 || n === 19; // Visa
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return n === 16; // Mastercard
  if (p2 === 34 || p2 === 37) return n === 15; // Amex
  if (p2 === 36 || p2 === 38 || p2 === 39 || (p4 >= 3000 && p4 <= 3059)) return n >= 14 && n <= 19; // Diners
  if (p4 >= 3528 && p4 <= 3589) return n >= 16 && n <= 19; // JCB
  if (p4 === 6011 || p2 === 65 || (p4 >= 6440 && p4 <= 6499)) return n >= 16 && n <= 19; // Discover
  if (p2 === 62 || p2 === 81) return n >= 16 && n <= 19; // UnionPay
  if (p2 === 50 || (p2 >= 56 && p2 <= 69)) return n >= 12 && n <= 19; // Maestro and others
  if (p4 === 1800 || p4 === 2131) return n === 15; // JCB, older ranges
  if (p4 >= 2200 && p4 <= 2204) return n === 16; // Mir
  return false;
}

function isCard(digits: string, labelled: boolean): boolean {
  if (digits.length < 12 || digits.length > 19 || !luhnValid(digits)) return false;
  return (digits.length >= 13 || labelled) && (knownNetwork(digits) || labelled);
}

/**
 * Payment card numbers (PAN): 13–19 digits (12 after a word such as "card"),
 * optionally grouped by spaces or dashes, with a valid Luhn checksum and a
 * known network prefix (any prefix when a card keyword precedes it).
 */
export function detectCards(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  for (const m of text.matchAll(CANDIDATE)) {
    const raw = m[0];
    const before = text[m.index - 1];
    const after = text[m.index + raw.length];
    if ((before && /[\w.-]/.test(before)) || (after && /\w/.test(after))) continue;
    if (after === "." && /\d/.test(text[m.index + raw.length + 1] ?? "")) continue;
    const labelled = CARD_CONTEXT.test(text.slice(Math.max(0, m.index - 40), m.index));
    // One kind of separator, single: "4111 1111 1111 1111" or "4111-1111-…", never "12 - 34".
    const clean = !/[ -]{2}/.test(raw) && !(raw.includes(" ") && raw.includes("-"));
    if (clean && isCard(raw.replace(/[ -]/g, ""), labelled)) {
      spans.push(spanOf(text, "CARD", m.index, m.index + raw.length));
      continue;
    }
    // The run may hold a card next to other numbers: try each unbroken digit group.
    for (const g of raw.matchAll(/\d{12,19}/g)) {
      if (isCard(g[0], labelled))
        spans.push(spanOf(text, "CARD", m.index + g.index, m.index + g.index + g[0].length));
    }
  }
  return spans;
}
