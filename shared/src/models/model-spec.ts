import { z } from "zod";
import { privacyClasses } from "./privacy-class.ts";

/** A TEE model's attestation as the catalog reports it (the full evidence is at `GET /v1/attestation`). */
export const teeVerificationSchema = z.object({
  state: z.enum(["verified", "failed", "stale", "pending"]),
  checked_at: z.string().nullable(),
  expires_at: z.string().nullable(),
  signing_address: z.string().nullable(),
  tcb_status: z.string().nullable(),
  /** The failed check's reason code, when `state` is `failed`. */
  reason: z.string().optional(),
});
export type TeeVerification = z.infer<typeof teeVerificationSchema>;

/** What `GET /v1/models` says about each model beyond OpenAI's fields. */
export const modelSpecSchema = z.object({
  privacy: z.enum(privacyClasses),
  /** USD per one million tokens. */
  pricing: z.object({ input_per_mtok: z.number().nonnegative(), output_per_mtok: z.number().nonnegative() }),
  context_length: z.number().int().positive(),
  capabilities: z.object({ function_calling: z.boolean(), vision: z.boolean(), reasoning: z.boolean() }),
  available: z.boolean(),
  /** Why the model cannot serve now; present only when `available` is false. */
  unavailable_reason: z.string().optional(),
  /** TEE models only. */
  verification: teeVerificationSchema.optional(),
});
export type ModelSpec = z.infer<typeof modelSpecSchema>;

/** One entry of `GET /v1/models`: OpenAI's model object plus `model_spec`. */
export const modelEntrySchema = z.object({
  id: z.string(),
  object: z.literal("model"),
  created: z.number().int(),
  owned_by: z.string(),
  model_spec: modelSpecSchema,
});
export type ModelEntry = z.infer<typeof modelEntrySchema>;

export const modelListSchema = z.object({ object: z.literal("list"), data: z.array(modelEntrySchema) });
export type ModelList = z.infer<typeof modelListSchema>;
