import { UpstreamError } from "@masque/shared";
import { TeeAttestationError } from "../attestation/attestation-error.ts";
import type { TeeAttestations } from "../attestation/tee-attestations.ts";
import {
  fetchResponseSignature,
  type ResponseSignatureResult,
  verifyResponseSignature,
} from "../attestation/verify-response-signature.ts";
import type { UpstreamChatBody } from "../privacy/strip-identity.ts";
import {
  parseEventJson,
  postToProvider,
  providerApiKey,
  readEventsWithIdleTimeout,
} from "./post-to-provider.ts";
import type { AdapterCallOptions, ChatCompletionObject, ProviderAdapter } from "./provider-adapter.ts";
import type { ProviderConfig } from "./providers-config.ts";

/**
 * Adapter for an attested TEE inference proxy (OpenAI wire format). It keeps
 * the exact bytes it sent and received, fetches the enclave's signature of the
 * exchange and checks it against the attested signing address. A JSON answer
 * is released only once its signature verifies; a stream is verified when it
 * ends. Any mismatch takes the model out of service until it attests again.
 * @see https://eips.ethereum.org/EIPS/eip-191
 */
export function teeAdapter(
  provider: ProviderConfig,
  modelId: string,
  attestations: TeeAttestations,
): ProviderAdapter {
  const auth = (options: AdapterCallOptions): Record<string, string> => {
    const key = providerApiKey(provider, options.env);
    return key ? { authorization: `Bearer ${key}` } : {};
  };
  const attestedAddress = () => {
    const address = attestations.signingAddress(modelId);
    if (!address)
      throw new TeeAttestationError("attestation_stale", "the model's attestation is not current");
    return address;
  };

  const verify = async (
    requestBody: string,
    responseBody: Uint8Array,
    chatId: string,
    upstreamModel: string,
    address: string,
    options: AdapterCallOptions,
  ): Promise<ResponseSignatureResult> => {
    let result: ResponseSignatureResult;
    try {
      const signature = await fetchResponseSignature({
        baseUrl: provider.baseUrl,
        chatId,
        model: upstreamModel,
        headers: auth(options),
        fetch: options.fetch,
      });
      result = await verifyResponseSignature({
        signature,
        requestBody,
        responseBody,
        attestedAddress: address,
      });
    } catch (error) {
      if (!(error instanceof TeeAttestationError)) throw error;
      attestations.distrust(modelId, error.reason, error.detail);
      throw error;
    }
    options.onResponseSignature?.(result);
    if (!result.ok) {
      attestations.distrust(modelId, result.reason ?? "response_signature_invalid", result.detail);
      throw new TeeAttestationError(result.reason ?? "response_signature_invalid", result.detail);
    }
    return result;
  };

  /** Sends the exact bytes that the signature will be checked over, to an attested enclave only. */
  const send = async (body: UpstreamChatBody, options: AdapterCallOptions) => {
    const address = attestedAddress();
    const requestBody = JSON.stringify(body);
    const url = `${provider.baseUrl}/chat/completions`;
    return {
      address,
      requestBody,
      response: await postToProvider(provider, url, auth(options), requestBody, options),
    };
  };

  return {
    async complete(body: UpstreamChatBody, options) {
      const { address, requestBody, response } = await send(body, options);
      const bytes = await response.bytes();
      let completion: ChatCompletionObject;
      try {
        completion = JSON.parse(new TextDecoder().decode(bytes));
      } catch {
        throw new UpstreamError(`Provider '${provider.id}' sent a response that is not JSON.`);
      }
      if (!Array.isArray(completion?.choices))
        throw new UpstreamError(`Provider '${provider.id}' sent a response without choices.`);
      await verify(requestBody, bytes, String(completion.id), body.model, address, options);
      return completion;
    },

    async stream(body: UpstreamChatBody, options) {
      const { address, requestBody, response } = await send(body, options);
      // Keep every byte: the enclave signs the whole SSE body, `[DONE]` included.
      const received: Buffer[] = [];
      const events = readEventsWithIdleTimeout(response.body, options.timeoutMs, (chunk) =>
        received.push(chunk),
      );
      return (async function* () {
        let chatId = "";
        let done = false;
        for await (const data of events) {
          if (done) continue;
          if (data === "[DONE]") {
            done = true;
            continue;
          }
          const chunk = parseEventJson(data, provider);
          if ("error" in chunk)
            throw new UpstreamError(`Provider '${provider.id}' reported an error mid-stream.`);
          if (!Array.isArray(chunk.choices))
            throw new UpstreamError(`Provider '${provider.id}' sent a stream event without choices.`);
          chatId ||= String(chunk.id ?? "");
          yield chunk as ChatCompletionObject;
        }
        // The client has every chunk by now; the signature check runs after, and a
        // failure takes the model out of service for everyone.
        void verify(requestBody, Buffer.concat(received), chatId, body.model, address, options).catch(
          () => undefined,
        );
      })();
    },
  };
}
