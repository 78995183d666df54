import { sql } from "drizzle-orm";
import { type Principal, usageSource } from "../auth/principal.ts";
import type { Db } from "../db/open-database.ts";
import { usageCounters } from "../db/schema.ts";

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

/** Adds one request's token counts to today's (UTC) counter for its account, source and model. */
export function recordUsage(
  db: Db,
  principal: Principal,
  model: string,
  usage: TokenUsage,
  now = new Date(),
): void {
  const day = now.toISOString().slice(0, 10);
  db.insert(usageCounters)
    .values({
      source: usageSource(principal),
      accountId: principal.accountId,
      day,
      model,
      requests: 1,
      promptTokens: usage.promptTokens,
      completionTokens: usage.completionTokens,
    })
    .onConflictDoUpdate({
      target: [usageCounters.accountId, usageCounters.source, usageCounters.day, usageCounters.model],
      set: {
        requests: sql`${usageCounters.requests} + 1`,
        promptTokens: sql`${usageCounters.promptTokens} + ${usage.promptTokens}`,
        completionTokens: sql`${usageCounters.completionTokens} + ${usage.completionTokens}`,
      },
    })
    .run();
}
