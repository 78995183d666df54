import {
  InvalidRequestError,
  ModelUnavailableError,
  UpstreamError,
  UpstreamTimeoutError,
} from "@masque/shared";
import { upstreamHeaders } from "../privacy/strip-identity.ts";
import type { AdapterCallOptions } from "./provider-adapter.ts";
import type { ProviderConfig } from "./providers-config.ts";
import { readSseData } from "./sse.ts";

/**
 * POSTs a JSON body (already serialised, so callers know its exact bytes) to a provider and returns its successful response unread.
 * Failures become gateway errors that never quote our credentials or the
 * provider's raw body: 504 on timeout, 503 when the provider cannot be reached
 * or is overloaded, 400 when it rejected the request itself, 502 otherwise.
 */
export async function postToProvider(
  provider: ProviderConfig,
  url: string,
  credentials: Record<string, string>,
  body: string,
  options: AdapterCallOptions,
): Promise<Response> {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), options.timeoutMs);
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, {
      method: "POST",
      headers: upstreamHeaders(credentials),
      body,
      signal: AbortSignal.any([options.signal, timeout.signal]),
      // Never send cookies or follow a redirect to somewhere we did not choose.
      credentials: "omit",
      redirect: "error",
    });
  } catch (err) {
    if (timeout.signal.aborted) throw new UpstreamTimeoutError(options.timeoutMs);
    if (options.signal.aborted) throw err;
    throw new ModelUnavailableError(`Provider '${provider.id}' could not be reached.`, "model_unavailable", {
      cause: err,
    });
  } finally {
    clearTimeout(timer);
  }
  if (response.ok) return response;
  if (response.status === 400 || response.status === 413 || response.status === 422) {
    // The provider refused the request itself (too long, bad parameter): tell the
    // client what it said, which concerns only the client's own request.
    throw new InvalidRequestError(
      `The model provider rejected the request: ${await providerMessage(response)}`,
      {
        code: "upstream_rejected_request",
      },
    );
  }
  await response.body?.cancel().catch(() => {});
  if (response.status === 408 || response.status === 504) throw new UpstreamTimeoutError(options.timeoutMs);
  if (response.status === 429 || response.status === 529) {
    throw new ModelUnavailableError(`Provider '${provider.id}' is busy; try again shortly.`);
  }
  throw new UpstreamError(`Provider '${provider.id}' answered with status ${response.status}.`);
}

/** The `error.message` of a provider's error body, bounded; never the raw body. */
async function providerMessage(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: { message?: unknown } };
    const message = body.error?.message;
    if (typeof message === "string" && message.length > 0) return message.slice(0, 500);
  } catch {
    // Not JSON: say nothing more than the status.
  }
  return `status ${response.status}`;
}

/** The provider's pooled key, from the environment variable the providers file names. */
export function providerApiKey(
  provider: ProviderConfig,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  return provider.apiKeyEnv ? env[provider.apiKeyEnv] : undefined;
}

/**
 * Reads a provider's SSE body event by event, failing with 504 when no event
 * arrives for `idleMs`. However it ends, the body is cancelled, so a stalled
 * provider's connection is closed rather than left waiting for a read that
 * never completes.
 */
export async function* readEventsWithIdleTimeout(
  body: ReadableStream<Uint8Array>,
  idleMs: number,
): AsyncGenerator<string> {
  const stop = new AbortController();
  const events = readSseData(body, stop.signal);
  try {
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const idle = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new UpstreamTimeoutError(idleMs)), idleMs);
      });
      let next: IteratorResult<string>;
      try {
        next = await Promise.race([events.next(), idle]);
      } finally {
        clearTimeout(timer);
      }
      if (next.done) return;
      yield next.value;
    }
  } finally {
    // A read may still be pending (the provider stalled): cancel it, or return() would wait for it forever.
    stop.abort();
    await events.return(undefined);
  }
}

/** Parses one stream event's JSON, or fails as a malformed stream. */
export function parseEventJson(data: string, provider: ProviderConfig): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    throw new UpstreamError(`Provider '${provider.id}' sent a malformed stream event.`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new UpstreamError(`Provider '${provider.id}' sent a malformed stream event.`);
  }
  return value as Record<string, unknown>;
}
