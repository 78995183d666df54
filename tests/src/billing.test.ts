import path from "node:path";
import Database from "better-sqlite3";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MasqueProcess, runCli, startMasque, tempDataDir } from "./support/masque-process.ts";
import { writeProvidersFile } from "./support/stand-in-providers.ts";
import { StandInUpstream } from "./support/stand-in-upstream.ts";

// Metering through the real gateway process: credit is held before a request
// reaches the provider and settled to the actual cost after, in SQLite, so no
// amount of concurrency can overdraw an account.

let upstream: StandInUpstream;
let gateway: MasqueProcess;
const pricey = { inputPerMTok: 1000, outputPerMTok: 1000 }; // $0.001 a token: easy to see

beforeAll(async () => {
  upstream = await new StandInUpstream().start();
  const dataDir = tempDataDir();
  const file = writeProvidersFile(dataDir, {
    providers: [
      { id: "frontier", kind: "openai", baseUrl: upstream.baseUrl, privacy: "anonymized" },
      { id: "home", kind: "openai", baseUrl: upstream.baseUrl, privacy: "local" },
    ],
    models: [
      { id: "pricey", provider: "frontier", upstreamId: "echo", contextLength: 8192, pricing: pricey },
      {
        id: "pricey-slow",
        provider: "frontier",
        upstreamId: "delay",
        contextLength: 8192,
        pricing: pricey,
      },
      {
        id: "pricey-trickle",
        provider: "frontier",
        upstreamId: "slow",
        contextLength: 8192,
        pricing: pricey,
      },
      { id: "home-model", provider: "home", upstreamId: "echo", contextLength: 8192, pricing: pricey },
    ],
  });
  gateway = await startMasque({ dataDir, env: { MASQUE_PROVIDERS: file } });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.stop();
});

