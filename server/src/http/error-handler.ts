import { InternalError, MasqueError, NotFoundError } from "@masque/shared";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Logger } from "../logging/logger.ts";

/**
 * Turns any thrown error into OpenAI's error shape. Masque errors keep their
 * status and code; anything else is a 500 whose message carries only the
 * request id, and whose log line carries only the error's class and stack
 * (never its message, which could quote user content).
 */
export function toErrorResponse(err: unknown, c: Context, logger: Logger): Response {
  const requestId = c.get("requestId") as string;
  let error: MasqueError;
  if (err instanceof MasqueError) {
    error = err;
  } else if (err instanceof HTTPException && err.status < 500) {
    // Hono's own 4xx (e.g. malformed headers): keep the status, use our shape.
    error = new MasqueError(
      "invalid_request",
      err.status,
      "invalid_request_error",
      "The request is malformed.",
    );
  } else {
    logger.error({ requestId, errorClass: err instanceof Error ? err.name : typeof err }, "unhandled error");
    error = new InternalError(requestId);
  }
  for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
  return c.json(error.toJSON(), error.status as ContentfulStatusCode);
}

/**
 * 404 for unknown routes, in the same shape. The path is quoted back bounded, and
 * with anything that looks like a key cut short: clients do paste keys into URLs.
 */
export function notFoundResponse(c: Context): Response {
  let path = new URL(c.req.url).pathname.replace(/msq_[0-9A-Za-z]{4,}/g, (key) => `${key.slice(0, 10)}…`);
  if (path.length > 200) path = `${path.slice(0, 200)}…`;
  const error = new NotFoundError(`No route for ${c.req.method} ${path}.`);
  return c.json(error.toJSON(), 404);
}
