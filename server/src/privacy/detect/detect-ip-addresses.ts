import { isIPv6 } from "node:net";
import { type PiiSpan, spanOf } from "./pii-span.ts";

const IPV4 =
  /(?<![\w.])(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}(?![\w]|\.\d)/g;
const DIGIT_DOT_DIGIT = /\d\.\d/;

function isIpv6Char(ch: string | undefined): boolean {
  if (ch === undefined) return false;
  const c = ch.charCodeAt(0);
  return (c >= 48 && c <= 58) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102) || c === 46;
}

/**
 * IPv4 addresses (dotted quad, each octet ≤ 255) and IPv6 addresses in any RFC
 * 4291 / 5952 form, validated with `node:net`. Version strings such as
 * `v1.2.3.4` are skipped.
 */
export function detectIpAddresses(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  // A dotted quad holds a digit, a dot and a digit in a row: one quick scan before the costly pattern.
  if (DIGIT_DOT_DIGIT.test(text)) {
    for (const m of text.matchAll(IPV4)) {
      const before = text.slice(Math.max(0, m.index - 9), m.index);
      if (/(?:\bv|version\s?)$/i.test(before)) continue;
      spans.push(spanOf(text, "IP", m.index, m.index + m[0].length));
    }
  }
  let colon = text.indexOf(":");
  while (colon >= 0) {
    // Grow the run of hex digits, colons and dots around each colon, then validate it.
    let start = colon;
    while (start > 0 && isIpv6Char(text[start - 1])) start--;
    let end = colon + 1;
    while (end < text.length && isIpv6Char(text[end])) end++;
    colon = text.indexOf(":", end);
    if (/[\w]/.test(text[start - 1] ?? "") || /[\w]/.test(text[end] ?? "")) continue;
    const value = text.slice(start, end).replace(/\.$/, "");
    // At least three groups: rules out `::`, `a::b` in code and clock times.
    const groups = value.split(":").filter((g) => g !== "");
    if (groups.length < 3 && !(value.includes("::") && groups.join("").length >= 5)) continue;
    if (/^\d{1,2}:\d{2}(?::\d{2})?$/.test(value) || !isIPv6(value)) continue;
    spans.push(spanOf(text, "IP", start, start + value.length));
  }
  return spans;
}
