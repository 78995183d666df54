import { MICRO_USD, type TierId, tiers } from "@masque/shared";
import { eq } from "drizzle-orm";
import type { Db } from "../db/open-database.ts";
import { accounts, cardPayments } from "../db/schema.ts";

/** One month of a paid tier, as Stripe charges it. */
export const CARD_PERIOD_MS = 30 * 86_400_000;

export interface CardPayment {
  eventId: string;
  accountId: string;
  tier: TierId;
  amountCents: number;
  now?: Date;
}

/**
 * Applies a paid card checkout: the account gets the tier for one more month
 * (from the end of what it had paid, or now), and the month's buyback budget is
 * recorded for the buyback job. Idempotent on the Stripe event id: a webhook
 * delivered twice applies once. Returns whether it was applied now.
 */
export function applyCardPayment(db: Db, p: CardPayment): boolean {
  const now = p.now ?? new Date();
  return db.transaction(
    (tx) => {
      const account = tx.select().from(accounts).where(eq(accounts.id, p.accountId)).get();
      if (!account) return false;
      const seen = tx
        .select({ id: cardPayments.eventId })
        .from(cardPayments)
        .where(eq(cardPayments.eventId, p.eventId))
        .get();
      if (seen) return false;
      const from =
        account.paidUntil && account.paidUntil > now && account.tier === p.tier ? account.paidUntil : now;
      const paidUntil = new Date(from.getTime() + CARD_PERIOD_MS);
      tx.insert(cardPayments)
        .values({
          eventId: p.eventId,
          accountId: p.accountId,
          tier: p.tier,
          amountCents: p.amountCents,
          buybackMicro: tiers[p.tier].buybackUsd * MICRO_USD,
          paidUntil,
        })
        .run();
      tx.update(accounts).set({ tier: p.tier, paidUntil }).where(eq(accounts.id, p.accountId)).run();
      return true;
    },
    { behavior: "immediate" },
  );
}
