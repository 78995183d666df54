import { eq } from "drizzle-orm";
import { type Context, Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Hex, PublicClient } from "viem";
import { z } from "zod";
import {
  accountForDeviceSecret,
  createSession,
  deleteSession,
  findSession,
  SESSION_COOKIE,
} from "../auth/sessions.ts";
import { accountForWallet, issueSiweNonce, verifySiwe } from "../auth/siwe.ts";
import type { Db } from "../db/open-database.ts";
import { accounts } from "../db/schema.ts";
import { parseJsonBody } from "../http/parse-json-body.ts";

const anonymousSchema = z.strictObject({
  /** A random secret the browser generated and keeps; at least 128 bits as base64url or hex. */
  deviceSecret: z.string().regex(/^[A-Za-z0-9_-]{22,256}$/, "must be 22–256 base64url characters"),
});

const siweVerifySchema = z.strictObject({
  message: z.string().min(1).max(4096),
  signature: z.string().regex(/^0x[0-9a-fA-F]+$/, "must be 0x-prefixed hex"),
  /** Link the wallet to the anonymous account signed in now, instead of signing into the wallet's own. */
  link: z.boolean().default(false),
});

export interface SiweSettings {
  publicUrl: string;
  chainId: number;
  client?: PublicClient;
}

/** Sets the session cookie for an account. */
function startSession(c: Context, db: Db, accountId: string): void {
  const session = createSession(db, accountId);
  setCookie(c, SESSION_COOKIE, session.token, {
    httpOnly: true,
    sameSite: "Strict",
    secure: new URL(c.req.url).protocol === "https:",
    path: "/",
    expires: session.expiresAt,
  });
}

/** `/api/auth/*`: anonymous accounts, Sign-In with Ethereum, logout. */
export function authRoute(db: Db, siwe: SiweSettings) {
  return new Hono()
    .post("/siwe/nonce", (c) => {
      const { nonce, expiresAt } = issueSiweNonce(db);
      return c.json({
        nonce,
        expires_at: expiresAt.toISOString(),
        domain: new URL(siwe.publicUrl).host,
        chain_id: siwe.chainId,
      });
    })
    .post("/siwe/verify", async (c) => {
      const body = await parseJsonBody(c, siweVerifySchema);
      const address = await verifySiwe(db, {
        ...siwe,
        message: body.message,
        signature: body.signature as Hex,
      });
      const token = getCookie(c, SESSION_COOKIE);
      const current = body.link && token ? findSession(db, token) : undefined;
      const accountId = accountForWallet(db, address, current && { accountId: current.accountId });
      startSession(c, db, accountId);
      const account = db.select().from(accounts).where(eq(accounts.id, accountId)).get();
      return c.json({
        account: {
          id: accountId,
          tier: account?.tier ?? "free",
          wallet_address: account?.walletAddress ?? null,
        },
      });
    })
    .post("/anonymous", async (c) => {
      const { deviceSecret } = await parseJsonBody(c, anonymousSchema);
      const { accountId, created } = accountForDeviceSecret(db, deviceSecret);
      startSession(c, db, accountId);
      const account = db
        .select({ tier: accounts.tier })
        .from(accounts)
        .where(eq(accounts.id, accountId))
        .get();
      return c.json(
        { account: { id: accountId, tier: account?.tier ?? "free" }, created },
        created ? 201 : 200,
      );
    })
    .get("/session", (c) => {
      // Read-only: which account the cookie belongs to (null when none), without starting a session.
      const token = getCookie(c, SESSION_COOKIE);
      const principal = token ? findSession(db, token) : undefined;
      if (!principal) return c.json({ account: null });
      const account = db.select().from(accounts).where(eq(accounts.id, principal.accountId)).get();
      return c.json({
        account: {
          id: principal.accountId,
          tier: principal.tier,
          wallet_address: account?.walletAddress ?? null,
        },
      });
    })
    .post("/logout", (c) => {
      const token = getCookie(c, SESSION_COOKIE);
      if (token) deleteSession(db, token);
      deleteCookie(c, SESSION_COOKIE, { path: "/" });
      return c.body(null, 204);
    });
}
