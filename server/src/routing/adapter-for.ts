import { anthropicAdapter } from "./anthropic/anthropic-adapter.ts";
import { openAICompatibleAdapter } from "./openai-compatible-adapter.ts";
import type { ProviderAdapter } from "./provider-adapter.ts";
import type { ProviderConfig } from "./providers-config.ts";

const adapters = new WeakMap<ProviderConfig, ProviderAdapter>();

/** The adapter that speaks a provider's wire protocol (one per provider). */
export function adapterFor(provider: ProviderConfig): ProviderAdapter {
  let adapter = adapters.get(provider);
  if (!adapter) {
    switch (provider.kind) {
      case "openai":
        adapter = openAICompatibleAdapter(provider);
        break;
      case "anthropic":
        adapter = anthropicAdapter(provider);
        break;
    }
    adapters.set(provider, adapter);
  }
  return adapter;
}
