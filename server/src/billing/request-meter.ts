import { costMicroUsd, DailyPromptLimitError, MICRO_USD, tiers } from "@masque/shared";
import { and, eq, sql } from "drizzle-orm";
import type { Principal } from "../auth/principal.ts";
import { commitTogether } from "../db/group-commit.ts";
import type { Db } from "../db/open-database.ts";
import { preparedFor } from "../db/prepared-for.ts";
import { usageCounters } from "../db/schema.ts";
import type { CatalogModel } from "../routing/model-catalog.ts";
import { recordUsage, type TokenUsage } from "../usage/record-usage.ts";
import type { DiemCreditSource } from "./diem-credit.ts";
import { availableCredit, chargeFor, type HeldReservation, release, reserve, settle } from "./meter.ts";
import { nextUtcMidnight, utcDay } from "./periods.ts";

/** Completion budget assumed when a client sets no max_tokens (the hold, not a cap on the answer). */
export const DEFAULT_COMPLETION_BUDGET = 4096;

/** One request's metering: a hold before the provider is called, a charge when it ends. */
export interface RequestMeter {
  /**
   * Counts a finished request's usage and charges it for what it used, in one
   * transaction queued now (it commits with other requests' writes at the end
   * of this turn of the event loop). Returns what the request costs, known
   * from its hold at once, so a caller may answer before the commit, and
   * `settled`, which resolves to the cost charged once it has committed. From
   * here on {@link balances} is what the account can spend once this is paid,
   * as of the hold, until the settlement's own reading replaces it.
   */
  charge(model: CatalogModel, usage: TokenUsage): { costMicro: number; settled: Promise<number> };
  /** Frees the whole hold, uncharged: nothing was delivered. */
  abandon(): Promise<void>;
  /** What the account can spend now, in micro-USD: USD balance with plan credit, and today's DIEM credit. */
  balances(): { usd: number; diem: number };
  /** The same as headers for the client, in USD. */
  balanceHeaders(): Record<string, string>;
}

export interface OpenMeterOptions {
  db: Db;
  principal: Principal;
  /** The prompt's estimated tokens, and the client's `max_tokens` (if any). */
  promptEstimate: number;
  maxTokens: number | undefined;
  /** Every model that may serve; the hold covers the dearest. */
  candidates: CatalogModel[];
  diemCredit: DiemCreditSource;
  now?: Date;
}

/**
 * Meters one chat request: enforces the app's daily prompt allowance, then
 * holds the worst-case cost (prompt estimate plus the completion budget at the
 * dearest candidate's price) before anything is sent. Free models are never
 * held or charged.
 */
export async function openMeter(o: OpenMeterOptions): Promise<RequestMeter> {
  const now = o.now ?? new Date();
  const { principal, db } = o;
  checkDailyPrompts(db, principal, now);

  const completionBudget = o.maxTokens ?? DEFAULT_COMPLETION_BUDGET;
  const maxCost = Math.max(
    ...o.candidates.map((m) => costMicroUsd(o.promptEstimate, completionBudget, m.pricing)),
  );
  let reservation: HeldReservation | undefined;
  if (maxCost > 0) {
    const credit = await o.diemCredit.creditFor(principal.accountId, now);
    reservation = await commitTogether(db, () =>
      reserve(db, {
        principal,
        model: o.candidates[0]?.id ?? "",
        maxCostMicro: maxCost,
        diemCreditMicro: credit.micro,
        now,
      }),
    );
  }
  let settled = false;
  // Balances as the hold, then the settlement, left them (read in their transactions): no query
  // of its own. Free requests hold nothing, so theirs are read when asked for.
  let latest = reservation?.available;
  const balances = () => {
    const credit = latest ?? availableCredit(db, principal.accountId, new Date());
    return { usd: credit.usd + credit.plan, diem: credit.diem };
  };
  const settleOrCount = async (model: CatalogModel, usage: TokenUsage) => {
    const cost = costMicroUsd(usage.promptTokens, usage.completionTokens, model.pricing);
    const count = () => recordUsage(db, principal, model.id, usage);
    const held = reservation;
    if (held && !settled) {
      settled = true;
      const result = await commitTogether(db, () =>
        settle(db, held, cost, { model: model.id, alongside: count }),
      );
      latest = result.available;
      return result.charged.diem + result.charged.plan + result.charged.usd;
    }
    await commitTogether(db, count);
    return 0;
  };
  return {
    charge(model, usage) {
      const held = reservation;
      let costMicro = 0;
      if (held && !settled) {
        const charged = chargeFor(
          held.held,
          costMicroUsd(usage.promptTokens, usage.completionTokens, model.pricing),
        );
        costMicro = charged.diem + charged.plan + charged.usd;
        latest = {
          diem: held.available.diem + held.held.diem - charged.diem,
          plan: held.available.plan + held.held.plan - charged.plan,
          usd: held.available.usd + held.held.usd - charged.usd,
        };
      }
      return { costMicro, settled: settleOrCount(model, usage) };
    },
    async abandon() {
      const held = reservation;
      if (held && !settled) {
        settled = true;
        latest = undefined;
        await commitTogether(db, () => release(db, held));
      }
    },
    balances,
    balanceHeaders() {
      const { usd, diem } = balances();
      return { "x-masque-balance-usd": toUsd(usd), "x-masque-balance-diem": toUsd(diem) };
    },
  };
}

/** USD as a decimal string for headers, e.g. `0.001234`. */
export function toUsd(micro: number): string {
  return (micro / MICRO_USD).toFixed(6);
}

const statements = preparedFor((db) =>
  db
    .select({ n: sql<number>`coalesce(sum(${usageCounters.requests}), 0)` })
    .from(usageCounters)
    .where(
      and(
        eq(usageCounters.accountId, sql.placeholder("accountId")),
        eq(usageCounters.source, "app"),
        eq(usageCounters.day, sql.placeholder("day")),
      ),
    )
    .prepare(),
);

/** The web app's daily prompt allowance (Free); API keys are limited by credit and rate instead. */
function checkDailyPrompts(db: Db, principal: Principal, now: Date): void {
  const limit = tiers[principal.tier].dailyAppPrompts;
  if (principal.via.kind !== "session" || limit === null) return;
  const used = statements(db).get({ accountId: principal.accountId, day: utcDay(now) })?.n ?? 0;
  if (used >= limit) throw new DailyPromptLimitError(limit, nextUtcMidnight(now));
}
