import { UpstreamError } from "@masque/shared";
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
 * Adapter for OpenAI-compatible chat completions (OpenAI, OpenRouter, TEE
 * inference proxies, our local node): the body goes as is, answers come back
 * as they are, checked for shape.
 * @see https://platform.openai.com/docs/api-reference/chat
 */
export function openAICompatibleAdapter(provider: ProviderConfig): ProviderAdapter {
  const send = (body: UpstreamChatBody, options: AdapterCallOptions) => {
    const key = providerApiKey(provider, options.env);
    return postToProvider(
      provider,
      `${provider.baseUrl}/chat/completions`,
      key ? { authorization: `Bearer ${key}` } : {},
      JSON.stringify(body),
      options,
    );
  };
  const malformed = (what: string) => new UpstreamError(`Provider '${provider.id}' sent ${what}.`);

  return {
    async complete(body, options) {
      const response = await send(body, options);
      let value: unknown;
      try {
        value = await response.json();
      } catch {
        throw malformed("a response that is not JSON");
      }
      if (!isCompletionObject(value)) throw malformed("a response without choices");
      return value;
    },

    async stream(body, options) {
      const response = await send(body, options);
      const events = readEventsWithIdleTimeout(response.body, options.timeoutMs);
      return (async function* () {
        for await (const data of events) {
          if (data === "[DONE]") return;
          const chunk = parseEventJson(data, provider);
          if ("error" in chunk)
            throw new UpstreamError(`Provider '${provider.id}' reported an error mid-stream.`);
          if (!isCompletionObject(chunk)) throw malformed("a stream event without choices");
          yield chunk;
        }
      })();
    },
  };
}

function isCompletionObject(value: unknown): value is ChatCompletionObject {
  return (
    typeof value === "object" && value !== null && Array.isArray((value as { choices?: unknown }).choices)
  );
}
