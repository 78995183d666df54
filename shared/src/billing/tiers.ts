/**
 * The subscription tiers: every number about a tier lives here and nowhere else.
 * Prices and buybacks are whole US dollars a month; credits are micro-USD.
 */
export const tierIds = ["free", "pro", "pro_plus", "max"] as const;
export type TierId = (typeof tierIds)[number];

export interface RateLimit {
  requestsPerMinute: number;
  tokensPerMinute: number;
}

export interface Tier {
  id: TierId;
  name: string;
  monthlyPriceUsd: number;
  /** USD of VVV bought back and burned for each month paid. */
  buybackUsd: number;
  /** Inference credit included each month, in micro-USD. */
  includedCreditMicroUsd: number;
  /** Prompts a day in the web app; `null` means no daily cap (credit and rate limits still apply). */
  dailyAppPrompts: number | null;
  rateLimits: { app: RateLimit; api: RateLimit };
  /** `free_only`: models priced at zero; `all`: every model in the catalog. */
  models: "free_only" | "all";
}

export const tiers: Readonly<Record<TierId, Tier>> = {
  free: {
    id: "free",
    name: "Free",
    monthlyPriceUsd: 0,
    buybackUsd: 0,
    includedCreditMicroUsd: 0,
    dailyAppPrompts: 25,
    rateLimits: {
      app: { requestsPerMinute: 10, tokensPerMinute: 20_000 },
      api: { requestsPerMinute: 20, tokensPerMinute: 40_000 },
    },
    models: "free_only",
  },
  pro: {
    id: "pro",
    name: "Pro",
    monthlyPriceUsd: 18,
    buybackUsd: 2,
    includedCreditMicroUsd: 10_000_000,
    dailyAppPrompts: null,
    rateLimits: {
      app: { requestsPerMinute: 30, tokensPerMinute: 200_000 },
      api: { requestsPerMinute: 60, tokensPerMinute: 400_000 },
    },
    models: "all",
  },
  pro_plus: {
    id: "pro_plus",
    name: "Pro+",
    monthlyPriceUsd: 60,
    buybackUsd: 5,
    includedCreditMicroUsd: 40_000_000,
    dailyAppPrompts: null,
    rateLimits: {
      app: { requestsPerMinute: 60, tokensPerMinute: 600_000 },
      api: { requestsPerMinute: 200, tokensPerMinute: 1_500_000 },
    },
    models: "all",
  },
  max: {
    id: "max",
    name: "Max",
    monthlyPriceUsd: 200,
    buybackUsd: 10,
    includedCreditMicroUsd: 150_000_000,
    dailyAppPrompts: null,
    rateLimits: {
      app: { requestsPerMinute: 120, tokensPerMinute: 2_000_000 },
      api: { requestsPerMinute: 500, tokensPerMinute: 5_000_000 },
    },
    models: "all",
  },
};
