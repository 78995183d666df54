import {
  InternalError,
  InvalidRequestError,
  MasqueError,
  ModelUnavailableError,
  NotFoundError,
} from "@masque/shared";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Logger } from "../logging/logger.ts";

/**
 * Turns any thrown error into OpenAI's error shape. Masque errors keep their
 * status and code; a request the client broke off is a 400; anything else is a 500 whose message carries only the
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
  } else if (isPaymentProviderError(err)) {
    // Stripe could not be reached or refused us: our dependency failed, not this request.
    logger.warn({ requestId, errorClass: err.type }, "payment provider error");
    error =
      err.type === "StripeConnectionError"
        ? new ModelUnavailableError(
            "The payment provider cannot be reached; try again shortly.",
            "payment_provider_unavailable",
          )
        : new MasqueError(
            "payment_provider_error",
            502,
            "api_error",
            "The payment provider refused the request; try again later.",
          );
  } else if (c.req.raw.signal.aborted || String((err as { code?: unknown }).code).startsWith("HPE_")) {
    // The client went away, or its request broke off mid-body (the parser refused the rest and
    // has answered it already): nothing of ours failed, and no one is left to read this answer.
    logger.info({ requestId }, "request broke off");
    error = new InvalidRequestError("The request body could not be read in full.", {
      code: "incomplete_body",
    });
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

/** An error thrown by the Stripe SDK (its classes carry their name in `type`). */
function isPaymentProviderError(err: unknown): err is Error & { type: string } {
  const type = (err as { type?: unknown } | undefined)?.type;
  return err instanceof Error && typeof type === "string" && type.startsWith("Stripe");
}
