import { countCompletionTokens, countPromptTokens } from "@masque/server/usage/count-tokens.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isOpenAIError, streamChat } from "./support/chat-stream.ts";
import { type HardeningGateway, ledgerState, startHardeningGateway } from "./support/gateway.ts";
import { ScriptedUpstream } from "./support/scripted-upstream.ts";

// Provider faults through a real gateway: every failure reaches the client as a
// clean OpenAI-shaped error, retries and fallbacks never leave the model's
// privacy class, and the ledger charges for nothing that was not delivered.
// (The plain 502/504/400 answers and a non-streaming fallback are covered in
// gateway-api.test.ts; this file adds the money and the streamed cases.)

const PRICE = 1000; // USD per million tokens: $0.001 a token, so every token shows in micro-USD
let upstream: ScriptedUpstream;
let gateway: HardeningGateway;
let key: string;

beforeAll(async () => {
  upstream = await new ScriptedUpstream().start();
  const paid = (id: string, upstreamId: string, extra: object = {}) => ({
    id,
    upstreamId,
    pricePerMTok: PRICE,
    ...extra,
  });
  gateway = await startHardeningGateway(
    upstream.baseUrl,
    [
      paid("echo", "echo"),
      paid("local-echo", "echo-local", { privacy: "local" }),
      ...[500, 502, 503, 504, 429].map((s) => paid(`status-${s}`, `status-${s}`)),
      paid("resetnow", "resetnow"),
      paid("hang", "hang"),
      paid("flaky", "flaky-503"),
      paid("broken", "status-500-a", { fallbacks: ["echo"] }),
      paid("local-broken", "status-500-local", { privacy: "local", fallbacks: ["local-echo"] }),
      paid("reset-3", "reset-3"),
      paid("malformed-3", "malformed-3"),
      paid("errorevent-3", "errorevent-3"),
      paid("stall-3", "stall-3"),
      paid("malformed-0", "malformed-0"),
      paid("stall-0", "stall-0"),
    ],
    { env: { MASQUE_UPSTREAM_TIMEOUT_MS: "2000" } },
  );
  key = gateway.adminKey;
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  await upstream?.stop();
});

const messages = [{ role: "user", content: "How are the fish today?" }];

async function chat(model: string) {
  const res = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model, messages, max_tokens: 200 }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** The newest reservation for a model: what was held, and what was charged once it closed. */
function lastReservation(model: string) {
  const [row] = gateway.sql<{ status: string; held: number; charged: number | null }>(
    `select status, held_diem + held_plan + held_usd as held,
            charged_diem + charged_plan + charged_usd as charged
     from reservations where model = ? order by created_at desc limit 1`,
    model,
  );
  return row;
}

const upstreamCalls = async <T>(run: () => Promise<T>) => {
  const before = upstream.requests.length;
  const result = await run();
  return { result, calls: upstream.requests.slice(before).map((r) => r.model) };
};

describe("provider failures before any answer", () => {
  it.each([
    ["status-500", 502, "upstream_error", 2],
    ["status-502", 502, "upstream_error", 2],
    ["status-503", 502, "upstream_error", 2],
    ["status-429", 503, "model_unavailable", 2],
    ["resetnow", 503, "model_unavailable", 2],
    // A timeout is not retried on the same model: the client has waited long enough.
    ["status-504", 504, "upstream_timeout", 1],
    ["hang", 504, "upstream_timeout", 1],
  ])(
    "%s: %i %s in OpenAI's shape after %i attempt(s), and no charge",
    async (model, status, code, attempts) => {
      for (const stream of [false, true]) {
        const { result, calls } = await upstreamCalls<{ status: number; error?: unknown }>(async () => {
          if (stream) return streamChat(gateway.url, key, { model, messages, max_tokens: 200 });
          const { status, body } = await chat(model);
          return { status, error: body.error };
        });
        const { error } = result;
        expect(result.status).toBe(status);
        expect(isOpenAIError({ error })).toBe(true);
        expect(error).toMatchObject({ code, type: "api_error" });
        expect(JSON.stringify(error)).not.toMatch(/sk-upstream-secret/);
        expect(calls).toHaveLength(attempts);
        expect(lastReservation(model)).toMatchObject({ status: "released", charged: 0 });
      }
    },
  );

  it("retries a transient failure once and charges the answer once", async () => {
    const { result, calls } = await upstreamCalls(() => chat("flaky"));
    expect(result.status).toBe(200);
    expect(calls).toEqual(["flaky-503", "flaky-503"]);
    expect(gateway.sql("select id from reservations where model = 'flaky'")).toHaveLength(1);
    // The answer is sent first; its charge commits right after.
    await expect.poll(() => lastReservation("flaky")?.status).toBe("settled");
    expect(lastReservation("flaky")?.charged).toBe(18 * PRICE);
  });

  it("falls back only within the privacy class, streamed too", async () => {
    for (const [model, fallback, privacy, path] of [
      ["broken", "echo", "anonymized", ["status-500-a", "echo"]],
      ["local-broken", "local-echo", "local", ["status-500-local", "echo-local"]],
    ] as const) {
      const { result, calls } = await upstreamCalls(() =>
        streamChat(gateway.url, key, { model, messages, stream_options: { include_usage: true } }),
      );
      expect(result.status).toBe(200);
      expect(result.headers.get("x-masque-privacy")).toBe(privacy);
      expect(result.events.every((e) => e.model === fallback)).toBe(true);
      expect(result.text).toMatch(/^echo: /);
      expect(result.done).toBe(true);
      expect(calls).toEqual(path);
    }
  });
});

describe("provider failures mid-stream", () => {
  const cost = (delivered: string) =>
    (countPromptTokens(messages) + countCompletionTokens(delivered)) * PRICE;

  it.each([
    ["reset-3", "upstream_error"],
    ["malformed-3", "upstream_error"],
    ["errorevent-3", "upstream_error"],
    ["stall-3", "upstream_timeout"],
  ])("%s: the tokens sent, then a %s error event; charged for exactly those", async (model, code) => {
    const out = await streamChat(gateway.url, key, { model, messages, max_tokens: 200 });
    expect(out.status).toBe(200);
    expect(out.text).toBe("t0 t1 t2 ");
    expect(out.done).toBe(false);
    expect(isOpenAIError({ error: out.error })).toBe(true);
    expect(out.error?.code).toBe(code);
    expect(JSON.stringify(out.error)).not.toMatch(/sk-upstream-secret/);
    // The events before the error are ordinary chunks under our id.
    const ids = new Set(out.events.filter((e) => !e.error).map((e) => e.id));
    expect(ids.size).toBe(1);
    expect(String([...ids][0])).toMatch(/^chatcmpl-/);
    await expect.poll(() => lastReservation(model)?.status).toBe("settled");
    expect(lastReservation(model)?.charged).toBe(cost("t0 t1 t2 "));
  });

  it.each([
    ["malformed-0", "upstream_error"],
    ["stall-0", "upstream_timeout"],
  ])("%s: a stream that broke before any token is not charged", async (model, code) => {
    const out = await streamChat(gateway.url, key, { model, messages, max_tokens: 200 });
    expect(out.text).toBe("");
    expect(out.error?.code).toBe(code);
    await expect.poll(() => lastReservation(model)?.status).toBe("released");
    expect(lastReservation(model)?.charged).toBe(0);
  });

  it("leaves the ledger balanced, with no hold open", () => {
    expect(ledgerState(gateway)).toEqual({ sum: 0, negative: [], held: 0, drifted: 0 });
  });
});
