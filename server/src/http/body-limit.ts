import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";

export interface LimitBodySizeOptions {
  maxBytes: number;
  /** Answers (or throws) when a body is larger than `maxBytes`. */
  onError: (c: Context) => Response | Promise<Response>;
}

/**
 * Refuses request bodies over `maxBytes`. A body with a Content-Length (and no
 * Transfer-Encoding) is judged by that header alone, without touching the body,
 * so @hono/node-server can still hand it to the handler straight from the
 * socket instead of through a web stream; any other body is counted as it
 * streams in, by Hono's own middleware.
 * @see https://www.rfc-editor.org/rfc/rfc9112#section-6.3
 */
export function limitBodySize(options: LimitBodySizeOptions): MiddlewareHandler {
  const streamed = bodyLimit({ maxSize: options.maxBytes, onError: options.onError });
  return async (c, next) => {
    // Hono gives GET and HEAD requests no body, whatever their headers say.
    if (c.req.method === "GET" || c.req.method === "HEAD") return next();
    const length = c.req.header("content-length");
    if (length === undefined || c.req.header("transfer-encoding") !== undefined) return streamed(c, next);
    return Number.parseInt(length, 10) > options.maxBytes ? options.onError(c) : next();
  };
}
