import { MasqueError } from "@masque/shared";
import type { MiddlewareHandler } from "hono";

/** Headers a cross-origin page may read: Masque's own and OpenAI's rate-limit ones. */
const EXPOSED = [
  "x-request-id",
  "x-masque-privacy",
  "x-masque-cost-usd",
  "x-masque-balance-usd",
  "x-masque-balance-diem",
  "x-masque-redactions",
  "x-masque-signing-address",
  "x-masque-signature",
  "x-ratelimit-limit-requests",
  "x-ratelimit-remaining-requests",
  "x-ratelimit-reset-requests",
  "x-ratelimit-limit-tokens",
  "x-ratelimit-remaining-tokens",
  "x-ratelimit-reset-tokens",
  "retry-after",
].join(", ");

/**
 * Cross-origin access for the web app's own origin only, with credentials
 * (its session cookie). Every other origin gets no CORS headers, so a browser
 * never lets another site read an answer, and its preflights are refused in
 * OpenAI's error shape. The session cookie is SameSite=Strict and every body
 * must be `application/json` (which a cross-site form or simple request cannot
 * send), so cookie-authenticated writes are not reachable cross-site either.
 * @see https://fetch.spec.whatwg.org/#http-cors-protocol
 */
export function corsForAppOrigin(appOrigin: string): MiddlewareHandler {
  const allowed = new URL(appOrigin).origin;
  return async (c, next) => {
    const origin = c.req.header("origin");
    const preflight =
      c.req.method === "OPTIONS" && c.req.header("access-control-request-method") !== undefined;
    if (preflight) {
      if (origin !== allowed) {
        const error = new MasqueError(
          "cross_origin_forbidden",
          403,
          "permission_error",
          "Cross-origin requests are allowed from Masque's own web app only.",
        );
        return c.json(error.toJSON(), 403, { vary: "Origin" });
      }
      return c.body(null, 204, {
        "access-control-allow-origin": allowed,
        "access-control-allow-credentials": "true",
        "access-control-allow-methods": "GET, HEAD, POST, DELETE",
        "access-control-allow-headers": "authorization, content-type",
        "access-control-max-age": "600",
        vary: "Origin",
      });
    }
    await next();
    c.res.headers.append("vary", "Origin");
    if (origin === allowed) {
      c.res.headers.set("access-control-allow-origin", allowed);
      c.res.headers.set("access-control-allow-credentials", "true");
      c.res.headers.set("access-control-expose-headers", EXPOSED);
    }
  };
}
