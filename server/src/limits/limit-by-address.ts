import { isIP } from "node:net";
import { RateLimitError } from "@masque/shared";
import type { Context, MiddlewareHandler } from "hono";
import { RateLimiter } from "./rate-limiter.ts";

export interface LimitByAddressOptions {
  /** Requests a minute one address may make; 0 turns the limit off. */
  requestsPerMinute: number;
  /** Which requests count (default: all that reach the middleware). */
  counts?: (c: Context) => boolean;
  limiter?: RateLimiter;
}

/**
 * Limits requests per client address, for endpoints anyone may call without a
 * key (anonymous accounts, Sign-In with Ethereum): a 429 in OpenAI's shape with
 * `retry-after` once an address has used its minute.
 */
export function limitByAddress(options: LimitByAddressOptions): MiddlewareHandler {
  const limiter = options.limiter ?? new RateLimiter();
  const limit = { requestsPerMinute: options.requestsPerMinute, tokensPerMinute: Number.MAX_SAFE_INTEGER };
  return async (c, next) => {
    if (options.requestsPerMinute > 0 && (options.counts?.(c) ?? true)) {
      try {
        limiter.admit(`ip:${clientAddress(c)}`, limit, 0);
      } catch (err) {
        // The same 429, without the token headers that mean nothing here.
        if (!(err instanceof RateLimitError)) throw err;
        const headers = Object.fromEntries(
          Object.entries(err.headers).filter(([name]) => !name.endsWith("-tokens")),
        );
        throw new RateLimitError(err.message, headers);
      }
    }
    return next();
  };
}

/**
 * The caller's IP address. A reverse proxy on this machine (the only peer
 * trusted to say) names the client in the last `X-Forwarded-For` entry, the one
 * it added itself; anyone else is known by the connection's own address.
 */
export function clientAddress(c: Context): string {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  const peer = incoming?.socket?.remoteAddress ?? "unknown";
  if (!isLoopback(peer)) return peer;
  const forwarded = c.req.header("x-forwarded-for")?.split(",").at(-1)?.trim();
  return forwarded && isIP(forwarded) ? forwarded : peer;
}

function isLoopback(address: string): boolean {
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.");
}
