import { InvalidRequestError, ModelUnavailableError, tiers } from "@masque/shared";
import { Hono } from "hono";
import type Stripe from "stripe";
import { z } from "zod";
import type { AuthVariables } from "../auth/authenticate.ts";
import { applyCardPayment } from "../billing/card-payments.ts";
import type { Db } from "../db/open-database.ts";
import { parseJsonBody } from "../http/parse-json-body.ts";
import type { Logger } from "../logging/logger.ts";

export interface CardSettings {
  stripe: Stripe;
  webhookSecret: string;
  /** Where Checkout sends the user back. */
  publicUrl: string;
}

const checkoutSchema = z.strictObject({ tier: z.enum(["pro", "pro_plus", "max"]) });

function cardsOff(): never {
  throw new ModelUnavailableError(
    "Card payment is off on this server; pay with USDC on-chain.",
    "card_payments_disabled",
  );
}

/** `POST /api/billing/checkout` (signed in): a Stripe Checkout session for a tier. */
export function checkoutRoute(cards: CardSettings | undefined) {
  return new Hono<{ Variables: AuthVariables }>().post("/checkout", async (c) => {
    if (!cards) cardsOff();
    const { tier } = await parseJsonBody(c, checkoutSchema);
    const plan = tiers[tier];
    const session = await cards.stripe.checkout.sessions.create({
      mode: "payment",
      // The account id only: Stripe learns nothing else about the user from us.
      client_reference_id: c.get("principal").accountId,
      metadata: { tier },
      line_items: [
        {
          quantity: 1,
          price_data: {
            currency: "usd",
            unit_amount: plan.monthlyPriceUsd * 100,
            product_data: { name: `Masque ${plan.name}, one month` },
          },
        },
      ],
      success_url: `${cards.publicUrl}/plans?checkout=success`,
      cancel_url: `${cards.publicUrl}/plans?checkout=cancelled`,
    });
    if (!session.url) throw new InvalidRequestError("Stripe returned no checkout URL.");
    return c.json({ id: session.id, url: session.url });
  });
}

/**
 * `POST /api/billing/stripe/webhook`: Stripe's signed events. The signature is
 * checked over the raw body before anything is read; each event applies once.
 * @see https://docs.stripe.com/webhooks#verify-events
 */
export function stripeWebhookRoute(db: Db, cards: CardSettings | undefined, logger: Logger) {
  return new Hono().post("/", async (c) => {
    if (!cards) cardsOff();
    const raw = await c.req.text();
    let event: Stripe.Event;
    try {
      event = cards.stripe.webhooks.constructEvent(
        raw,
        c.req.header("stripe-signature") ?? "",
        cards.webhookSecret,
      );
    } catch {
      throw new InvalidRequestError("The Stripe signature does not verify.", { code: "invalid_signature" });
    }
    if (event.type === "checkout.session.completed") {
      const session = event.data.object;
      const tier = session.metadata?.tier;
      if (
        session.payment_status === "paid" &&
        session.client_reference_id &&
        (tier === "pro" || tier === "pro_plus" || tier === "max")
      ) {
        const applied = applyCardPayment(db, {
          eventId: event.id,
          accountId: session.client_reference_id,
          tier,
          amountCents: session.amount_total ?? 0,
        });
        logger.info({ eventId: event.id, applied }, "card payment");
      }
    }
    return c.json({ received: true });
  });
}
