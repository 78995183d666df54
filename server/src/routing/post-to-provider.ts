import type { Readable } from "node:stream";
import {
  InvalidRequestError,
  ModelUnavailableError,
  UpstreamError,
  UpstreamTimeoutError,
} from "@masque/shared";
import { upstreamHeaders } from "../privacy/strip-identity.ts";
import { type HttpPostResponse, httpPost, releaseBody } from "./http-post.ts";
import type { AdapterCallOptions } from "./provider-adapter.ts";
import type { ProviderConfig } from "./providers-config.ts";
import { readSseData } from "./sse.ts";

/**
 * POSTs a JSON body (already serialised, so callers know its exact bytes) to a provider and returns its successful response unread.
 * Failures become gateway errors that never quote our credentials or the
 * provider's raw body: 504 on timeout, 503 when the provider cannot be reached
 * or is overloaded, 400 when it rejected the request itself, 502 otherwise
 * (a redirect included: it is never followed).
 */
export async function postToProvider(
  provider: ProviderConfig,
  url: string,
  credentials: Record<string, string>,
  body: string,
  options: AdapterCallOptions,
): Promise<HttpPostResponse> {
  let response: HttpPostResponse;
  try {
    response = await httpPost(url, upstreamHeaders(credentials), body, options);
  } catch (err) {
    if (err instanceof UpstreamTimeoutError || options.signal.aborted) throw err;
    throw new ModelUnavailableError(`Provider '${provider.id}' could not be reached.`, "model_unavailable", {
      cause: err,
    });
  }
  const { status } = response;
  if (status >= 200 && status < 300) return response;
  if (status === 400 || status === 413 || status === 422) {
    // The provider refused the request itself (too long, bad parameter): tell the
    // client what it said, which concerns only the client's own request.
    throw new InvalidRequestError(
      `The model provider rejected the request: ${await providerMessage(response)}`,
      {
        code: "upstream_rejected_request",
      },
    );
  }
  response.discard();
  if (status === 408 || status === 504) throw new UpstreamTimeoutError(options.timeoutMs);
  if (status === 429 || status === 529) {
    throw new ModelUnavailableError(`Provider '${provider.id}' is busy; try again shortly.`);
  }
  throw new UpstreamError(`Provider '${provider.id}' answered with status ${status}.`);
}

/** The `error.message` of a provider's error body, bounded; never the raw body. */
async function providerMessage(response: HttpPostResponse): Promise<string> {
  try {
    const body = (await response.json()) as { error?: { message?: unknown } } | null;
    const message = body?.error?.message;
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
 * Reads a provider's SSE body event by event, failing with 504 when the
 * provider sends no event for `idleMs` (time spent by our own reader between
 * events does not count). However it ends, the body is closed, so a stalled
 * provider's connection is not left waiting; a body that already arrived
 * whole is drained instead, which keeps its connection for the next request.
 * `onChunk` sees every byte as received (the TEE adapter checks a signature over them).
 */
export async function* readEventsWithIdleTimeout(
  body: Readable & { complete?: boolean },
  idleMs: number,
  onChunk?: (chunk: Buffer) => void,
): AsyncGenerator<string> {
  // One timer for the whole stream, rather than one per event: when it fires
  // early (we were busy, or an event came since) it is armed again for the rest.
  let waitingSince = performance.now();
  const check = () => {
    if (waitingSince < 0) {
      timer = setTimeout(check, idleMs);
      return;
    }
    const left = idleMs - (performance.now() - waitingSince);
    if (left > 0) timer = setTimeout(check, left);
    else body.destroy(new UpstreamTimeoutError(idleMs));
  };
  let timer = setTimeout(check, idleMs);
  // Not the default iterator: on an early stop it would abort the connection, even when the body is complete.
  const chunks: AsyncIterable<Buffer> = body.iterator({ destroyOnReturn: false });
  try {
    for await (const data of readSseData(onChunk ? tap(chunks, onChunk) : chunks)) {
      waitingSince = -1;
      yield data;
      waitingSince = performance.now();
    }
  } finally {
    clearTimeout(timer);
    if (!body.readableEnded) releaseBody(body);
  }
}

async function* tap(chunks: AsyncIterable<Buffer>, onChunk: (chunk: Buffer) => void): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) {
    onChunk(chunk);
    yield chunk;
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
