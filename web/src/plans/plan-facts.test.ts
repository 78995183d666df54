import { describe, expect, it } from "vitest";
import { planFacts, renewalText } from "./plan-facts.ts";

describe("plan facts", () => {
  it("lists what a tier gives", () => {
    const facts = planFacts({
      id: "pro",
      name: "Pro",
      monthly_price_usd: 18,
      buyback_usd: 2,
      included_credit_usd: 10,
      daily_app_prompts: null,
      rate_limits: {
        app: { requests_per_minute: 30, tokens_per_minute: 200_000 },
        api: { requests_per_minute: 60, tokens_per_minute: 400_000 },
      },
      models: "all",
    });
    expect(facts).toEqual([
      "$10 of model credit included each month",
      "No daily prompt cap in the app",
      "Every model, TEE and frontier",
      "API: 60 requests / 400K tokens a minute",
      "$2 a month buys back and burns VVV",
    ]);
  });

  it("says how long the plan is paid for", () => {
    const now = new Date("2026-01-01T00:00:00Z");
    expect(renewalText("Free", null, now)).toBe("You are on Free.");
    expect(renewalText("Pro", "2026-01-31T00:00:00Z", now)).toMatch(
      /^You are on Pro, paid until .+ \(30 days left\)/,
    );
    expect(renewalText("Pro", "2025-12-01T00:00:00Z", now)).toMatch(
      /^You are on Pro; your last paid month ended/,
    );
  });
});
