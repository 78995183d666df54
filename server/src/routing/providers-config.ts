import fs from "node:fs";
import { formatIssuePath, privacyClasses } from "@masque/shared";
import { z } from "zod";
import { attestationPolicySchema } from "../attestation/attestation-policy.ts";
import { PHALA_PCCS_URL } from "../attestation/collateral-cache.ts";

/** How a `tee` provider is verified; every field has a strict default. */
const attestationConfigSchema = z.strictObject({
  /** PCCS (or Intel PCS) base URL the Intel collateral comes from. */
  pccsUrl: z.url().default(PHALA_PCCS_URL),
  /** TCB statuses, measurement allowlist (`mrtd`, `rtmr0-2`, `compose_hash`), GPU and NRAS requirements. */
  policy: attestationPolicySchema.default(attestationPolicySchema.parse({})),
  /** NVIDIA's attestation service; `false` skips the NRAS check (the result says so). */
  nras: z
    .union([
      z.literal(false),
      z.strictObject({ url: z.url().optional(), jwksUrl: z.url().optional(), issuer: z.string().optional() }),
    ])
    .default({}),
  /** Re-verify this often, in seconds (also whenever the signing key changes). */
  intervalSeconds: z.number().int().min(10).default(600),
});

const providerSchema = z.strictObject({
  /** Our name for the provider, referenced by models. */
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, "use lower-case letters, digits, '-' and '_'"),
  /** Wire protocol: `openai` (OpenAI-compatible chat completions) or `anthropic` (Messages API). */
  kind: z.enum(["openai", "anthropic"]),
  /** Base URL including the version path, e.g. https://api.openai.com/v1. */
  baseUrl: z.url(),
  /** Name of the environment variable that holds the provider's API key (our pooled credential). */
  apiKeyEnv: z.string().min(1).optional(),
  privacy: z.enum(privacyClasses),
  /** For `tee` providers only: how their attestation is verified. */
  attestation: attestationConfigSchema.optional(),
});

const modelSchema = z.strictObject({
  /** The id clients use. */
  id: z.string().min(1),
  provider: z.string().min(1),
  /** The provider's id for the model; defaults to `id`. */
  upstreamId: z.string().min(1).optional(),
  contextLength: z.number().int().positive(),
  /** USD per one million tokens. */
  pricing: z.strictObject({
    inputPerMTok: z.number().nonnegative(),
    outputPerMTok: z.number().nonnegative(),
  }),
  /** Models to try, in order, when this one fails before answering; same privacy class only. */
  fallbacks: z.array(z.string().min(1)).default([]),
  capabilities: z
    .strictObject({
      functionCalling: z.boolean().default(true),
      vision: z.boolean().default(false),
      reasoning: z.boolean().default(false),
    })
    .optional(),
});

export const providersFileSchema = z
  .strictObject({
    providers: z.array(providerSchema),
    models: z.array(modelSchema).default([]),
  })
  .superRefine((file, ctx) => {
    const ids = new Set<string>();
    file.providers.forEach((p, i) => {
      if (ids.has(p.id)) {
        ctx.addIssue({ code: "custom", path: ["providers", i, "id"], message: `duplicate id '${p.id}'` });
      }
      if (p.attestation && p.privacy !== "tee") {
        ctx.addIssue({
          code: "custom",
          path: ["providers", i, "attestation"],
          message: "only tee providers are attested",
        });
      }
      ids.add(p.id);
    });
    const privacyOf = new Map(
      file.models.map((m) => [m.id, file.providers.find((p) => p.id === m.provider)?.privacy]),
    );
    file.models.forEach((m, i) => {
      m.fallbacks.forEach((f, j) => {
        const path = ["models", i, "fallbacks", j];
        if (!privacyOf.has(f)) ctx.addIssue({ code: "custom", path, message: `unknown model '${f}'` });
        else if (privacyOf.get(f) !== privacyOf.get(m.id)) {
          // A fallback must never move a request to another privacy class.
          ctx.addIssue({
            code: "custom",
            path,
            message: `'${f}' is ${privacyOf.get(f)}, '${m.id}' is ${privacyOf.get(m.id)}`,
          });
        }
      });
    });
    const modelIds = new Set<string>();
    file.models.forEach((m, i) => {
      if (!ids.has(m.provider)) {
        ctx.addIssue({
          code: "custom",
          path: ["models", i, "provider"],
          message: `unknown provider '${m.provider}'`,
        });
      }
      if (modelIds.has(m.id))
        ctx.addIssue({ code: "custom", path: ["models", i, "id"], message: `duplicate id '${m.id}'` });
      modelIds.add(m.id);
    });
  });

export type ProvidersFile = z.infer<typeof providersFileSchema>;
export type ProviderConfig = ProvidersFile["providers"][number];
export type ModelConfig = ProvidersFile["models"][number];
export type AttestationConfig = z.infer<typeof attestationConfigSchema>;

/** A tee provider's attestation settings, defaults filled in. */
export function attestationConfigOf(provider: ProviderConfig): AttestationConfig {
  return provider.attestation ?? attestationConfigSchema.parse({});
}

/** The id of the provider that stands for the local model node. */
export const LOCAL_PROVIDER_ID = "local";

/**
 * Reads the providers file, or builds the default (the local model node alone)
 * when there is none. A file that does not parse stops start-up with the
 * field at fault.
 */
export function loadProviders(file: string | undefined, localNodeUrl: string | undefined): ProvidersFile {
  let config: ProvidersFile = { providers: [], models: [] };
  if (file) {
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (err) {
      throw new Error(`MASQUE_PROVIDERS: cannot read ${file} as JSON (${(err as Error).message})`);
    }
    const parsed = providersFileSchema.safeParse(raw);
    if (!parsed.success) {
      const lines = parsed.error.issues.map((i) => `  ${formatIssuePath(i.path)}: ${i.message}`);
      throw new Error(`MASQUE_PROVIDERS: ${file} is invalid:\n${lines.join("\n")}`);
    }
    config = parsed.data;
  }
  // The local node registers itself unless the file already names a `local` provider.
  if (localNodeUrl && !config.providers.some((p) => p.id === LOCAL_PROVIDER_ID)) {
    config.providers.push({ id: LOCAL_PROVIDER_ID, kind: "openai", baseUrl: localNodeUrl, privacy: "local" });
  }
  return config;
}
