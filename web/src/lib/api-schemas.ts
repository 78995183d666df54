import { tierIds } from "@masque/shared";
import { z } from "zod";

/*
 * The answers of the gateway's account, plans, keys, usage, billing and chain
 * endpoints, as the web app reads them (server/src/routes/). Parsed at the
 * edge so a page never renders a shape it did not expect. The token API's
 * schemas live in @masque/shared.
 */

const tierId = z.enum(tierIds);
const iso = z.string();

/** `GET /api/account`. */
export const accountSchema = z.object({
  id: z.string(),
  tier: tierId,
  paid_until: iso.nullable(),
  wallet_address: z.string().nullable(),
  balances: z.object({ usd: z.number(), plan_credit: z.number() }),
  diem: z.object({
    credit_today: z.number(),
    left_today: z.number(),
    stale: z.boolean(),
    block: z.string().nullable(),
  }),
  usage_today: z.object({
    requests: z.number(),
    prompt_tokens: z.number(),
    completion_tokens: z.number(),
    daily_app_prompts: z.number().nullable(),
  }),
});
export type Account = z.infer<typeof accountSchema>;

const rate = z.object({ requests_per_minute: z.number(), tokens_per_minute: z.number() });

/** One tier of `GET /api/plans`. */
export const planSchema = z.object({
  id: tierId,
  name: z.string(),
  monthly_price_usd: z.number(),
  buyback_usd: z.number(),
  included_credit_usd: z.number(),
  daily_app_prompts: z.number().nullable(),
  rate_limits: z.object({ app: rate, api: rate }),
  models: z.string(),
});
export type Plan = z.infer<typeof planSchema>;
export const planListSchema = z.object({ data: z.array(planSchema), card_payments: z.boolean() });

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/) as unknown as z.ZodType<`0x${string}`>;

/** `GET /api/chain`: where the contracts are. */
export const chainInfoSchema = z.object({
  chain_id: z.number().int(),
  rpc_url: z.string().nullable(),
  start_block: z.number().int(),
  contracts: z.object({
    vvv: address,
    staking: address,
    diem: address,
    subscriptions: address,
    buybackBurner: address,
    usdc: address,
  }),
  usdc: z.object({ decimals: z.number().int(), is_mock: z.boolean() }),
  subscription_period_seconds: z.number().int(),
  emission_start: z.number().int(),
  tiers: z.array(
    z.object({
      id: z.string(),
      on_chain_id: z.number().int(),
      price_per_period_usdc: z.string().regex(/^\d+$/),
      buyback_per_period_usdc: z.string().regex(/^\d+$/),
    }),
  ),
});
export type ChainInfo = z.infer<typeof chainInfoSchema>;

/** One key of `GET /api/keys` (the secret is never listed). */
export const apiKeySchema = z.object({
  id: z.string(),
  key_prefix: z.string(),
  type: z.enum(["inference", "admin"]),
  label: z.string().nullable(),
  model_privacy: z.enum(["all", "private_only"]),
  spend_limit: z
    .object({ usd: z.number().nullable(), diem: z.number().nullable(), period: z.enum(["day", "month"]) })
    .nullable(),
  created_at: iso,
  expires_at: iso.nullable(),
  revoked_at: iso.nullable(),
});
export type ApiKey = z.infer<typeof apiKeySchema>;
export const apiKeyListSchema = z.object({ data: z.array(apiKeySchema) });
/** `POST /api/keys`: the key's listing plus its secret, shown once. */
export const createdKeySchema = apiKeySchema.extend({ key: z.string() });

/** One day and model of `GET /api/usage`. */
export const usageRowSchema = z.object({
  day: z.string(),
  model: z.string(),
  requests: z.number(),
  prompt_tokens: z.number(),
  completion_tokens: z.number(),
  cost_usd: z.number(),
});
export type UsageRow = z.infer<typeof usageRowSchema>;
export const usageListSchema = z.object({ data: z.array(usageRowSchema) });

/** One entry of `GET /api/billing/history`. */
export const billingEntrySchema = z.object({
  id: z.string(),
  kind: z.string(),
  amount_usd: z.number(),
  receipt_id: z.number().int().nullable(),
  tier: z.string().nullable(),
  paid_until: iso.nullable(),
  created_at: iso,
});
export type BillingEntry = z.infer<typeof billingEntrySchema>;
export const billingHistorySchema = z.object({ data: z.array(billingEntrySchema) });

/** `GET /api/token/emissions`: the VVV schedule (amounts in wei, as strings). */
export const emissionsSchema = z.object({
  start: z.number(),
  month_seconds: z.number(),
  current_month: z.number(),
  months: z.array(
    z.object({
      month: z.number(),
      starts_at: z.number(),
      ends_at: z.number(),
      emission_wei: z.string(),
      cumulative_wei: z.string(),
      rate_per_second_wei: z.string(),
      status: z.enum(["past", "current", "future"]),
    }),
  ),
});
export type Emissions = z.infer<typeof emissionsSchema>;

/** `GET /api/auth/session`. */
export const sessionAccountSchema = z.object({
  account: z.object({ id: z.string(), tier: tierId, wallet_address: z.string().nullable() }).nullable(),
});
