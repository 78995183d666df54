import { type ModelList, modelListSchema } from "@masque/shared";

/** Lists the models the gateway offers, validated against the shared schema. */
export async function fetchModels(apiKey: string, signal?: AbortSignal): Promise<ModelList> {
  const res = await fetch("/v1/models", { headers: { authorization: `Bearer ${apiKey}` }, signal });
  const body: unknown = await res.json();
  if (!res.ok)
    throw new Error((body as { error?: { message?: string } }).error?.message ?? `HTTP ${res.status}`);
  return modelListSchema.parse(body);
}
