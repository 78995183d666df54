import { AuthenticationError } from "@masque/shared";
import type { MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import type { Db } from "../db/open-database.ts";
import { findApiKey } from "./api-keys.ts";
import type { Principal } from "./principal.ts";
import { findSession, SESSION_COOKIE } from "./sessions.ts";

export type AuthVariables = { principal: Principal };

const keyReasons = {
  unknown: "Incorrect API key provided. Create one with `pnpm masque keys create`.",
  revoked: "This API key has been revoked.",
  expired: "This API key has expired.",
} as const;

/**
 * Authenticates a caller by `Authorization: Bearer msq_…` (API clients) or by
 * the session cookie (the web app), and puts its principal on the context.
 * A presented key is never logged or echoed back.
 */
export function authenticate(db: Db): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const header = c.req.header("authorization");
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!match?.[1]) throw new AuthenticationError("Send the API key as 'Authorization: Bearer <key>'.");
      const lookup = findApiKey(db, match[1]);
      if (!lookup.ok) {
        const code = lookup.reason === "unknown" ? "invalid_api_key" : `${lookup.reason}_api_key`;
        throw new AuthenticationError(keyReasons[lookup.reason], code);
      }
      c.set("principal", lookup.principal);
      return next();
    }
    const token = getCookie(c, SESSION_COOKIE);
    const session = token ? findSession(db, token) : undefined;
    if (!session) {
      throw new AuthenticationError(
        token
          ? "Your session has expired; sign in again."
          : "You didn't provide an API key. Send it as 'Authorization: Bearer <key>'.",
        token ? "session_expired" : "missing_api_key",
      );
    }
    c.set("principal", session);
    return next();
  };
}
