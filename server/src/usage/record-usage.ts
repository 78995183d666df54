import { sql } from "drizzle-orm";
import { type Principal, usageSource } from "../auth/principal.ts";
import { utcDay } from "../billing/periods.ts";
import type { Db } from "../db/open-database.ts";
import { preparedFor } from "../db/prepared-for.ts";
import { usageCounters } from "../db/schema.ts";

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

const statements = preparedFor((db) => {
  const p = sql.placeholder;
  return {
    addUsage: db
      .insert(usageCounters)
      .values({
        source: p("source"),
        accountId: p("accountId"),
        day: p("day"),
        model: p("model"),
        requests: 1,
        promptTokens: p("promptTokens"),
        completionTokens: p("completionTokens"),
      })
      .onConflictDoUpdate({
        target: [usageCounters.accountId, usageCounters.source, usageCounters.day, usageCounters.model],
        set: {
          requests: sql`${usageCounters.requests} + 1`,
          promptTokens: sql`${usageCounters.promptTokens} + excluded.prompt_tokens`,
          completionTokens: sql`${usageCounters.completionTokens} + excluded.completion_tokens`,
        },
      })
      .prepare(),
  };
});

/** Adds one request's token counts to today's (UTC) counter for its account, source and model. */
export function recordUsage(
  db: Db,
  principal: Principal,
  model: string,
  usage: TokenUsage,
  now = new Date(),
): void {
  statements(db).addUsage.run({
    source: usageSource(principal),
    accountId: principal.accountId,
    day: utcDay(now),
    model,
    promptTokens: usage.promptTokens,
    completionTokens: usage.completionTokens,
  });
}
