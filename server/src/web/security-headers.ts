import type { MiddlewareHandler } from "hono";

export interface SecurityHeadersOptions {
  /** Users reach Masque over https: browsers are told to keep to it (HSTS). */
  https: boolean;
}

/** For everything that is not the web app's own page: nothing may load, run or frame it. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** The headers every answer carries (the web app's pages replace the CSP with their own). */
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  // Wallet SDKs sign in through pop-ups that talk back to their opener.
  "cross-origin-opener-policy": "same-origin-allow-popups",
  "cross-origin-resource-policy": "same-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
  "x-dns-prefetch-control": "off",
  "content-security-policy": API_CSP,
};

/**
 * Security headers on every response, API and web app alike: no MIME sniffing,
 * no referrer, no framing, no cross-origin opener or embedding, none of the
 * powerful browser features. A response that set its own Content-Security-Policy
 * (the web app's) keeps it; others get one that allows nothing. HSTS only when
 * Masque is served over https, since a browser ignores it over http anyway and a
 * local http setup must stay reachable.
 * @see https://owasp.org/www-project-secure-headers/
 */
export function securityHeaders(options: SecurityHeadersOptions): MiddlewareHandler {
  const headers = Object.entries(API_SECURITY_HEADERS);
  if (options.https) headers.push(["strict-transport-security", "max-age=31536000; includeSubDomains"]);
  return async (c, next) => {
    await next();
    for (const [name, value] of headers) {
      if (!c.res.headers.has(name)) c.res.headers.set(name, value);
    }
  };
}