async function newKey(...args: string[]): Promise<{ key: string; keyId: string; accountId: string }> {
  const { stdout, stderr } = await runCli(["keys", "create", ...args], gateway.dataDir);
  const [, keyId = "", accountId = ""] = /Created key (\S+) for account (\S+)/.exec(stderr) ?? [];
  return { key: stdout.trim().split("\n").at(-1) ?? "", keyId, accountId };
}
const clientFor = (key: string) => new OpenAI({ apiKey: key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
const ask = (key: string, model = "pricey", max_tokens = 1000) =>
  clientFor(key).chat.completions.create({ model, messages: [{ role: "user", content: "hi" }], max_tokens });

/** Reads the gateway's ledger straight from its SQLite file. */
function ledger<T>(read: (db: Database.Database) => T): T {
  const db = new Database(path.join(gateway.dataDir, "masque.sqlite"), { readonly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}
const ledgerSum = () =>
  ledger(
    (db) => (db.prepare("select coalesce(sum(amount), 0) as s from ledger_entries").get() as { s: number }).s,
  );
const negativeBooks = () =>
  ledger((db) =>
    db.prepare("select book from ledger_balances where book like 'acct:%' and balance < 0").all(),
  );
const usdBalance = (accountId: string) =>
  ledger(
    (db) =>
      (
        db.prepare("select balance from ledger_balances where book = ?").get(`acct:${accountId}:usd`) as
          | { balance: number }
          | undefined
      )?.balance ?? 0,
  );

describe("metering", () => {
  it("charges the actual cost and says so in headers and usage", async () => {
    const { key, accountId } = await newKey("--tier", "free", "--balance-usd", "5");
    // Free plans use free models only: pricey needs a paid tier.
    const { key: paid, accountId: paidAccount } = await newKey("--tier", "pro", "--balance-usd", "5");
    expect(await ask(key).catch((e) => e.code)).toBe("model_not_in_plan");
    expect(usdBalance(accountId)).toBe(5_000_000);

    const { data, response } = await clientFor(paid)
      .chat.completions.create({
        model: "pricey",
        messages: [{ role: "user", content: "hi" }],
        max_tokens: 50,
      })
      .withResponse();
    // The stand-in reports 11 prompt and 7 completion tokens: 18 × $0.001.
    expect(response.headers.get("x-masque-cost-usd")).toBe("0.018000");
    expect((data.usage as unknown as { cost_usd: number }).cost_usd).toBeCloseTo(0.018, 9);
    // Pro's $10 of plan credit is spent before the USD balance.
    expect(response.headers.get("x-masque-balance-usd")).toBe("14.982000");
    expect(usdBalance(paidAccount)).toBe(5_000_000);

    // A stream's cost and balances arrive in its usage chunk.
    const stream = await clientFor(paid).chat.completions.create({
      model: "pricey",
      messages: [{ role: "user", content: "hi" }],
      max_tokens: 50,
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage: Record<string, number> | undefined;
    for await (const chunk of stream)
      if (chunk.usage) usage = chunk.usage as unknown as Record<string, number>;
    expect(usage?.cost_usd).toBeCloseTo(0.018, 9);
    expect(usage?.balance_usd).toBeCloseTo(14.964, 6);
  });

  it("50 concurrent requests against a balance that covers 10 never overdraw it", async () => {
    // Each request may cost up to $1.011 (1000 completion tokens and the prompt estimate at
    // $0.001 a token): Pro's $10 of plan credit and a $0.50 balance cover 10 holds at once.
    const { key, accountId } = await newKey("--tier", "pro", "--balance-usd", "0.5");
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        clientFor(key)
          .chat.completions.create({
            model: "pricey-slow",
            messages: [{ role: "user", content: "x" }],
            max_tokens: 1000,
          })
          .then(() => "ok")
          .catch((e) => e.code as string),
      ),
    );
    // The provider takes 3 s, so all 50 were in flight together: exactly 10 fit.
    expect(results.filter((r) => r === "ok")).toHaveLength(10);
    expect(results.filter((r) => r === "insufficient_balance")).toHaveLength(40);
    // Ten charged $0.018 each, from the plan credit first: the USD balance is untouched.
    expect(usdBalance(accountId)).toBe(500_000);
    expect(ledgerSum()).toBe(0);
    expect(negativeBooks()).toEqual([]);
  });

  it("a client that disconnects pays only for what it was sent", async () => {
    const { key, accountId } = await newKey("--tier", "pro");
    const controller = new AbortController();
    const stream = await clientFor(key).chat.completions.create(
      {
        model: "pricey-trickle",
        messages: [{ role: "user", content: "go on" }],
        max_tokens: 2000,
        stream: true,
      },
      { signal: controller.signal },
    );
    let chunks = 0;
    for await (const _ of stream) if (++chunks === 5) controller.abort();
    const settled = () =>
      ledger(
        (db) =>
          db
            .prepare(
              "select status, held_plan as held, charged_plan as charged from reservations where account_id = ?",
            )
            .get(accountId) as { status: string; held: number; charged: number | null },
      );
    await expect.poll(() => settled().status, { timeout: 5_000 }).toBe("settled");
    const { held, charged } = settled();
    // About $2 was held for 2000 tokens; the prompt and the few tokens delivered were charged.
    expect(held).toBeGreaterThan(2_000_000);
    expect(charged).toBeGreaterThan(0);
    expect(charged).toBeLessThan(50_000);
  });

  it("stops a spend-limited key at its limit", async () => {
    const { key: admin } = await newKey("--tier", "pro", "--admin", "--balance-usd", "20");
    const res = await fetch(`${gateway.url}/api/keys`, {
      method: "POST",
      headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
      body: JSON.stringify({ label: "capped", spend_limit: { usd: 0.05, period: "day" } }),
    });
    expect(res.status).toBe(201);
    const capped = ((await res.json()) as { key: string }).key;
    // A limit that would round to nothing, or a key born expired, is refused naming the field.
    for (const [body, param] of [
      [{ spend_limit: { usd: 1e-9, period: "day" } }, "spend_limit.usd"],
      [{ expires_at: "2001-01-01T00:00:00Z" }, "expires_at"],
    ] as const) {
      const odd = await fetch(`${gateway.url}/api/keys`, {
        method: "POST",
        headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      expect(odd.status).toBe(400);
      expect(((await odd.json()) as { error: { param: string } }).error.param).toBe(param);
    }
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++)
      outcomes.push(
        await ask(capped, "pricey", 10)
          .then(() => "ok")
          .catch((e) => e.code),
      );
    // Each costs $0.018 and may hold $0.013–0.03: the third or so passes $0.05.
    expect(outcomes[0]).toBe("ok");
    expect(outcomes).toContain("spend_limit_reached");
    expect(outcomes.lastIndexOf("ok")).toBeLessThan(outcomes.indexOf("spend_limit_reached"));
  });

  it("a private_only key cannot reach an anonymized model, but can a local one", async () => {
    const { key } = await newKey("--tier", "pro", "--private-only");
    const before = upstream.requests.length;
    const err = await ask(key, "pricey", 10).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(err.code).toBe("model_privacy_restricted");
    expect(upstream.requests.length).toBe(before);
    await expect(ask(key, "home-model", 10)).resolves.toBeDefined();
  });

  it("inference keys cannot manage keys; plans are public", async () => {
    const { key } = await newKey("--tier", "pro");
    const res = await fetch(`${gateway.url}/api/keys`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(403);
    const plans = (await (await fetch(`${gateway.url}/api/plans`)).json()) as {
      data: Array<{ id: string; monthly_price_usd: number; buyback_usd: number }>;
    };
    expect(plans.data.map((p) => [p.id, p.monthly_price_usd, p.buyback_usd])).toEqual([
      ["free", 0, 0],
      ["pro", 18, 2],
      ["pro_plus", 60, 5],
      ["max", 200, 10],
    ]);
  });
});
