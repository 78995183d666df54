import fs from "node:fs";
import path from "node:path";
import { serveStatic } from "@hono/node-server/serve-static";
import type { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";

export interface ServeWebAppOptions {
  /** The built web app (web/dist). */
  dir: string;
  /** Extra origins the app may connect to, e.g. the chain's RPC URL. */
  connectSrc?: string[];
}

/**
 * Serves the built web app with a strict Content-Security-Policy: scripts only
 * from this origin, no framing, no plugins. Unknown paths that are not API
 * routes get index.html so the app's client-side routes work on reload.
 */
export function serveWebApp(app: Hono, options: ServeWebAppOptions): void {
  const index = path.join(options.dir, "index.html");
  if (!fs.existsSync(index)) return;
  const root = path.relative(process.cwd(), options.dir) || ".";
  app.use(
    "*",
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:", "blob:"],
        fontSrc: ["'self'", "data:"],
        connectSrc: ["'self'", ...(options.connectSrc ?? [])],
        workerSrc: ["'self'", "blob:"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
      referrerPolicy: "no-referrer",
      crossOriginEmbedderPolicy: false,
    }),
  );
  app.use("*", async (c, next) => {
    if (c.req.method !== "GET" && c.req.method !== "HEAD") return next();
    const p = new URL(c.req.url).pathname;
    if (p.startsWith("/v1/") || p.startsWith("/api/") || p === "/health") return next();
    return serveStatic({ root })(c, async () => {
      // Not a file: the app's own route.
      c.res = new Response(fs.readFileSync(index), {
        headers: { "content-type": "text/html; charset=utf-8" },
      });
    });
  });
}
