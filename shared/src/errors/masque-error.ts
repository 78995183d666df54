/**
 * The OpenAI error `type` values Masque answers with.
 * @see https://platform.openai.com/docs/guides/error-codes
 */
export type OpenAIErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "rate_limit_error"
  | "insufficient_quota"
  | "api_error"
  | "server_error";

export interface MasqueErrorOptions {
  /** The request field at fault, in OpenAI's `messages[0].role` notation. */
  param?: string | null;
  cause?: unknown;
  /** Extra response headers, e.g. `retry-after` or `x-ratelimit-*`. */
  headers?: Record<string, string>;
}

/**
 * Base of every error Masque reports to a client: a stable machine `code`, an
 * HTTP status and a short message that says what to fix. The HTTP layer turns
 * it into OpenAI's `{"error":{message,type,code,param}}`; nothing else is shown.
 */
export class MasqueError extends Error {
  readonly code: string;
  readonly status: number;
  readonly type: OpenAIErrorType;
  readonly param: string | null;
  readonly headers: Record<string, string>;

  constructor(
    code: string,
    status: number,
    type: OpenAIErrorType,
    message: string,
    options: MasqueErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.type = type;
    this.param = options.param ?? null;
    this.headers = options.headers ?? {};
  }

  /** The OpenAI wire shape of this error. */
  toJSON(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, code: this.code, param: this.param } };
  }
}

/** OpenAI's error body. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; code: string | null; param: string | null };
}
