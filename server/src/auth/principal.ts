import type { RateLimit, TierId } from "@masque/shared";
import { tiers } from "@masque/shared";

/** Who is calling, and how they proved it. Never carries a secret. */
export interface Principal {
  accountId: string;
  tier: TierId;
  via: KeyVia | { kind: "session" };
}

/** A caller that authenticated with an API key, and the key's own restrictions. */
export interface KeyVia {
  kind: "key";
  keyId: string;
  keyType: "inference" | "admin";
  /** `private_only`: only `tee` and `local` models. */
  modelPrivacy: "all" | "private_only";
  /** Micro-USD per day or month; absent when the key has no limit. */
  spendLimit?: { usdMicro: number | null; diemMicro: number | null; period: "day" | "month" };
}

/** Where usage is attributed: the key's id, or `app` for the web app. */
export function usageSource(p: Principal): string {
  return p.via.kind === "key" ? p.via.keyId : "app";
}

/** The rate-limit bucket and limit: per key for the API, per account for the app. */
export function rateLimitBucket(p: Principal): { bucket: string; limit: RateLimit } {
  const limits = tiers[p.tier].rateLimits;
  return p.via.kind === "key"
    ? { bucket: `key:${p.via.keyId}`, limit: limits.api }
    : { bucket: `app:${p.accountId}`, limit: limits.app };
}
