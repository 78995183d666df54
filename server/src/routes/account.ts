import { MICRO_USD, NotFoundError, PermissionDeniedError, tierIds, tiers } from "@masque/shared";
import { and, eq, gte, sql } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { createApiKey, listApiKeys, revokeApiKey } from "../auth/api-keys.ts";
import type { AuthVariables } from "../auth/authenticate.ts";
import type { Principal } from "../auth/principal.ts";
import { accountCredits } from "../billing/account-credits.ts";
import { grantedFor } from "../billing/credit-grants.ts";
import { type DiemCreditSource, noDiemCredit } from "../billing/diem-credit.ts";
import { availableCredit } from "../billing/meter.ts";
import { utcDay } from "../billing/periods.ts";
import type { Db } from "../db/open-database.ts";
import { accounts, cardPayments, chainPayments, reservations, usageCounters } from "../db/schema.ts";
import { parseJsonBody } from "../http/parse-json-body.ts";

const usd = (micro: number) => micro / MICRO_USD;

/**
 * `GET /api/plans`: the tiers, from the one table in shared/, and whether card payment is on (so the
 * app can say so before anyone tries). Public.
 */
export function plansRoute(cardPayments: boolean) {
  return new Hono().get("/", (c) =>
    c.json({
      object: "list",
      card_payments: cardPayments,
      data: tierIds.map((id) => {
        const t = tiers[id];
        return {
          id,
          name: t.name,
          monthly_price_usd: t.monthlyPriceUsd,
          buyback_usd: t.buybackUsd,
          included_credit_usd: usd(t.includedCreditMicroUsd),
          daily_app_prompts: t.dailyAppPrompts,
          rate_limits: {
            app: {
              requests_per_minute: t.rateLimits.app.requestsPerMinute,
              tokens_per_minute: t.rateLimits.app.tokensPerMinute,
            },
            api: {
              requests_per_minute: t.rateLimits.api.requestsPerMinute,
              tokens_per_minute: t.rateLimits.api.tokensPerMinute,
            },
          },
          models: t.models,
        };
      }),
    }),
  );
}

const createKeySchema = z.strictObject({
  label: z.string().trim().min(1).max(64).optional(),
  type: z.enum(["inference", "admin"]).default("inference"),
  expires_at: z.iso
    .datetime()
    .refine((at) => Date.parse(at) > Date.now(), "must be in the future")
    .optional(),
  model_privacy: z.enum(["all", "private_only"]).default("all"),
  spend_limit: z
    .strictObject({
      // At least one micro-unit (what the ledger counts in), and finite: no limit that rounds to nothing.
      usd: z.number().min(0.000001).max(1e9).optional(),
      diem: z.number().min(0.000001).max(1e9).optional(),
      period: z.enum(["day", "month"]),
    })
    .refine((l) => l.usd !== undefined || l.diem !== undefined, "name a usd or diem amount")
    .optional(),
});

/** Key management is for the web app's session and admin keys; inference keys cannot manage keys. */
function assertCanManageKeys(principal: Principal): void {
  if (principal.via.kind === "key" && principal.via.keyType !== "admin") {
    throw new PermissionDeniedError(
      "Only an admin key (or the web app) can manage keys.",
      "admin_key_required",
    );
  }
}

function keyView(k: ReturnType<typeof listApiKeys>[number]) {
  return {
    id: k.id,
    key_prefix: k.displayPrefix,
    type: k.type,
    label: k.label,
    model_privacy: k.modelPrivacy,
    spend_limit: k.spendLimitPeriod
      ? {
          usd: k.spendLimitUsdMicro === null ? null : usd(k.spendLimitUsdMicro),
          diem: k.spendLimitDiemMicro === null ? null : usd(k.spendLimitDiemMicro),
          period: k.spendLimitPeriod,
        }
      : null,
    created_at: k.createdAt.toISOString(),
    expires_at: k.expiresAt?.toISOString() ?? null,
    revoked_at: k.revokedAt?.toISOString() ?? null,
  };
}

