import validator from "validator";
import { asciiTable } from "./ascii-table.ts";
import { type PiiSpan, spanOf } from "./pii-span.ts";

const LOCAL_CHAR = /[\p{L}\p{N}._%+'-]/u;
const DOMAIN_CHAR = /[\p{L}\p{N}.-]/u;

/** The ASCII codes LOCAL_CHAR and DOMAIN_CHAR accept, to test most characters without a regex. */
const LOCAL_ASCII = asciiTable("._%+'-");
const DOMAIN_ASCII = asciiTable(".-");

function isCharOf(text: string, i: number, ascii: Uint8Array, pattern: RegExp): boolean {
  const c = text.charCodeAt(i);
  return c < 128 ? ascii[c] === 1 : pattern.test(text[i] as string);
}
const SHAPE =
  /^[\p{L}\p{N}][\p{L}\p{N}._%+'-]{0,63}@[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,62}[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,62}[\p{L}\p{N}])?)*\.\p{L}{2,24}$/u;

/**
 * Email addresses, including internationalised ones (RFC 6531): each `@` is
 * grown into the longest local part and domain around it, then checked with
 * `validator.isEmail` so `a@b` or a trailing dot do not count.
 */
export function detectEmails(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  let at = text.indexOf("@");
  let floor = 0;
  while (at >= 0) {
    let start = at;
    while (start > floor && isCharOf(text, start - 1, LOCAL_ASCII, LOCAL_CHAR)) start--;
    let end = at + 1;
    while (end < text.length && isCharOf(text, end, DOMAIN_ASCII, DOMAIN_CHAR)) end++;
    // Local parts do not start with punctuation; a sentence's full stop is not part of the domain.
    while (start < at && /[._%+'-]/.test(text[start] as string)) start++;
    while (end > at + 1 && /[.-]/.test(text[end - 1] as string)) end--;
    const value = text.slice(start, end);
    if (SHAPE.test(value) && validator.isEmail(value, { allow_utf8_local_part: true })) {
      spans.push(spanOf(text, "EMAIL", start, end));
      floor = end;
    }
    at = text.indexOf("@", at + 1);
  }
  return spans;
}
