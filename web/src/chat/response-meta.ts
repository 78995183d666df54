/** What the gateway says about an answer in its response headers. */
export interface ResponseMeta {
  /** `x-masque-privacy`: `local`, `anonymized` or `tee-verified`. */
  privacy?: string;
  /** `x-masque-redactions`: how many of each kind of personal data were redacted. */
  redactions?: Record<string, number>;
  /** `x-ratelimit-remaining-*` and their limits. */
  rateLimit?: { remainingRequests?: number; limitRequests?: number; remainingTokens?: number };
  /** Any `x-masque-cost*`, `x-masque-balance*` or `x-masque-credit*` header, as sent. */
  billing?: Record<string, string>;
  /** `x-masque-signature`: `verified` when the gateway checked the TEE's signature over this answer. */
  signature?: string;
  /** `x-masque-signing-address`: the key the answer was signed with. */
  signingAddress?: string;
  /** The answer's `id` (from its body): TEE answers' signatures are looked up by it. */
  completionId?: string;
}

const num = (value: string | null): number | undefined =>
  value !== null && value.trim() !== "" && Number.isFinite(Number(value)) ? Number(value) : undefined;

/** Reads the Masque and rate-limit headers of a chat response; unknown or malformed ones are skipped. */
export function parseResponseMeta(headers: Headers): ResponseMeta {
  const meta: ResponseMeta = {};
  const privacy = headers.get("x-masque-privacy");
  if (privacy) meta.privacy = privacy;
  const redactions = parseRedactions(headers.get("x-masque-redactions"));
  if (redactions) meta.redactions = redactions;
  const rateLimit = {
    remainingRequests: num(headers.get("x-ratelimit-remaining-requests")),
    limitRequests: num(headers.get("x-ratelimit-limit-requests")),
    remainingTokens: num(headers.get("x-ratelimit-remaining-tokens")),
  };
  if (Object.values(rateLimit).some((v) => v !== undefined)) meta.rateLimit = rateLimit;
  const signature = headers.get("x-masque-signature");
  if (signature) meta.signature = signature;
  const signingAddress = headers.get("x-masque-signing-address");
  if (signingAddress) meta.signingAddress = signingAddress;
  const billing: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (/^x-masque-(cost|balance|credit|diem)/.test(name)) billing[name] = value;
  });
  if (Object.keys(billing).length > 0) meta.billing = billing;
  return meta;
}

/** `{"email":2,"phone":1}` → counts; anything else → undefined. */
export function parseRedactions(value: string | null): Record<string, number> | undefined {
  if (!value) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return undefined;
    const counts: Record<string, number> = {};
    for (const [kind, count] of Object.entries(parsed)) {
      if (typeof count === "number" && Number.isFinite(count) && count > 0) counts[kind] = count;
    }
    return counts;
  } catch {
    return undefined;
  }
}

/** "2 emails, 1 phone" style summary of redaction counts. */
export function describeRedactions(counts: Record<string, number>): string {
  const parts = Object.entries(counts).map(([kind, n]) => `${n} ${kind.replaceAll("_", " ")}`);
  return parts.length === 0 ? "nothing needed redacting" : parts.join(", ");
}

const BILLING_LABELS: Record<string, string> = {
  "x-masque-balance-usd": "Balance",
  "x-masque-balance-diem": "DIEM credit today",
  "x-masque-cost-usd": "Cost",
};

/** A billing header as text: `x-masque-balance-usd: 4.2` → "Balance $4.20"; unknown ones by their name. */
export function billingText(header: string, value: string): string {
  const label = BILLING_LABELS[header];
  const usd = Number(value);
  // Every one of them is an amount in US dollars (DIEM credit is counted in USD too).
  if (label && value.trim() !== "" && Number.isFinite(usd)) {
    return `${label} $${usd < 0.01 && usd > 0 ? usd.toPrecision(2) : usd.toFixed(2)}`;
  }
  return `${header.replace(/^x-masque-/, "").replaceAll("-", " ")}: ${value}`;
}
