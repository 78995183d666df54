import { MasqueError, type MasqueErrorOptions } from "./masque-error.ts";

/** 502: the model provider failed or answered with something we cannot use. */
export class UpstreamError extends MasqueError {
  constructor(message: string, options: MasqueErrorOptions = {}) {
    super("upstream_error", 502, "api_error", message, options);
  }
}

/** 503: the model exists but cannot serve now (provider down, not configured, not verified). */
export class ModelUnavailableError extends MasqueError {
  constructor(message: string, code = "model_unavailable", options: MasqueErrorOptions = {}) {
    super(code, 503, "api_error", message, options);
  }
}

/** 504: the model provider did not answer in time. */
export class UpstreamTimeoutError extends MasqueError {
  constructor(timeoutMs: number, options: MasqueErrorOptions = {}) {
    super(
      "upstream_timeout",
      504,
      "api_error",
      `The model provider did not answer within ${timeoutMs} ms.`,
      options,
    );
  }
}

/** 500 for anything unexpected; the message never carries details. */
export class InternalError extends MasqueError {
  constructor(requestId: string, options: MasqueErrorOptions = {}) {
    super(
      "internal_error",
      500,
      "server_error",
      `Something went wrong on our side. Quote request id ${requestId} if you contact support.`,
      options,
    );
  }
}
