import { AuthenticationError } from "@masque/shared";
import type { MiddlewareHandler } from "hono";
import type { Db } from "../db/open-database.ts";
import { findApiKey, type KeyPrincipal } from "./api-keys.ts";

export type AuthVariables = { principal: KeyPrincipal };

const reasons = {
  unknown: "Incorrect API key provided. Create one with `pnpm masque keys create`.",
  revoked: "This API key has been revoked.",
  expired: "This API key has expired.",
} as const;

/**
 * Authenticates `Authorization: Bearer msq_…` and puts the key's principal on
 * the context. The presented key is never logged or echoed back.
 */
export function requireApiKey(db: Db): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const header = c.req.header("authorization");
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match?.[1]) {
      throw new AuthenticationError(
        "You didn't provide an API key. Send it as 'Authorization: Bearer <key>'.",
        "missing_api_key",
      );
    }
    const lookup = findApiKey(db, match[1]);
    if (!lookup.ok)
      throw new AuthenticationError(
        reasons[lookup.reason],
        lookup.reason === "unknown" ? "invalid_api_key" : `${lookup.reason}_api_key`,
      );
    c.set("principal", lookup.principal);
    await next();
  };
}
