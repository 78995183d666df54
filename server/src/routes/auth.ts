import { eq } from "drizzle-orm";
import { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { z } from "zod";
import { accountForDeviceSecret, createSession, deleteSession, SESSION_COOKIE } from "../auth/sessions.ts";
import type { Db } from "../db/open-database.ts";
import { accounts } from "../db/schema.ts";
import { parseJsonBody } from "../http/parse-json-body.ts";

const anonymousSchema = z.strictObject({
  /** A random secret the browser generated and keeps; at least 128 bits as base64url or hex. */
  deviceSecret: z.string().regex(/^[A-Za-z0-9_-]{22,256}$/, "must be 22–256 base64url characters"),
});

/** `POST /api/auth/anonymous` and `POST /api/auth/logout`. */
export function authRoute(db: Db) {
  return new Hono()
    .post("/anonymous", async (c) => {
      const { deviceSecret } = await parseJsonBody(c, anonymousSchema);
      const { accountId, created } = accountForDeviceSecret(db, deviceSecret);
      const session = createSession(db, accountId);
      setCookie(c, SESSION_COOKIE, session.token, {
        httpOnly: true,
        sameSite: "Strict",
        secure: new URL(c.req.url).protocol === "https:",
        path: "/",
        expires: session.expiresAt,
      });
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
    .post("/logout", (c) => {
      const token = getCookie(c, SESSION_COOKIE);
      if (token) deleteSession(db, token);
      deleteCookie(c, SESSION_COOKIE, { path: "/" });
      return c.body(null, 204);
    });
}