/** `/api/account`, `/api/keys`, `/api/usage`, `/api/billing/history`: the caller's own, never content. */
export function accountRoutes(db: Db, diemCredit: DiemCreditSource = noDiemCredit) {
  return new Hono<{ Variables: AuthVariables }>()
    .get("/account", async (c) => {
      const principal = c.get("principal");
      const now = new Date();
      const account = db.select().from(accounts).where(eq(accounts.id, principal.accountId)).get();
      const credit = await diemCredit.creditFor(principal.accountId, now);
      const available = availableCredit(db, principal.accountId, now);
      const today = db
        .select({
          requests: sql<number>`coalesce(sum(${usageCounters.requests}), 0)`,
          promptTokens: sql<number>`coalesce(sum(${usageCounters.promptTokens}), 0)`,
          completionTokens: sql<number>`coalesce(sum(${usageCounters.completionTokens}), 0)`,
        })
        .from(usageCounters)
        .where(and(eq(usageCounters.accountId, principal.accountId), eq(usageCounters.day, utcDay(now))))
        .get();
      const tier = tiers[principal.tier];
      return c.json({
        id: principal.accountId,
        tier: principal.tier,
        paid_until: account?.paidUntil?.toISOString() ?? null,
        wallet_address: account?.walletAddress ?? null,
        balances: { usd: usd(available.usd), plan_credit: usd(available.plan) },
        diem: {
          credit_today: usd(credit.micro),
          // Credit not granted yet (it is, at the next paid request) is left too.
          left_today: usd(
            available.diem +
              Math.max(0, credit.micro - grantedFor(db, principal.accountId, "diem", utcDay(now))),
          ),
          stale: credit.stale,
          block: credit.block?.toString() ?? null,
        },
        usage_today: {
          requests: today?.requests ?? 0,
          prompt_tokens: today?.promptTokens ?? 0,
          completion_tokens: today?.completionTokens ?? 0,
          daily_app_prompts: tier.dailyAppPrompts,
        },
      });
    })
    .get("/keys", (c) => {
      const principal = c.get("principal");
      assertCanManageKeys(principal);
      return c.json({ object: "list", data: listApiKeys(db, principal.accountId).map(keyView) });
    })
    .post("/keys", async (c) => {
      const principal = c.get("principal");
      assertCanManageKeys(principal);
      const body = await parseJsonBody(c, createKeySchema);
      const created = createApiKey(db, {
        accountId: principal.accountId,
        label: body.label,
        type: body.type,
        expiresAt: body.expires_at ? new Date(body.expires_at) : undefined,
        modelPrivacy: body.model_privacy,
        spendLimit: body.spend_limit && {
          usdMicro: body.spend_limit.usd === undefined ? null : Math.round(body.spend_limit.usd * MICRO_USD),
          diemMicro:
            body.spend_limit.diem === undefined ? null : Math.round(body.spend_limit.diem * MICRO_USD),
          period: body.spend_limit.period,
        },
      });
      const view = listApiKeys(db, principal.accountId).find((k) => k.id === created.id);
      // The secret is in this answer only; it is not stored.
      return c.json({ ...(view && keyView(view)), key: created.key }, 201);
    })
    .delete("/keys/:id", (c) => {
      const principal = c.get("principal");
      assertCanManageKeys(principal);
      if (!revokeApiKey(db, c.req.param("id"), principal.accountId)) {
        throw new NotFoundError("No active key with that id on your account.", "key_not_found");
      }
      return c.body(null, 204);
    })
    .get("/usage", (c) => {
      const principal = c.get("principal");
      const days = Math.min(366, Math.max(1, Number(c.req.query("days") ?? 30) || 30));
      const since = utcDay(new Date(Date.now() - (days - 1) * 86_400_000));
      const rows = db
        .select({
          day: usageCounters.day,
          model: usageCounters.model,
          requests: sql<number>`sum(${usageCounters.requests})`,
          promptTokens: sql<number>`sum(${usageCounters.promptTokens})`,
          completionTokens: sql<number>`sum(${usageCounters.completionTokens})`,
        })
        .from(usageCounters)
        .where(and(eq(usageCounters.accountId, principal.accountId), gte(usageCounters.day, since)))
        .groupBy(usageCounters.day, usageCounters.model)
        .orderBy(usageCounters.day, usageCounters.model)
        .all();
      const costs = db
        .select({
          day: sql<string>`strftime('%Y-%m-%d', ${reservations.createdAt} / 1000, 'unixepoch')`,
          model: reservations.model,
          cost: sql<number>`sum(coalesce(${reservations.chargedDiem}, 0) + coalesce(${reservations.chargedPlan}, 0) + coalesce(${reservations.chargedUsd}, 0))`,
        })
        .from(reservations)
        .where(
          and(
            eq(reservations.accountId, principal.accountId),
            eq(reservations.status, "settled"),
            gte(reservations.createdAt, new Date(`${since}T00:00:00Z`)),
          ),
        )
        .groupBy(sql`1`, reservations.model)
        .all();
      const costOf = new Map(costs.map((r) => [`${r.day}|${r.model}`, r.cost]));
      return c.json({
        object: "list",
        data: rows.map((r) => ({
          day: r.day,
          model: r.model,
          requests: r.requests,
          prompt_tokens: r.promptTokens,
          completion_tokens: r.completionTokens,
          cost_usd: usd(costOf.get(`${r.day}|${r.model}`) ?? 0),
        })),
      });
    })
    .get("/billing/history", (c) => {
      const { accountId } = c.get("principal");
      const credits = accountCredits(db, accountId).map((r) => ({
        id: r.id,
        kind: `credit_${r.kind}`,
        amount_usd: usd(r.amount),
        receipt_id: null,
        tier: null,
        paid_until: null,
        created_at: r.at,
      }));
      const usdc = db
        .select()
        .from(chainPayments)
        .where(eq(chainPayments.accountId, accountId))
        .all()
        .map((p) => ({
          id: `${p.txHash}:${p.logIndex}`,
          kind: "subscription_usdc",
          amount_usd: Number(p.amount) / 1e6,
          // The buyback receipt this payment funded: `GET /api/token/proof/{receipt_id}` proves its burn.
          receipt_id: Number(p.receiptId),
          tier: p.tier,
          paid_until: p.paidUntil,
          created_at: p.appliedAt ?? p.paidUntil,
        }));
      const card = db
        .select()
        .from(cardPayments)
        .where(eq(cardPayments.accountId, accountId))
        .all()
        .map((p) => ({
          id: p.eventId,
          kind: "subscription_card",
          amount_usd: p.amountCents / 100,
          // Set once the job has deposited this payment's budget on-chain.
          receipt_id: p.buybackReceiptId,
          tier: p.tier,
          paid_until: p.paidUntil,
          created_at: p.createdAt,
        }));
      const data = [...credits, ...usdc, ...card]
        .sort((x, y) => y.created_at.getTime() - x.created_at.getTime())
        .map((r) => ({
          ...r,
          paid_until: r.paid_until?.toISOString() ?? null,
          created_at: r.created_at.toISOString(),
        }));
      return c.json({ object: "list", data });
    });
}
