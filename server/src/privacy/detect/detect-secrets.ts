import { type PiiSpan, spanOf } from "./pii-span.ts";

/** Credentials with a recognisable shape: the whole match is the secret. */
const KNOWN_SECRETS: readonly RegExp[] = [
  /(?<![\w-])sk-(?:ant-|proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}(?![\w-])/g, // OpenAI, Anthropic
  /(?<![A-Z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])/g, // AWS key ids
  /(?<![\w])gh[pousr]_[A-Za-z0-9]{30,255}(?![\w])/g, // GitHub tokens
  /(?<![\w])github_pat_[A-Za-z0-9_]{22,255}(?![\w])/g,
  /(?<![\w])glpat-[A-Za-z0-9_-]{20,}(?![\w-])/g, // GitLab
  /(?<![\w])xox[abposre]-[A-Za-z0-9-]{10,}(?![\w-])/g, // Slack
  /(?<![\w])xapp-\d-[A-Za-z0-9-]{10,}(?![\w-])/g,
  /https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/_-]+/g,
  /(?<![\w])AIza[0-9A-Za-z_-]{35}(?![\w-])/g, // Google API key
  /(?<![\w])ya29\.[0-9A-Za-z_-]{20,}(?![\w-])/g, // Google OAuth token
  /(?<![\w])(?:sk|rk|pk|whsec)_(?:live|test)_[0-9A-Za-z]{10,}(?![\w])/g, // Stripe
  /(?<![\w])SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}(?![\w-])/g, // SendGrid
  /(?<![\w])hf_[A-Za-z0-9]{30,}(?![\w])/g, // Hugging Face
  /(?<![\w])npm_[A-Za-z0-9]{36}(?![\w])/g, // npm
  /(?<![\w])(?:pypi-|dop_v1_|shpat_|shpss_)[A-Za-z0-9_-]{20,}(?![\w-])/g,
  /(?<![\w-])eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{0,}(?![\w-])/g, // JWT
  /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|$)/g,
  /(?<![\w])(?:Bearer|Basic|Token)\s+[A-Za-z0-9._~+/-]{16,}=*(?![\w])/g,
];

/** `password=…`, `"api_key": "…"`, `token: …`: the value after a credential-like key. */
const KEY_VALUE =
  /(?<![\w])["']?((?:[\w.-]*?[_.-])?(?:pass(?:word|wd|phrase)?|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|auth|authorization|credentials?|private[_-]?key|client[_-]?secret|session[_-]?id|cookie|signing[_-]?key|encryption[_-]?key|pin))["']?\s*(?::=|=>|[:=])\s*(?:"([^"\n]{1,200})"|'([^'\n]{1,200})'|`([^`\n]{1,200})`|([^\s,;"'`)}\]]{1,200}))/gi;

const PROSE_PASSWORD =
  /\b(?:my |the |our |new |wifi |wi-fi )?(?:password|passcode|passphrase|pin code|pin)\s+(?:is|was|:)\s+["'`]?([^\s"'`,;]{3,100})/gi;

/** Values that are a type, a variable or a placeholder, not a credential. */
const NOT_A_SECRET =
  /^(?:string|str|number|int|integer|bool|boolean|any|unknown|object|none|null|nil|undefined|true|false|required|optional|env|process\.env\.\w+|os\.environ.*|\$\{?[\w.]+\}?|\{\{.*\}\}|<[^>]*>|\*+|x+|\.\.\.|…|redacted|hidden|secret|password|bearer|basic|digest|token|\[[A-Z_]+_\d+\])$/i;

const HIGH_ENTROPY = /(?<![\w+/=-])[A-Za-z0-9+/_-]{24,}={0,2}(?![\w+/=-])/g;

/**
 * Secrets and credentials: provider API keys (`sk-…`, `AKIA…`, `ghp_…`,
 * `xox…-`, …), JWTs, PEM private keys, bearer tokens, the value of a
 * credential-like key (`password=…`, `"api_key": "…"`), and stand-alone tokens
 * whose character mix and Shannon entropy say they are random.
 */
export function detectSecrets(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  for (const pattern of KNOWN_SECRETS) {
    for (const m of text.matchAll(pattern))
      spans.push(spanOf(text, "SECRET", m.index, m.index + m[0].length));
  }
  for (const m of text.matchAll(KEY_VALUE)) {
    const value = m[2] ?? m[3] ?? m[4] ?? m[5] ?? "";
    if (!value.trim() || NOT_A_SECRET.test(value.trim())) continue;
    // Code such as `password = getPassword()` or `token = this.token` names a value, it is not one.
    if (m[5] !== undefined && (/[()]/.test(value) || /^[a-z_$][\w$]*(?:\.[\w$]+)+$/i.test(value))) continue;
    if (/^(?:auth|cookie|pin)$/i.test(m[1] ?? "") && value.length < 4) continue;
    const start = m.index + m[0].length - value.length - (m[5] === undefined ? 1 : 0);
    spans.push(spanOf(text, "SECRET", start, start + value.length));
  }
  for (const m of text.matchAll(PROSE_PASSWORD)) {
    const value = m[1] ?? "";
    if (
      NOT_A_SECRET.test(value) ||
      /^(?:the|a|an|not|same|correct|wrong|too|very|still|set|required)$/i.test(value)
    )
      continue;
    const start = m.index + m[0].length - value.length;
    spans.push(spanOf(text, "SECRET", start, start + value.length));
  }
  for (const m of text.matchAll(HIGH_ENTROPY)) {
    if (text.slice(Math.max(0, m.index - 7), m.index) === "base64,") continue;
    if (looksRandom(m[0])) spans.push(spanOf(text, "SECRET", m.index, m.index + m[0].length));
  }
  return spans;
}

/**
 * A token reads as random when it mixes upper case, lower case and digits and
 * its Shannon entropy is high for its length; identifiers (`getUserById`),
 * paths and hex hashes (git SHAs, checksums) do not.
 */
function looksRandom(token: string): boolean {
  if (token.includes("/") && /^[\w-]+(?:\/[\w.-]+)+$/.test(token) && !/\d[A-Za-z]|[A-Za-z]\d/.test(token)) {
    return false;
  }
  const upper = /[A-Z]/.test(token);
  const lower = /[a-z]/.test(token);
  const digit = /\d/.test(token);
  if (!(upper && lower && digit)) return false;
  // camelCase / snake_case identifiers switch case only at word starts.
  if (/^[A-Za-z]+(?:[_-]?[A-Za-z]+)*\d*$/.test(token) && (token.match(/\d/g)?.length ?? 0) < 3) return false;
  const digitCount = token.match(/\d/g)?.length ?? 0;
  if (digitCount < 2) return false;
  return shannonEntropy(token) >= Math.min(4.2, Math.log2(token.length) - 0.6);
}

function shannonEntropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const c of counts.values()) {
    const p = c / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}
