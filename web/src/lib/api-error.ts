/**
 * An error the gateway answered in OpenAI's shape `{"error":{message,type,code,param}}`,
 * over HTTP or as an SSE event in the middle of a stream.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string | null;
  readonly type: string;
  readonly param: string | null;
  /** Seconds to wait before retrying, from `retry-after`. */
  readonly retryAfter: number | undefined;

  constructor(
    message: string,
    options: {
      status: number;
      code?: string | null;
      type?: string;
      param?: string | null;
      retryAfter?: number;
    },
  ) {
    super(message);
    this.name = "ApiError";
    this.status = options.status;
    this.code = options.code ?? null;
    this.type = options.type ?? "api_error";
    this.param = options.param ?? null;
    this.retryAfter = options.retryAfter;
  }
}

/** The OpenAI error inside a parsed body, if it is one. */
export function errorFromBody(body: unknown, status: number, retryAfter?: number): ApiError | undefined {
  const error = (body as { error?: unknown } | null)?.error as
    | { message?: unknown; type?: unknown; code?: unknown; param?: unknown }
    | undefined;
  if (!error || typeof error !== "object" || typeof error.message !== "string") return undefined;
  return new ApiError(error.message, {
    status,
    code: typeof error.code === "string" ? error.code : null,
    type: typeof error.type === "string" ? error.type : undefined,
    param: typeof error.param === "string" ? error.param : null,
    retryAfter,
  });
}

/** Reads a failed response into an ApiError, whatever its body holds. */
export async function readApiError(res: Response): Promise<ApiError> {
  const retryHeader = res.headers.get("retry-after");
  const retryAfter = retryHeader && /^\d+$/.test(retryHeader) ? Number(retryHeader) : undefined;
  const text = await res.text().catch(() => "");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return (
    errorFromBody(body, res.status, retryAfter) ??
    new ApiError(`The server answered ${res.status} ${res.statusText}.`.replace(" .", "."), {
      status: res.status,
      retryAfter,
    })
  );
}
