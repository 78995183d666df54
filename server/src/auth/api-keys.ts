import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { TierId } from "@masque/shared";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { effectiveTier } from "../billing/effective-tier.ts";
import type { Db } from "../db/open-database.ts";
import { preparedFor } from "../db/prepared-for.ts";
import { accounts, apiKeys } from "../db/schema.ts";
import type { KeyVia, Principal } from "./principal.ts";

const KEY_PREFIX = "msq_";
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** A fresh random id such as `acct_3fZ…` (128 bits). */
export function newId(prefix: string): string {
  return `${prefix}_${toBase62(randomBytes(16))}`;
}

function toBase62(bytes: Uint8Array): string {
  let n = BigInt(`0x${Buffer.from(bytes).toString("hex")}`);
  let out = "";
  while (n > 0n) {
    out = BASE62[Number(n % 62n)] + out;
    n /= 62n;
  }
  return out.padStart(Math.ceil((bytes.length * 8) / Math.log2(62)), "0");
}

/** SHA-256 of a key, hex: what the store keeps instead of the key. */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** A new secret key: `msq_` + 256 random bits in base62. */
export function generateApiKey(): string {
  return KEY_PREFIX + toBase62(randomBytes(32));
}

export interface CreateApiKeyOptions {
  /** Attach to this account; a new account is created when absent. */
  accountId?: string;
  tier?: TierId;
  label?: string;
  type?: "inference" | "admin";
  expiresAt?: Date;
  modelPrivacy?: "all" | "private_only";
  spendLimit?: { usdMicro: number | null; diemMicro: number | null; period: "day" | "month" };
}

export interface CreateApiKeyResult {
  id: string;
  accountId: string;
  /** The secret: shown once, never stored. */
  key: string;
}

/** Creates an API key (and its account when none is given). */
export function createApiKey(db: Db, options: CreateApiKeyOptions = {}): CreateApiKeyResult {
  const key = generateApiKey();
  const id = newId("key");
  return db.transaction(
    (tx) => {
      let accountId = options.accountId;
      if (accountId === undefined) {
        accountId = newId("acct");
        tx.insert(accounts)
          .values({ id: accountId, tier: options.tier ?? "free" })
          .run();
      } else if (options.tier !== undefined) {
        tx.update(accounts).set({ tier: options.tier }).where(eq(accounts.id, accountId)).run();
      }
      tx.insert(apiKeys)
        .values({
          id,
          accountId,
          keyHash: hashApiKey(key),
          displayPrefix: `${key.slice(0, KEY_PREFIX.length + 6)}…`,
          type: options.type ?? "inference",
          label: options.label ?? null,
          expiresAt: options.expiresAt ?? null,
          modelPrivacy: options.modelPrivacy ?? "all",
          spendLimitUsdMicro: options.spendLimit?.usdMicro ?? null,
          spendLimitDiemMicro: options.spendLimit?.diemMicro ?? null,
          spendLimitPeriod: options.spendLimit?.period ?? null,
        })
        .run();
      return { id, accountId, key };
    },
    { behavior: "immediate" },
  );
}

const statements = preparedFor((db) => ({
  keyByHash: db
    .select({
      id: apiKeys.id,
      keyHash: apiKeys.keyHash,
      accountId: apiKeys.accountId,
      type: apiKeys.type,
      expiresAt: apiKeys.expiresAt,
      revokedAt: apiKeys.revokedAt,
      modelPrivacy: apiKeys.modelPrivacy,
      spendLimitUsdMicro: apiKeys.spendLimitUsdMicro,
      spendLimitDiemMicro: apiKeys.spendLimitDiemMicro,
      spendLimitPeriod: apiKeys.spendLimitPeriod,
      tier: accounts.tier,
      paidUntil: accounts.paidUntil,
    })
    .from(apiKeys)
    .innerJoin(accounts, eq(accounts.id, apiKeys.accountId))
    .where(eq(apiKeys.keyHash, sql.placeholder("hash")))
    .prepare(),
}));

export type KeyLookup =
  | { ok: true; principal: Principal }
  | { ok: false; reason: "unknown" | "revoked" | "expired" };

/**
 * Finds the key a caller presented. The lookup goes by hash, so the secret is
 * never compared directly; the stored hash is then checked in constant time.
 */
export function findApiKey(db: Db, presented: string, now = new Date()): KeyLookup {
  const hash = hashApiKey(presented);
  const row = statements(db).keyByHash.get({ hash });
  if (!row || !timingSafeEqual(Buffer.from(row.keyHash, "hex"), Buffer.from(hash, "hex"))) {
    return { ok: false, reason: "unknown" };
  }
  if (row.revokedAt) return { ok: false, reason: "revoked" };
  if (row.expiresAt && row.expiresAt <= now) return { ok: false, reason: "expired" };
  const via: KeyVia = { kind: "key", keyId: row.id, keyType: row.type, modelPrivacy: row.modelPrivacy };
  if (row.spendLimitPeriod) {
    via.spendLimit = {
      usdMicro: row.spendLimitUsdMicro,
      diemMicro: row.spendLimitDiemMicro,
      period: row.spendLimitPeriod,
    };
  }
  return {
    ok: true,
    principal: { accountId: row.accountId, tier: effectiveTier(row.tier, row.paidUntil, now), via },
  };
}

/** Lists keys without their secrets, newest first: one account's, or all (the operator's CLI). */
export function listApiKeys(db: Db, accountId?: string) {
  return db
    .select({
      id: apiKeys.id,
      accountId: apiKeys.accountId,
      displayPrefix: apiKeys.displayPrefix,
      type: apiKeys.type,
      label: apiKeys.label,
      tier: accounts.tier,
      modelPrivacy: apiKeys.modelPrivacy,
      spendLimitUsdMicro: apiKeys.spendLimitUsdMicro,
      spendLimitDiemMicro: apiKeys.spendLimitDiemMicro,
      spendLimitPeriod: apiKeys.spendLimitPeriod,
      createdAt: apiKeys.createdAt,
      expiresAt: apiKeys.expiresAt,
      revokedAt: apiKeys.revokedAt,
    })
    .from(apiKeys)
    .innerJoin(accounts, eq(accounts.id, apiKeys.accountId))
    .where(accountId === undefined ? undefined : eq(apiKeys.accountId, accountId))
    .orderBy(desc(apiKeys.createdAt))
    .all();
}

/** Revokes a key (of one account, when given); returns false when no such live key exists. */
export function revokeApiKey(db: Db, id: string, accountId?: string, now = new Date()): boolean {
  const result = db
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(
      and(
        eq(apiKeys.id, id),
        isNull(apiKeys.revokedAt),
        accountId === undefined ? undefined : eq(apiKeys.accountId, accountId),
      ),
    )
    .run();
  return result.changes > 0;
}
