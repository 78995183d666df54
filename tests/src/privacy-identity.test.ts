import { randomBytes } from "node:crypto";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MasqueProcess, runCli, startMasque, tempDataDir } from "./support/masque-process.ts";
import { writeStandInProviders } from "./support/stand-in-providers.ts";
import { StandInUpstream } from "./support/stand-in-upstream.ts";

// Guarantee 1 of the privacy core: nothing that identifies the caller reaches a
// model provider. Clients send canaries in every header and field that could
// carry identity; the stand-in provider's recording must hold none of them.

let upstream: StandInUpstream;
let gateway: MasqueProcess;

interface Caller {
  key: string;
  keyId: string;
  accountId: string;
  canary: string;
}

async function newCaller(): Promise<Caller> {
  const { stdout, stderr } = await runCli(["keys", "create", "--tier", "pro"], gateway.dataDir);
  const [, keyId = "", accountId = ""] = /Created key (\S+) for account (\S+)/.exec(stderr) ?? [];
  return {
    key: stdout.trim().split("\n").at(-1) ?? "",
    keyId,
    accountId,
    canary: `canary${randomBytes(6).toString("hex")}`,
  };
}

/** Every identity-bearing header and field a client could send, each loaded with the caller's canary. */
function loadedRequest(c: Caller, stream: boolean) {
  const body = {
    model: "standin-echo",
    messages: [
      { role: "system" as const, content: "You are helpful.", name: `${c.canary}-sysname` },
      { role: "user" as const, content: "What is the capital of France?", name: `${c.canary}-username` },
    ],
    stream,
    user: `${c.canary}-user`,
    metadata: { account: `${c.canary}-metadata` },
    store: true,
    safety_identifier: `${c.canary}-safety`,
    prompt_cache_key: `${c.canary}-cache`,
    service_tier: "default",
    masque_parameters: { wallet: `${c.canary}-wallet` },
    email: `${c.canary}@example.com`,
  };
  const headers = {
    "x-forwarded-for": `203.0.113.9, ${c.canary}-xff`,
    forwarded: `for=198.51.100.7;by=${c.canary}-fwd`,
    "x-real-ip": "198.51.100.8",
    cookie: `session=${c.canary}-cookie`,
    "user-agent": `${c.canary}-agent/1.0`,
    "x-request-id": `${c.canary}-reqid`,
    "x-wallet-address": `0x${c.canary}`,
    "openai-organization": `${c.canary}-org`,
    "x-stainless-os": `${c.canary}-os`,
  };
  return { body, headers };
}

beforeAll(async () => {
  upstream = await new StandInUpstream().start();
  const dataDir = tempDataDir();
  gateway = await startMasque({
    dataDir,
    env: {
      MASQUE_PROVIDERS: writeStandInProviders(dataDir, upstream.baseUrl, { apiKeyEnv: "STANDIN_KEY" }),
      STANDIN_KEY: "sk-pool",
    },
  });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.stop();
});

describe("identity never reaches a model provider", () => {
  it("drops every identifying header and field, streamed or not", async () => {
    const callers = [await newCaller(), await newCaller()];
    const before = upstream.requests.length;
    for (const caller of callers) {
      for (const stream of [false, true]) {
        const { body, headers } = loadedRequest(caller, stream);
        const res = await fetch(`${gateway.url}/v1/chat/completions`, {
          method: "POST",
          headers: { ...headers, authorization: `Bearer ${caller.key}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        });
        expect(res.status).toBe(200);
        await res.text();
      }
    }
    const recorded = upstream.requests.slice(before);
    expect(recorded).toHaveLength(4);
    const seen = recorded.map((r) => `${JSON.stringify(r.headers)}\n${r.rawBody}`).join("\n");
    for (const c of callers) {
      for (const secret of [
        c.canary,
        c.key,
        c.keyId,
        c.accountId,
        "203.0.113.9",
        "198.51.100.7",
        "198.51.100.8",
      ]) {
        expect(seen).not.toContain(secret);
      }
    }
    // What the provider does get: the model's inputs and our pooled key.
    expect(recorded[0]?.body.messages).toEqual([
      { role: "system", content: "You are helpful." },
      { role: "user", content: "What is the capital of France?" },
    ]);
    expect(recorded[0]?.headers.authorization).toBe("Bearer sk-pool");
  });

  it("sends the same headers whoever the caller is, so none can link requests", async () => {
    const a = await newCaller();
    const b = await newCaller();
    const before = upstream.requests.length;
    for (const c of [a, b]) {
      const { body, headers } = loadedRequest(c, false);
      await new OpenAI({
        apiKey: c.key,
        baseURL: `${gateway.url}/v1`,
        maxRetries: 0,
        defaultHeaders: headers,
      }).chat.completions.create(body as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming);
    }
    const [ra, rb] = upstream.requests.slice(before);
    const comparable = (h: Record<string, unknown>) => {
      const { "content-length": _length, ...rest } = h;
      return rest;
    };
    expect(comparable(ra?.headers ?? {})).toEqual(comparable(rb?.headers ?? {}));
    expect(ra?.rawBody).toBe(rb?.rawBody);
    expect(Object.keys(ra?.headers ?? {}).sort()).toEqual(
      [
        "accept",
        "authorization",
        "connection",
        "content-length",
        "content-type",
        "host",
        "user-agent",
      ].sort(),
    );
  });
});
