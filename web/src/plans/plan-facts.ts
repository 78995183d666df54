import type { Plan } from "../lib/api-schemas.ts";

const compact = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });

/** What a tier gives, one line each, from `GET /api/plans`. */
export function planFacts(plan: Plan): string[] {
  return [
    plan.included_credit_usd > 0
      ? `$${plan.included_credit_usd} of model credit included each month`
      : "No included credit",
    plan.daily_app_prompts === null
      ? "No daily prompt cap in the app"
      : `${plan.daily_app_prompts} prompts a day in the app`,
    plan.models === "all" ? "Every model, TEE and frontier" : "Free models only",
    `API: ${plan.rate_limits.api.requests_per_minute} requests / ${compact.format(plan.rate_limits.api.tokens_per_minute)} tokens a minute`,
    plan.buyback_usd > 0 ? `$${plan.buyback_usd} a month buys back and burns VVV` : "No buyback",
  ];
}

/** "You are on Pro, paid until 3 May 2027 (30 days left)." style text for the current plan. */
export function renewalText(tierName: string, paidUntil: string | null, now = new Date()): string {
  if (!paidUntil) return `You are on ${tierName}.`;
  const until = new Date(paidUntil);
  const date = until.toLocaleDateString(undefined, { year: "numeric", month: "long", day: "numeric" });
  if (until.getTime() <= now.getTime())
    return `You are on ${tierName}; your last paid month ended on ${date}.`;
  const days = Math.ceil((until.getTime() - now.getTime()) / 86_400_000);
  return `You are on ${tierName}, paid until ${date} (${days} day${days === 1 ? "" : "s"} left). Nothing renews by itself: pay again to add months.`;
}
