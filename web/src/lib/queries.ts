import { modelListSchema } from "@masque/shared";
import { queryOptions } from "@tanstack/react-query";
import { apiFetch } from "./api-fetch.ts";
import { resumeSession } from "./session.ts";

/** The session: the one the cookie already holds, else a new anonymous one (it also tells the tier). */
export const sessionQuery = () =>
  queryOptions({
    queryKey: ["session"],
    queryFn: ({ signal }) => resumeSession(signal),
    staleTime: Number.POSITIVE_INFINITY,
    retry: 2,
  });

/**
 * `GET /v1/models`, validated with the shared schema. Refreshed every minute
 * because a TEE model can lose (or regain) its verified attestation.
 */
export const modelsQuery = (enabled = true) =>
  queryOptions({
    queryKey: ["models"],
    queryFn: async ({ signal }) =>
      modelListSchema.parse(await (await apiFetch("/v1/models", { signal })).json()),
    refetchInterval: 60_000,
    enabled,
  });
