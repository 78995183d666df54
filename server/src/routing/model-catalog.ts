import type { ModelEntry, PrivacyClass, TeeVerification } from "@masque/shared";
import { ModelNotFoundError } from "@masque/shared";
import { z } from "zod";
import type { Logger } from "../logging/logger.ts";
import type { ModelConfig, ProviderConfig, ProvidersFile } from "./providers-config.ts";

/** A model as the gateway routes it. */
export interface CatalogModel {
  id: string;
  upstreamId: string;
  provider: ProviderConfig;
  privacy: PrivacyClass;
  contextLength: number;
  pricing: { inputPerMTok: number; outputPerMTok: number };
  capabilities: { functionCalling: boolean; vision: boolean; reasoning: boolean };
  /** Unix seconds, for OpenAI's `created`. */
  created: number;
  /** Ids of models to try when this one fails; the same privacy class by construction. */
  fallbacks: string[];
}

export type Availability = { available: true } | { available: false; reason: string };

/** What the local node says about its models (OpenAI list plus `context_length`). */
const discoveredModelsSchema = z.object({
  data: z.array(
    z.looseObject({ id: z.string().min(1), context_length: z.number().int().positive().optional() }),
  ),
});

/** Where the catalog learns whether TEE models are verified. */
export interface TeeStatusSource {
  availability(modelId: string): Availability;
  verification(modelId: string): TeeVerification;
}

export interface ModelCatalogOptions {
  /** Without it, TEE models never serve. */
  tee?: TeeStatusSource;
  env?: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
  logger: Logger;
}

/**
 * Every model Masque can route to, with whether it can serve right now.
 * Configured models come from the providers file; `local` providers are asked
 * for their models, since the local node serves whatever GGUF files it has.
 */
export class ModelCatalog {
  private readonly configured: CatalogModel[];
  private readonly discovered = new Map<string, CatalogModel[]>();
  private readonly unreachable = new Map<string, string>();
  private readonly env: NodeJS.ProcessEnv;
  private readonly fetch: typeof fetch;
  private readonly logger: Logger;
  private tee: TeeStatusSource | undefined;
  private readonly startedAt = Math.floor(Date.now() / 1000);

  constructor(
    private readonly config: ProvidersFile,
    options: ModelCatalogOptions,
  ) {
    this.env = options.env ?? process.env;
    this.fetch = options.fetch ?? fetch;
    this.logger = options.logger;
    this.tee = options.tee;
    const providers = new Map(config.providers.map((p) => [p.id, p]));
    this.configured = config.models.map((m) =>
      this.fromConfig(m, providers.get(m.provider) as ProviderConfig),
    );
  }

  /** All models, configured first, then discovered. */
  list(): CatalogModel[] {
    const ids = new Set(this.configured.map((m) => m.id));
    const discovered = [...this.discovered.values()].flat().filter((m) => !ids.has(m.id));
    return [...this.configured, ...discovered];
  }

  /** The model a client named, or a 404. */
  resolve(id: string): CatalogModel {
    const model = this.list().find((m) => m.id === id);
    if (!model) throw new ModelNotFoundError(id);
    return model;
  }

  /** Whether a model can serve now, and if not, why (shown to clients). */
  availability(model: CatalogModel): Availability {
    const { provider } = model;
    if (provider.apiKeyEnv && !this.env[provider.apiKeyEnv]) {
      return {
        available: false,
        reason: `Provider '${provider.id}' has no credentials configured on this server.`,
      };
    }
    const down = this.unreachable.get(provider.id);
    if (down) return { available: false, reason: down };
    if (provider.privacy === "tee") {
      // Fail closed: a TEE model serves only while its attestation is verified and current.
      return (
        this.tee?.availability(model.id) ?? { available: false, reason: "TEE attestation is not configured." }
      );
    }
    return { available: true };
  }

  /** The `GET /v1/models` entry for a model. */
  toEntry(model: CatalogModel): ModelEntry {
    const availability = this.availability(model);
    return {
      id: model.id,
      object: "model",
      created: model.created,
      owned_by: model.provider.id,
      model_spec: {
        privacy: model.privacy,
        pricing: { input_per_mtok: model.pricing.inputPerMTok, output_per_mtok: model.pricing.outputPerMTok },
        context_length: model.contextLength,
        capabilities: {
          function_calling: model.capabilities.functionCalling,
          vision: model.capabilities.vision,
          reasoning: model.capabilities.reasoning,
        },
        available: availability.available,
        ...(availability.available ? {} : { unavailable_reason: availability.reason }),
        ...(model.privacy === "tee" && this.tee ? { verification: this.tee.verification(model.id) } : {}),
      },
    };
  }

  /** Connects the attestation registry (built from this catalog's TEE models). */
  useTeeStatus(tee: TeeStatusSource): void {
    this.tee = tee;
  }

  /** Asks each `local` provider which models it serves now. */
  async refresh(): Promise<void> {
    const local = this.config.providers.filter((p) => p.privacy === "local");
    await Promise.all(local.map((p) => this.discover(p)));
  }

  /** Refreshes on an interval until the returned function is called. */
  startRefreshing(intervalMs: number): () => void {
    const timer = setInterval(() => void this.refresh(), intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  private async discover(provider: ProviderConfig): Promise<void> {
    try {
      const res = await this.fetch(`${provider.baseUrl}/models`, { signal: AbortSignal.timeout(5_000) });
      if (!res.ok) throw new Error(`status ${res.status}`);
      const body = discoveredModelsSchema.parse(await res.json());
      this.discovered.set(
        provider.id,
        body.data.map((m) => ({
          id: m.id,
          upstreamId: m.id,
          provider,
          privacy: provider.privacy,
          contextLength: m.context_length ?? 2048,
          pricing: { inputPerMTok: 0, outputPerMTok: 0 },
          capabilities: { functionCalling: false, vision: false, reasoning: false },
          created: this.startedAt,
          fallbacks: [],
        })),
      );
      this.unreachable.delete(provider.id);
    } catch (err) {
      if (!this.unreachable.has(provider.id)) {
        this.logger.warn({ provider: provider.id, error: (err as Error).message }, "provider unreachable");
      }
      this.unreachable.set(provider.id, `Provider '${provider.id}' is not reachable right now.`);
    }
  }

  private fromConfig(m: ModelConfig, provider: ProviderConfig): CatalogModel {
    return {
      id: m.id,
      upstreamId: m.upstreamId ?? m.id,
      provider,
      privacy: provider.privacy,
      contextLength: m.contextLength,
      pricing: m.pricing,
      capabilities: m.capabilities ?? { functionCalling: true, vision: false, reasoning: false },
      created: this.startedAt,
      fallbacks: m.fallbacks,
    };
  }
}
