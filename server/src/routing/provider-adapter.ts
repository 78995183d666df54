import type { ResponseSignatureResult } from "../attestation/verify-response-signature.ts";
import type { UpstreamChatBody } from "../privacy/strip-identity.ts";

/** An OpenAI `chat.completion` object (or one chunk of a stream). */
export type ChatCompletionObject = Record<string, unknown> & { choices: Array<Record<string, unknown>> };

export interface AdapterCallOptions {
  /** Aborts the provider request (client gone, or shutdown). */
  signal: AbortSignal;
  /** How long to wait for the provider's response headers, and between stream events. */
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
  /** For the TEE enclave's signature endpoint only; the chat request itself goes over node:http. */
  fetch?: typeof fetch;
  /** TEE providers: called with the verification of the answer's enclave signature. */
  onResponseSignature?: (result: ResponseSignatureResult) => void;
}

/**
 * Speaks one provider's wire protocol, in OpenAI's shapes on our side: the
 * request goes in as an (identity-free) OpenAI body, and the answer comes back
 * as a `chat.completion` or a stream of `chat.completion.chunk` objects.
 */
export interface ProviderAdapter {
  complete(body: UpstreamChatBody, options: AdapterCallOptions): Promise<ChatCompletionObject>;
  /** Chunks until the provider ends the stream; throws a gateway error if it breaks. */
  stream(body: UpstreamChatBody, options: AdapterCallOptions): Promise<AsyncGenerator<ChatCompletionObject>>;
}
