import { asciiTable } from "./ascii-table.ts";
import { type PiiSpan, spanOf } from "./pii-span.ts";

/** Credentials with a recognisable shape: the whole match is the secret. */
const KNOWN_SECRETS: ReadonlyArray<readonly [RegExp, RegExp]> = [
  [/sk-/, /(?<![\w-])sk-(?:ant-|proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}(?![\w-])/g], // OpenAI, Anthropic
  [
    /A[KSGIRNB][A-Z]A|ACCA/,
    /(?<![A-Z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])/g,
  ], // AWS key ids
  [/gh[pousr]_/, /(?<![\w])gh[pousr]_[A-Za-z0-9]{30,255}(?![\w])/g], // GitHub tokens
  [/github_pat_/, /(?<![\w])github_pat_[A-Za-z0-9_]{22,255}(?![\w])/g],
  [/glpat-/, /(?<![\w])glpat-[A-Za-z0-9_-]{20,}(?![\w-])/g], // GitLab
  [/xox/, /(?<![\w])xox[abposre]-[A-Za-z0-9-]{10,}(?![\w-])/g], // Slack
  [/xapp-/, /(?<![\w])xapp-\d-[A-Za-z0-9-]{10,}(?![\w-])/g],
  [/hooks\.slack/, /https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/_-]+/g],
  [/AIza/, /(?<![\w])AIza[0-9A-Za-z_-]{35}(?![\w-])/g], // Google API key
  [/ya29\./, /(?<![\w])ya29\.[0-9A-Za-z_-]{20,}(?![\w-])/g], // Google OAuth token
  [/_(?:live|test)_/, /(?<![\w])(?:sk|rk|pk|whsec)_(?:live|test)_[0-9A-Za-z]{10,}(?![\w])/g], // Stripe
  [/SG\./, /(?<![\w])SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}(?![\w-])/g], // SendGrid
  [/hf_/, /(?<![\w])hf_[A-Za-z0-9]{30,}(?![\w])/g], // Hugging Face
  [/npm_/, /(?<![\w])npm_[A-Za-z0-9]{36}(?![\w])/g], // npm
  [/pypi-|dop_v1_|shp/, /(?<![\w])(?:pypi-|dop_v1_|shpat_|shpss_)[A-Za-z0-9_-]{20,}(?![\w-])/g],
  [/eyJ/, /(?<![\w-])eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{0,}(?![\w-])/g], // JWT
  [
    /PRIVATE KEY/,
    /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|$)/g,
  ],
  [/Bearer|Basic|Token/, /(?<![\w])(?:Bearer|Basic|Token)\s+[A-Za-z0-9._~+/-]{16,}=*(?![\w])/g],
];

/** One scan that says whether any of the shapes above can occur. */
const ANY_KNOWN = new RegExp(KNOWN_SECRETS.map(([hint]) => hint.source).join("|"));

/**
 * `password=…`, `"api_key": "…"`, `db_token: …`: a credential-like key (maybe
 * with a prefix such as `db_` or `aws.`), a separator, then the value.
 */
const KEY_VALUE =
  /(pass(?:word|wd|phrase)?|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|auth(?:orization)?|credentials?|private[_-]?key|client[_-]?secret|session[_-]?id|cookie|signing[_-]?key|encryption[_-]?key|pin)["']?\s*(?::=|=>|[:=])\s*(?:"([^"\n]{1,200})"|'([^'\n]{1,200})'|`([^`\n]{1,200})`|([^\s,;"'`)}\]]{1,200}))/gi;

const PASS_OR_PIN = /pass|pin/i;
const PROSE_PASSWORD =
  /\b(?:my |the |our |new |wifi |wi-fi )?(?:password|passcode|passphrase|pin code|pin)\s+(?:is|was|:)\s+["'`]?([^\s"'`,;]{3,100})/gi;

/** Values that are a type, a variable or a placeholder, not a credential. */
const NOT_A_SECRET =
  /^(?:string|str|number|int|integer|bool|boolean|any|unknown|object|none|null|nil|undefined|true|false|required|optional|env|process\.env\.\w+|os\.environ.*|\$\{?[\w.]+\}?|\{\{.*\}\}|<[^>]*>|\*+|x+|\.\.\.|…|redacted|hidden|secret|password|bearer|basic|digest|token|\[[A-Z_]+_\d+\])$/i;

const HIGH_ENTROPY = /(?:^|[^A-Za-z0-9+/_-])([A-Za-z0-9+/_-]{24,}={0,2})(?![A-Za-z0-9+/_-])/g;

/** `TOKEN_CHAR[c]` is 1 for the ASCII codes a HIGH_ENTROPY run is made of. */
const TOKEN_CHAR = asciiTable("+/_-");

/** Whether 24 token characters occur in a row: without such a run HIGH_ENTROPY cannot match, and prose has none. */
function hasLongRun(text: string): boolean {
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 128 && TOKEN_CHAR[c] === 1) {
      if (++run >= 24) return true;
    } else run = 0;
  }
  return false;
}

