import validator from "validator";
import { type PiiSpan, spanOf } from "./pii-span.ts";

const EMAIL =
  /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}][\p{L}\p{N}._%+'-]{0,63}@[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,62}[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,62}[\p{L}\p{N}])?)*\.\p{L}{2,24}(?![\p{L}\p{N}-])/gu;

/**
 * Email addresses, including internationalised ones (RFC 6531), checked with
 * `validator.isEmail` so `a@b` or a trailing dot do not count.
 */
export function detectEmails(text: string): PiiSpan[] {
  if (!text.includes("@")) return [];
  const spans: PiiSpan[] = [];
  for (const m of text.matchAll(EMAIL)) {
    const value = m[0];
    if (validator.isEmail(value, { allow_utf8_local_part: true })) {
      spans.push(spanOf(text, "EMAIL", m.index, m.index + value.length));
    }
  }
  return spans;
}
