import { MasqueError, type MasqueErrorOptions } from "./masque-error.ts";

/** 400: the body is not valid JSON or a field is wrong; `param` names the field. */
export class InvalidRequestError extends MasqueError {
  constructor(message: string, options: MasqueErrorOptions & { code?: string } = {}) {
    super(options.code ?? "invalid_request", 400, "invalid_request_error", message, options);
  }
}

/** 401: no key, an unknown key, or a revoked or expired one. */
export class AuthenticationError extends MasqueError {
  constructor(message: string, code = "invalid_api_key", options: MasqueErrorOptions = {}) {
    super(code, 401, "authentication_error", message, options);
  }
}

/** 403: the caller is known but may not do this. */
export class PermissionDeniedError extends MasqueError {
  constructor(message: string, code = "permission_denied", options: MasqueErrorOptions = {}) {
    super(code, 403, "permission_error", message, options);
  }
}

/** 404 for a model id the catalog does not know. */
export class ModelNotFoundError extends MasqueError {
  constructor(model: string) {
    super(
      "model_not_found",
      404,
      "invalid_request_error",
      `The model '${model}' does not exist. GET /v1/models lists the models you can use.`,
      { param: "model" },
    );
  }
}

/** 404 for a path or resource that does not exist. */
export class NotFoundError extends MasqueError {
  constructor(message: string, code = "not_found") {
    super(code, 404, "not_found_error", message);
  }
}

/** 405 for a known path called with the wrong method. */
export class MethodNotAllowedError extends MasqueError {
  constructor(method: string, path: string) {
    super("method_not_allowed", 405, "invalid_request_error", `${method} is not supported on ${path}.`);
  }
}

/** 413: the body is larger than the configured limit. */
export class PayloadTooLargeError extends MasqueError {
  constructor(limitBytes: number) {
    super(
      "request_too_large",
      413,
      "invalid_request_error",
      `The request body is larger than the limit of ${limitBytes} bytes.`,
    );
  }
}

/** 429: a rate limit was hit; headers say which and when it resets. */
export class RateLimitError extends MasqueError {
  constructor(message: string, headers: Record<string, string>) {
    super("rate_limit_exceeded", 429, "rate_limit_error", message, { headers });
  }
}