/**
 * Secrets and credentials: provider API keys (`sk-…`, `AKIA…`, `ghp_…`,
 * `xox…-`, …), JWTs, PEM private keys, bearer tokens, the value of a
 * credential-like key (`password=…`, `"api_key": "…"`), and stand-alone tokens
 * whose character mix and Shannon entropy say they are random.
 */
export function detectSecrets(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  const anyKnown = ANY_KNOWN.test(text);
  for (const [hint, pattern] of KNOWN_SECRETS) {
    if (!anyKnown || !hint.test(text)) continue;
    for (const m of text.matchAll(pattern))
      spans.push(spanOf(text, "SECRET", m.index, m.index + m[0].length));
  }
  const separated = text.includes(":") || text.includes("=");
  for (const m of separated ? text.matchAll(KEY_VALUE) : []) {
    // The key word must start the key or follow a separator: `db_password`, not `bypassword`.
    if (/[\p{L}\p{N}]/u.test(text[m.index - 1] ?? "")) continue;
    const value = m[2] ?? m[3] ?? m[4] ?? m[5] ?? "";
    if (!value.trim() || NOT_A_SECRET.test(value.trim())) continue;
    // Code such as `password = getPassword()` or `token = this.token` names a value, it is not one.
    if (m[5] !== undefined && (/[()]/.test(value) || /^[a-z_$][\w$]*(?:\.[\w$]+)+$/i.test(value))) continue;
    if (/^(?:auth|cookie|pin)$/i.test(m[1] ?? "") && value.length < 4) continue;
    const start = m.index + m[0].length - value.length - (m[5] === undefined ? 1 : 0);
    spans.push(spanOf(text, "SECRET", start, start + value.length));
  }
  // Every word PROSE_PASSWORD looks for starts with "pass" or "pin".
  for (const m of PASS_OR_PIN.test(text) ? text.matchAll(PROSE_PASSWORD) : []) {
    const value = m[1] ?? "";
    if (
      NOT_A_SECRET.test(value) ||
      /^(?:the|a|an|not|same|correct|wrong|too|very|still|set|required)$/i.test(value)
    )
      continue;
    const start = m.index + m[0].length - value.length;
    spans.push(spanOf(text, "SECRET", start, start + value.length));
  }
  for (const m of hasLongRun(text) ? text.matchAll(HIGH_ENTROPY) : []) {
    const run = m[1] ?? "";
    const runStart = m.index + m[0].length - run.length;
    if (text.slice(Math.max(0, runStart - 7), runStart) === "base64,") continue;
    const token = run.replace(/^[/+-]+/, "");
    const start = runStart + run.length - token.length;
    if (looksRandom(token.replace(/=+$/, "")))
      spans.push(spanOf(text, "SECRET", start, start + token.length));
  }
  return spans;
}

/**
 * A token reads as random when it mixes upper case, lower case and digits and
 * its Shannon entropy is high for its length; identifiers (`getUserById`),
 * paths and hex hashes (git SHAs, checksums) do not.
 */
function looksRandom(token: string): boolean {
  let upper = 0;
  let lower = 0;
  let digits = 0;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c >= 65 && c <= 90) upper++;
    else if (c >= 97 && c <= 122) lower++;
    else if (c >= 48 && c <= 57) digits++;
  }
  if (upper === 0 || lower === 0 || digits < 2) return false;
  // Paths and identifiers (`src/components/Button2`, `getUserById42`) are not random.
  if (digits < 3 && /^[A-Za-z_/.-]+\d*$/.test(token)) return false;
  return shannonEntropy(token) >= Math.min(4.2, Math.log2(token.length) - 0.6);
}

function shannonEntropy(s: string): number {
  const counts = new Uint16Array(128);
  for (let i = 0; i < s.length; i++) counts[s.charCodeAt(i) & 127] = (counts[s.charCodeAt(i) & 127] ?? 0) + 1;
  let h = 0;
  for (const c of counts) {
    if (c === 0) continue;
    const p = c / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}
