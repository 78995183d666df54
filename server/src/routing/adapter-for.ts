import type { TeeAttestations } from "../attestation/tee-attestations.ts";
import { anthropicAdapter } from "./anthropic/anthropic-adapter.ts";
import type { CatalogModel } from "./model-catalog.ts";
import { openAICompatibleAdapter } from "./openai-compatible-adapter.ts";
import type { ProviderAdapter } from "./provider-adapter.ts";
import { teeAdapter } from "./tee-adapter.ts";

export type AdapterRegistry = (model: CatalogModel) => ProviderAdapter;

/**
 * The adapter for each model: its provider's wire protocol, and for TEE
 * models the signature checks against that model's attestation.
 */
export function createAdapterRegistry(attestations?: TeeAttestations): AdapterRegistry {
  const byKey = new Map<string, ProviderAdapter>();
  return (model) => {
    const key = model.privacy === "tee" ? `tee:${model.id}` : `provider:${model.provider.id}`;
    let adapter = byKey.get(key);
    if (!adapter) {
      if (model.privacy === "tee") {
        if (!attestations) throw new Error("TEE models need the attestation registry");
        adapter = teeAdapter(model.provider, model.id, attestations);
      } else {
        adapter =
          model.provider.kind === "anthropic"
            ? anthropicAdapter(model.provider)
            : openAICompatibleAdapter(model.provider);
      }
      byKey.set(key, adapter);
    }
    return adapter;
  };
}
