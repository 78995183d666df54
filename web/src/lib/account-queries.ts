import {
  type ReceiptProof,
  receiptProofSchema,
  type TokenBurnsPage,
  type TokenStats,
  tokenBurnsPageSchema,
  tokenStatsSchema,
} from "@masque/shared";
import { infiniteQueryOptions, queryOptions } from "@tanstack/react-query";
import type { z } from "zod";
import { apiFetch } from "./api-fetch.ts";
import {
  accountSchema,
  apiKeyListSchema,
  billingHistorySchema,
  chainInfoSchema,
  emissionsSchema,
  planListSchema,
  usageListSchema,
} from "./api-schemas.ts";
import { ensureSession } from "./session.ts";

/** GETs a gateway path (with the session, signing in again if it lapsed) and parses the answer. */
export async function fetchJson<T>(
  path: string,
  schema: z.ZodType<T>,
  signal?: AbortSignal,
  cache?: RequestCache,
): Promise<T> {
  await ensureSession();
  return schema.parse(await (await apiFetch(path, { signal, ...(cache ? { cache } : {}) })).json());
}

/** `GET /api/account`: tier, renewal, balances, today's DIEM credit. */
export const accountQuery = () =>
  queryOptions({
    queryKey: ["account"],
    queryFn: ({ signal }) => fetchJson("/api/account", accountSchema, signal),
  });

/** `GET /api/plans`: the four tiers, and whether this server takes cards. */
export const plansQuery = () =>
  queryOptions({
    queryKey: ["plans"],
    queryFn: async ({ signal }) => {
      const body = await fetchJson("/api/plans", planListSchema, signal);
      return { plans: body.data, cardPayments: body.card_payments };
    },
    staleTime: 10 * 60_000,
  });

/** `GET /api/chain`: chain id, RPC URL and contract addresses; null when the server has no chain. */
export const chainQuery = () =>
  queryOptions({
    queryKey: ["chain"],
    queryFn: async ({ signal }) => {
      const res = await fetch("/api/chain", { signal });
      if (res.status === 503) return null;
      if (!res.ok) throw new Error(`GET /api/chain answered ${res.status}.`);
      return chainInfoSchema.parse(await res.json());
    },
    staleTime: Number.POSITIVE_INFINITY,
  });

/** `GET /api/keys`. */
export const keysQuery = () =>
  queryOptions({
    queryKey: ["keys"],
    queryFn: async ({ signal }) => (await fetchJson("/api/keys", apiKeyListSchema, signal)).data,
  });

/** `GET /api/usage?days=N`: tokens and cost by day and model. */
export const usageQuery = (days: number) =>
  queryOptions({
    queryKey: ["usage", days],
    queryFn: async ({ signal }) => (await fetchJson(`/api/usage?days=${days}`, usageListSchema, signal)).data,
  });

/** `GET /api/billing/history`: payments and grants, newest first. */
export const billingHistoryQuery = () =>
  queryOptions({
    queryKey: ["billing-history"],
    queryFn: async ({ signal }) =>
      (await fetchJson("/api/billing/history", billingHistorySchema, signal)).data,
  });

/** `GET /api/token/stats`: supply, burns, staking, DIEM and buyback figures. */
export const tokenStatsQuery = () =>
  queryOptions<TokenStats>({
    queryKey: ["token", "stats"],
    queryFn: ({ signal }) => fetchJson("/api/token/stats", tokenStatsSchema, signal),
    refetchInterval: 30_000,
  });

/** `GET /api/token/emissions?months=N`: the VVV emission schedule. */
export const emissionsQuery = (months = 48) =>
  queryOptions({
    queryKey: ["token", "emissions", months],
    queryFn: ({ signal }) => fetchJson(`/api/token/emissions?months=${months}`, emissionsSchema, signal),
    staleTime: 10 * 60_000,
  });

/** `GET /api/token/burns`, newest first, a page at a time (`?cursor=` from the page before). */
export const burnsQuery = () =>
  infiniteQueryOptions({
    queryKey: ["token", "burns"],
    queryFn: ({ pageParam, signal }): Promise<TokenBurnsPage> =>
      fetchJson(
        `/api/token/burns${pageParam ? `?cursor=${encodeURIComponent(pageParam)}` : ""}`,
        tokenBurnsPageSchema,
        signal,
        // The gateway lets caches keep burns a few seconds; a reload should show a burn that just landed.
        "no-cache",
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
    refetchInterval: 30_000,
  });

/** `GET /api/token/proof/{receiptId}`: the Merkle proof that a receipt was burned. */
export const receiptProofQuery = (receiptId: number) =>
  queryOptions<ReceiptProof>({
    queryKey: ["token", "proof", receiptId],
    queryFn: ({ signal }) =>
      fetchJson(`/api/token/proof/${receiptId}`, receiptProofSchema, signal, "no-cache"),
    retry: false,
  });
