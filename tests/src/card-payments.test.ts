import http from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MasqueProcess, startMasque } from "./support/masque-process.ts";

// Card payments with the official Stripe SDK on both sides: the gateway
// creates Checkout sessions against a local stand-in of Stripe's API, and
// webhooks are signed with the SDK's own test-header helper.

const WEBHOOK_SECRET = "whsec_masque_test_secret";
const stripe = new Stripe("sk_test_masque");
const created: URLSearchParams[] = [];
let stripeApi: http.Server;
let gateway: MasqueProcess;
let cookie = "";
let accountId = "";

beforeAll(async () => {
  stripeApi = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      if (req.method === "POST" && req.url === "/v1/checkout/sessions") {
        created.push(new URLSearchParams(body));
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            id: "cs_test_1",
            object: "checkout.session",
            url: "https://checkout.stripe.test/c/cs_test_1",
          }),
        );
      } else {
        res.writeHead(404).end();
      }
    });
  });
  await new Promise<void>((r) => stripeApi.listen(0, "127.0.0.1", r));
  gateway = await startMasque({
    env: {
      STRIPE_SECRET_KEY: "sk_test_masque",
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_BASE: `http://127.0.0.1:${(stripeApi.address() as AddressInfo).port}`,
    },
  });
  const res = await fetch(`${gateway.url}/api/auth/anonymous`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ deviceSecret: "card-payer-d3vice-s3cret-0123456789" }),
  });
  cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  accountId = ((await res.json()) as { account: { id: string } }).account.id;
});

afterAll(async () => {
  await gateway?.stop();
  await new Promise((r) => stripeApi?.close(r));
});

const account = async () =>
  (await (await fetch(`${gateway.url}/api/account`, { headers: { cookie } })).json()) as {
    tier: string;
    paid_until: string | null;
  };

function webhook(
  payload: string,
  signature = stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }),
) {
  return fetch(`${gateway.url}/api/billing/stripe/webhook`, {
    method: "POST",
    headers: { "content-type": "application/json", "stripe-signature": signature },
    body: payload,
  });
}

const completed = (eventId: string) =>
  JSON.stringify({
    id: eventId,
    object: "event",
    type: "checkout.session.completed",
    data: {
      object: {
        id: "cs_test_1",
        object: "checkout.session",
        client_reference_id: accountId,
        metadata: { tier: "pro" },
        payment_status: "paid",
        amount_total: 1800,
      },
    },
  });

describe("card payments through Stripe Checkout", () => {
  it("creates a Checkout session that tells Stripe only the account id and the price", async () => {
    const res = await fetch(`${gateway.url}/api/billing/checkout`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie },
      body: JSON.stringify({ tier: "pro" }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { url: string }).url).toBe("https://checkout.stripe.test/c/cs_test_1");
    const form = created.at(-1);
    expect(form?.get("client_reference_id")).toBe(accountId);
    expect(form?.get("line_items[0][price_data][unit_amount]")).toBe("1800");
    expect(form?.get("metadata[tier]")).toBe("pro");
    expect(form?.get("customer_email")).toBeNull();
  });

  it("activates the tier once for a signed, paid checkout, however often Stripe delivers it", async () => {
    expect((await webhook(completed("evt_paid_1"))).status).toBe(200);
    const first = await account();
    expect(first.tier).toBe("pro");
    expect(((Date.parse(first.paid_until ?? "") - Date.now()) / 86_400_000) | 0).toBe(29);
    expect((await webhook(completed("evt_paid_1"))).status).toBe(200);
    expect((await account()).paid_until).toBe(first.paid_until);
    const history = (await (
      await fetch(`${gateway.url}/api/billing/history`, { headers: { cookie } })
    ).json()) as {
      data: Array<{ kind: string; amount_usd: number; tier: string }>;
    };
    expect(history.data).toEqual([
      expect.objectContaining({ kind: "subscription_card", amount_usd: 18, tier: "pro" }),
    ]);
  });

  it("refuses a webhook whose signature does not verify", async () => {
    const forged = await webhook(completed("evt_forged"), "t=1,v1=deadbeef");
    expect(forged.status).toBe(400);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe("invalid_signature");
    const wrongSecret = await webhook(
      completed("evt_forged_2"),
      stripe.webhooks.generateTestHeaderString({
        payload: completed("evt_forged_2"),
        secret: "whsec_someone_else",
      }),
    );
    expect(wrongSecret.status).toBe(400);
  });

  it("says so when card payment is off", async () => {
    const plain = await startMasque();
    try {
      const anon = await fetch(`${plain.url}/api/auth/anonymous`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ deviceSecret: "no-cards-d3vice-s3cret-0123456789" }),
      });
      const res = await fetch(`${plain.url}/api/billing/checkout`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          cookie: (anon.headers.get("set-cookie") ?? "").split(";")[0] ?? "",
        },
        body: JSON.stringify({ tier: "pro" }),
      });
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("card_payments_disabled");
      // The plans say so up front, so the app need not try.
      const plans = (await (await fetch(`${plain.url}/api/plans`)).json()) as { card_payments: boolean };
      expect(plans.card_payments).toBe(false);
      const withCards = (await (await fetch(`${gateway.url}/api/plans`)).json()) as {
        card_payments: boolean;
      };
      expect(withCards.card_payments).toBe(true);
    } finally {
      await plain.stop();
    }
  });
});
