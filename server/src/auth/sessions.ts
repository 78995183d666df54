import { createHash, randomBytes } from "node:crypto";
import { and, eq, gt, sql } from "drizzle-orm";
import { effectiveTier } from "../billing/effective-tier.ts";
import type { Db } from "../db/open-database.ts";
import { preparedFor } from "../db/prepared-for.ts";
import { accounts, sessions } from "../db/schema.ts";
import { newId } from "./api-keys.ts";
import type { Principal } from "./principal.ts";

export const SESSION_COOKIE = "masque_session";
export const SESSION_TTL_MS = 30 * 86_400_000;

const sha256 = (value: string) => createHash("sha256").update(value, "utf8").digest("hex");

/**
 * The account of an anonymous browser, created on first sight. The server
 * learns only the SHA-256 of the device secret, which the browser made up.
 */
export function accountForDeviceSecret(
  db: Db,
  deviceSecret: string,
): { accountId: string; created: boolean } {
  const hash = sha256(deviceSecret);
  return db.transaction(
    (tx) => {
      const existing = tx
        .select({ id: accounts.id })
        .from(accounts)
        .where(eq(accounts.deviceSecretHash, hash))
        .get();
      if (existing) return { accountId: existing.id, created: false };
      const accountId = newId("acct");
      tx.insert(accounts).values({ id: accountId, deviceSecretHash: hash }).run();
      return { accountId, created: true };
    },
    { behavior: "immediate" },
  );
}

/** Starts a session; returns the cookie token, which is stored only as a hash. */
export function createSession(
  db: Db,
  accountId: string,
  now = new Date(),
): { token: string; expiresAt: Date } {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  db.insert(sessions)
    .values({ tokenHash: sha256(token), accountId, expiresAt })
    .run();
  return { token, expiresAt };
}

const statements = preparedFor((db) => ({
  liveSession: db
    .select({ accountId: sessions.accountId, tier: accounts.tier, paidUntil: accounts.paidUntil })
    .from(sessions)
    .innerJoin(accounts, eq(accounts.id, sessions.accountId))
    // A where clause binds the driver's value: milliseconds.
    .where(
      and(
        eq(sessions.tokenHash, sql.placeholder("tokenHash")),
        gt(sessions.expiresAt, sql.placeholder("nowMs")),
      ),
    )
    .prepare(),
}));

/** The principal behind a live session token, if any. */
export function findSession(db: Db, token: string, now = new Date()): Principal | undefined {
  const row = statements(db).liveSession.get({ tokenHash: sha256(token), nowMs: now.getTime() });
  return (
    row && {
      accountId: row.accountId,
      tier: effectiveTier(row.tier, row.paidUntil, now),
      via: { kind: "session" },
    }
  );
}

/** Ends a session. */
export function deleteSession(db: Db, token: string): void {
  db.delete(sessions)
    .where(eq(sessions.tokenHash, sha256(token)))
    .run();
}
