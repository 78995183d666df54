import { and, eq, lt } from "drizzle-orm";
import type { Db } from "../db/open-database.ts";
import { reservations } from "../db/schema.ts";
import { release } from "./meter.ts";

/**
 * Frees the holds of requests that a previous process never finished (it was
 * killed mid-request, past its shutdown grace period): what they delivered is
 * unknown, so the client is not charged. Run at start-up, before serving;
 * returns how many were released.
 */
export function releaseStaleHolds(db: Db, startedBefore: Date): number {
  const stale = db
    .select()
    .from(reservations)
    .where(and(eq(reservations.status, "held"), lt(reservations.createdAt, startedBefore)))
    .all();
  for (const r of stale) {
    release(db, {
      id: r.id,
      accountId: r.accountId,
      held: { diem: r.heldDiem, plan: r.heldPlan, usd: r.heldUsd },
      diemBook: r.diemBook,
      planBook: r.planBook,
    });
  }
  return stale.length;
}
