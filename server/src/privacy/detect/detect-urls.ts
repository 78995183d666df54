import { type PiiSpan, spanOf } from "./pii-span.ts";

const URL_PATTERN = /[a-z][a-z0-9+.-]{1,20}:\/\/[^\s<>"'`{}|\\^]+/giy;

/** Query parameters whose value is a credential or a capability. */
const SENSITIVE_PARAM =
  /[?&#;](?:access_token|refresh_token|id_token|token|auth|authorization|api_?key|apikey|key|secret|client_secret|password|passwd|pwd|pass|sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token|x-goog-signature|x-goog-credential|se?ssion(?:_?id)?|sid|jwt|code|otp|ticket|hash|credential|private_token|invite|reset)=[^&#\s]{4,}/i;

/**
 * URLs that carry credentials: a password in the user-info part
 * (`postgres://user:pass@host`, RFC 3986 §3.2.1) or a token, key or signature
 * in the query or fragment (presigned links, `?access_token=…`). Plain links are
 * not personal data and stay.
 */
export function detectUrls(text: string): PiiSpan[] {
  if (!text.includes("://")) return [];
  const spans: PiiSpan[] = [];
  let sep = text.indexOf("://");
  while (sep >= 0) {
    let start = sep;
    while (start > 0 && /[A-Za-z0-9+.-]/.test(text[start - 1] as string)) start--;
    URL_PATTERN.lastIndex = start;
    const m = URL_PATTERN.exec(text);
    sep = text.indexOf("://", sep + 3);
    if (!m || m.index !== start) continue;
    // Sentence punctuation after a link is not part of it.
    const value = m[0].replace(/[.,;:!?)\]]+$/, "");
    const authority = /^[^:]+:\/\/([^/?#]*)/.exec(value)?.[1] ?? "";
    const hasCredentials =
      /^[^@]*:[^@]+@/.test(authority) || (authority.includes("@") && /token|key/i.test(authority));
    if (hasCredentials || SENSITIVE_PARAM.test(value)) {
      spans.push(spanOf(text, "URL", start, start + value.length));
    }
  }
  return spans;
}
