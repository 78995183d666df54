import { isIPv6 } from "node:net";
import { type PiiSpan, spanOf } from "./pii-span.ts";

const IPV4 =
  /(?<![\w.])(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}(?![\w]|\.\d)/g;
const IPV6 = /(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{0,4}|(?:\d{1,3}\.){3}\d{1,3})(?![\w:])/g;

/**
 * IPv4 addresses (dotted quad, each octet ≤ 255) and IPv6 addresses in any RFC
 * 4291 / 5952 form, validated with `node:net`. Version strings such as
 * `v1.2.3.4` are skipped.
 */
export function detectIpAddresses(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  if (text.includes(".")) {
    for (const m of text.matchAll(IPV4)) {
      const before = text.slice(Math.max(0, m.index - 9), m.index);
      if (/(?:\bv|version\s?)$/i.test(before)) continue;
      spans.push(spanOf(text, "IP", m.index, m.index + m[0].length));
    }
  }
  if (text.includes(":")) {
    for (const m of text.matchAll(IPV6)) {
      const value = m[0];
      // At least three groups with digits: rules out `::`, `a::b` in code and clock times.
      const groups = value.split(":").filter((g) => g !== "");
      if (groups.length < 3 || !isIPv6(value)) continue;
      if (/^\d{1,2}:\d{2}(?::\d{2})?$/.test(value)) continue;
      spans.push(spanOf(text, "IP", m.index, m.index + value.length));
    }
  }
  return spans;
}
