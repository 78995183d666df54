import fs from "node:fs";
import path from "node:path";
import { serveStatic } from "@hono/node-server/serve-static";
import type { Hono } from "hono";

export interface ServeWebAppOptions {
  /** The built web app (web/dist). */
  dir: string;
  /** Extra origins the app may connect to, e.g. the chain's RPC URL. */
  connectSrc?: string[];
}

/**
 * Serves the built web app with a strict Content-Security-Policy: scripts only
 * from this origin, no framing, no plugins (the other security headers are
 * set for every response by `securityHeaders`). Unknown paths that are not API
 * routes get index.html so the app's client-side routes work on reload.
 */
export function serveWebApp(app: Hono, options: ServeWebAppOptions): void {
  const index = path.join(options.dir, "index.html");
  if (!fs.existsSync(index)) return;
  const root = path.relative(process.cwd(), options.dir) || ".";
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src ${["'self'", ...(options.connectSrc ?? [])].join(" ")}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  app.use("*", async (c, next) => {
    if (c.req.method !== "GET" && c.req.method !== "HEAD") return next();
    const p = new URL(c.req.url).pathname;
    if (p.startsWith("/v1/") || p.startsWith("/api/") || p === "/health") return next();
    const served = await serveStatic({ root })(c, async () => {
      // Not a file: the app's own route.
      const html = fs.readFileSync(index);
      // With its length known, a HEAD answer is framed on a kept-alive connection too.
      c.res = new Response(c.req.method === "HEAD" ? null : html, {
        headers: { "content-type": "text/html; charset=utf-8", "content-length": String(html.length) },
      });
    });
    // The other security headers come from the app-wide middleware.
    (served ?? c.res).headers.set("content-security-policy", csp);
    return served;
  });
}
