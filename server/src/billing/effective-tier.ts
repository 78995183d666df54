import type { TierId } from "@masque/shared";

/** A paid tier lapses to Free when its paid period ends; no end date means the operator set it. */
export function effectiveTier(tier: TierId, paidUntil: Date | null, now = new Date()): TierId {
  return paidUntil && paidUntil <= now ? "free" : tier;
}
