import {
  InvalidRequestError,
  ModelUnavailableError,
  UpstreamError,
  UpstreamTimeoutError,
} from "@masque/shared";
import { type UpstreamChatBody, upstreamHeaders } from "../privacy/strip-identity.ts";
import type { ProviderConfig } from "./providers-config.ts";

export interface SendChatOptions {
  /** Aborts the upstream request (client gone, or shutdown). */
  signal: AbortSignal;
  /** How long to wait for the provider's response headers. */
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
}

/**
 * Sends a chat completion to an OpenAI-compatible provider and returns its
 * successful response unread. Failures become gateway errors that never quote
 * the provider's body or our credentials: 504 on timeout, 503 when the
 * provider cannot be reached, 502 for anything else it answers.
 */
export async function sendOpenAIChat(
  provider: ProviderConfig,
  body: UpstreamChatBody,
  options: SendChatOptions,
): Promise<Response> {
  const env = options.env ?? process.env;
  const apiKey = provider.apiKeyEnv ? env[provider.apiKeyEnv] : undefined;
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), options.timeoutMs);
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(`${provider.baseUrl}/chat/completions`, {
      method: "POST",
      headers: upstreamHeaders(apiKey),
      body: JSON.stringify(body),
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
  if (response.status === 429) {
    throw new ModelUnavailableError(`Provider '${provider.id}' is rate limiting Masque; try again shortly.`);
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
