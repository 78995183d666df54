import { modelListSchema } from "@masque/shared";
import { queryOptions } from "@tanstack/react-query";
import { apiFetch } from "./api-fetch.ts";
import { signInAnonymously } from "./session.ts";

/** The anonymous session, made once per page load (it also tells the account's tier). */
export const sessionQuery = () =>
  queryOptions({
    queryKey: ["session"],
    queryFn: ({ signal }) => signInAnonymously(signal),
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
