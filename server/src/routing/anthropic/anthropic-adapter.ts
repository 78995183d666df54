import { UpstreamError } from "@masque/shared";
import {
  parseEventJson,
  postToProvider,
  providerApiKey,
  readEventsWithIdleTimeout,
} from "../post-to-provider.ts";
import type { ProviderAdapter } from "../provider-adapter.ts";
import type { ProviderConfig } from "../providers-config.ts";
import { AnthropicStreamTranslator, fromAnthropicMessage } from "./from-anthropic-response.ts";
import { toAnthropicRequest } from "./to-anthropic-request.ts";

/** The Messages API version this adapter speaks. */
export const ANTHROPIC_VERSION = "2023-06-01";

/**
 * Adapter for Anthropic's Messages API: clients keep speaking OpenAI's chat
 * format, streaming and tools included, and this translates both ways.
 * @see https://docs.anthropic.com/en/api/messages
 */
export function anthropicAdapter(provider: ProviderConfig): ProviderAdapter {
  const send = (body: Record<string, unknown>, options: Parameters<ProviderAdapter["complete"]>[1]) => {
    const key = providerApiKey(provider, options.env);
    const credentials: Record<string, string> = { "anthropic-version": ANTHROPIC_VERSION };
    if (key) credentials["x-api-key"] = key;
    return postToProvider(
      provider,
      `${provider.baseUrl}/messages`,
      credentials,
      JSON.stringify(body),
      options,
    );
  };

  return {
    async complete(body, options) {
      const response = await send(toAnthropicRequest(body), options);
      let message: unknown;
      try {
        message = await response.json();
      } catch {
        throw new UpstreamError(`Provider '${provider.id}' sent a response that is not JSON.`);
      }
      if (
        typeof message !== "object" ||
        message === null ||
        !Array.isArray((message as { content?: unknown }).content)
      ) {
        throw new UpstreamError(`Provider '${provider.id}' sent a response without content.`);
      }
      return fromAnthropicMessage(message as Record<string, unknown>);
    },

    async stream(body, options) {
      const response = await send(toAnthropicRequest(body), options);
      const events = readEventsWithIdleTimeout(response.body, options.timeoutMs);
      const translator = new AnthropicStreamTranslator();
      return (async function* () {
        for await (const data of events) {
          const event = parseEventJson(data, provider);
          if (event.type === "error")
            throw new UpstreamError(`Provider '${provider.id}' reported an error mid-stream.`);
          yield* translator.translate(event);
          if (event.type === "message_stop") return;
        }
      })();
    },
  };
}
