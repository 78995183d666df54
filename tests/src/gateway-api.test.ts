import fs from "node:fs";
import path from "node:path";
import type { ModelEntry, OpenAIErrorBody } from "@masque/shared";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey, type MasqueProcess, startMasque, tempDataDir } from "./support/masque-process.ts";
import { StandInUpstream } from "./support/stand-in-upstream.ts";

const POOLED_KEY = "sk-pooled-provider-key-7f3a";
let upstream: StandInUpstream;
let gateway: MasqueProcess;
let client: OpenAI;
let key: string;

const free = { inputPerMTok: 0, outputPerMTok: 0 };
const standIn = (id: string, upstreamId: string, pricing = free) => ({
  id,
  provider: "standin",
  upstreamId,
  contextLength: 8192,
  pricing,
});

beforeAll(async () => {
  upstream = await new StandInUpstream().start();
  const dataDir = tempDataDir();
  const providersFile = path.join(dataDir, "providers.json");
  fs.writeFileSync(
    providersFile,
    JSON.stringify({
      providers: [
        {
          id: "standin",
          kind: "openai",
          baseUrl: upstream.baseUrl,
          apiKeyEnv: "STANDIN_KEY",
          privacy: "anonymized",
        },
        {
          id: "nokey",
          kind: "openai",
          baseUrl: upstream.baseUrl,
          apiKeyEnv: "MISSING_KEY",
          privacy: "anonymized",
        },
        { id: "enclave", kind: "openai", baseUrl: upstream.baseUrl, privacy: "tee" },
      ],
      models: [
        standIn("standin-echo", "echo"),
        standIn("standin-paid", "echo", { inputPerMTok: 1, outputPerMTok: 2 }),
        standIn("standin-no-usage", "no-usage"),
        standIn("standin-tool", "tool"),
        standIn("standin-slow", "slow"),
        standIn("standin-500", "status-500"),
        standIn("standin-400", "status-400"),
        standIn("standin-401", "status-401"),
        standIn("standin-hang", "hang"),
        standIn("standin-malformed", "malformed"),
        standIn("standin-reset", "reset"),
        { ...standIn("standin-flaky", "status-500"), fallbacks: ["standin-echo"] },
        { id: "nokey-model", provider: "nokey", contextLength: 8192, pricing: free },
        { id: "tee-model", provider: "enclave", contextLength: 8192, pricing: free },
      ],
    }),
  );
  gateway = await startMasque({
    dataDir,
    env: { MASQUE_PROVIDERS: providersFile, STANDIN_KEY: POOLED_KEY, MASQUE_UPSTREAM_TIMEOUT_MS: "1500" },
  });
  key = await createKey(dataDir, "--tier", "max", "--label", "api-tests");
  client = new OpenAI({ apiKey: key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.stop();
});

const lastUpstreamBody = () => upstream.requests.at(-1)?.body ?? {};

describe("GET /v1/models", () => {
  it("lists every model with its privacy, pricing, context, capabilities and availability", async () => {
    const page = await client.models.list();
    const byId = new Map(page.data.map((m) => [m.id, m as unknown as ModelEntry]));
    const paid = byId.get("standin-paid");
    expect(paid?.object).toBe("model");
    expect(paid?.model_spec).toEqual({
      privacy: "anonymized",
      pricing: { input_per_mtok: 1, output_per_mtok: 2 },
      context_length: 8192,
      capabilities: { function_calling: true, vision: false, reasoning: false },
      available: true,
    });
    expect(byId.get("nokey-model")?.model_spec).toMatchObject({ available: false });
    expect(byId.get("nokey-model")?.model_spec.unavailable_reason).toMatch(/credentials/);
    expect(byId.get("tee-model")?.model_spec).toMatchObject({ privacy: "tee", available: false });
  });

  it("retrieves one model", async () => {
    const model = await client.models.retrieve("standin-echo");
    expect(model.id).toBe("standin-echo");
  });
});

describe("POST /v1/chat/completions", () => {
  it("answers a non-streaming chat with our id, our model name and the provider's usage", async () => {
    const res = await client.chat.completions.create({
      model: "standin-echo",
      messages: [{ role: "user", content: "hello there" }],
    });
    expect(res.choices[0]?.message.content).toBe("echo: hello there");
    expect(res.model).toBe("standin-echo");
    expect(res.id).toMatch(/^chatcmpl-/);
    expect(res.id).not.toBe("chatcmpl-upstream-id");
    expect(res.usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 });
    expect(lastUpstreamBody().model).toBe("echo");
  });

  it("counts usage with a tokenizer when the provider reports none", async () => {
    const res = await client.chat.completions.create({
      model: "standin-no-usage",
      messages: [{ role: "user", content: "count these tokens for me please" }],
    });
    expect(res.usage?.prompt_tokens).toBeGreaterThan(6);
    expect(res.usage?.completion_tokens).toBeGreaterThan(3);
    expect(res.usage?.total_tokens).toBe(
      (res.usage?.prompt_tokens ?? 0) + (res.usage?.completion_tokens ?? 0),
    );
  });

  it("streams deltas that reassemble to the answer, with usage last when asked", async () => {
    const stream = await client.chat.completions.create({
      model: "standin-echo",
      messages: [{ role: "user", content: "a streamed reply" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    const ids = new Set<string>();
    let usage: OpenAI.CompletionUsage | undefined | null;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      ids.add(chunk.id);
      expect(chunk.model).toBe("standin-echo");
      text += chunk.choices[0]?.delta.content ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe("echo: a streamed reply");
    expect(chunks).toBeGreaterThan(4);
    expect(ids.size).toBe(1);
    expect(usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 7 });
    expect(lastUpstreamBody().stream_options).toEqual({ include_usage: true });
  });

  it("sends no usage chunk when the client did not ask for one", async () => {
    const stream = await client.chat.completions.create({
      model: "standin-echo",
      messages: [{ role: "user", content: "no usage please" }],
      stream: true,
    });
    for await (const chunk of stream) {
      expect(chunk.usage ?? undefined).toBeUndefined();
      expect(chunk.choices.length).toBe(1);
    }
  });

  const weatherTool: OpenAI.ChatCompletionTool = {
    type: "function",
    function: {
      name: "get_weather",
      parameters: { type: "object", properties: { city: { type: "string" } } },
    },
  };

  it("round-trips tool calls, non-streaming and streaming", async () => {
    const res = await client.chat.completions.create({
      model: "standin-tool",
      messages: [{ role: "user", content: "weather in Paris?" }],
      tools: [weatherTool],
      tool_choice: "auto",
    });
    const call = res.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === "function" && call.function).toEqual({
      name: "get_weather",
      arguments: '{"city":"Paris"}',
    });
    expect(res.choices[0]?.finish_reason).toBe("tool_calls");
    expect(lastUpstreamBody().tools).toEqual([weatherTool]);

    const stream = client.chat.completions.stream({
      model: "standin-tool",
      messages: [{ role: "user", content: "weather in Paris?" }],
      tools: [weatherTool],
    });
    const final = await stream.finalChatCompletion();
    const streamed = final.choices[0]?.message.tool_calls?.[0];
    expect(streamed?.type === "function" && streamed.function.arguments).toBe('{"city":"Paris"}');

    await client.chat.completions.create({
      model: "standin-echo",
      messages: [
        { role: "user", content: "weather in Paris?" },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            {
              id: "call_1",
              type: "function",
              function: { name: "get_weather", arguments: '{"city":"Paris"}' },
            },
          ],
        },
        { role: "tool", tool_call_id: "call_1", content: "sunny, 21C" },
      ],
    });
    expect(lastUpstreamBody().messages).toEqual([
      { role: "user", content: "weather in Paris?" },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          {
            id: "call_1",
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Paris"}' },
          },
        ],
      },
      { role: "tool", tool_call_id: "call_1", content: "sunny, 21C" },
    ]);
  });

  it("passes sampling, stop and response_format through and accepts fields it does not use", async () => {
    await client.chat.completions.create({
      model: "standin-echo",
      messages: [
        { role: "developer", content: "be brief" },
        { role: "user", content: "hi" },
      ],
      temperature: 0.3,
      top_p: 0.9,
      max_tokens: 64,
      stop: ["\n\n"],
      seed: 7,
      presence_penalty: 0.1,
      frequency_penalty: 0.2,
      response_format: { type: "json_object" },
      parallel_tool_calls: false,
      user: "user-canary-1234",
      store: true,
      metadata: { tag: "metadata-canary" },
    });
    const body = lastUpstreamBody();
    expect(body).toMatchObject({
      temperature: 0.3,
      top_p: 0.9,
      max_tokens: 64,
      stop: ["\n\n"],
      seed: 7,
      presence_penalty: 0.1,
      frequency_penalty: 0.2,
      response_format: { type: "json_object" },
    });
    expect(body.messages).toEqual([
      { role: "developer", content: "be brief" },
      { role: "user", content: "hi" },
    ]);
    for (const field of ["user", "store", "metadata"]) expect(body).not.toHaveProperty(field);
  });

  it("sends the provider our pooled key and none of the client's headers", async () => {
    await client.chat.completions.create(
      { model: "standin-echo", messages: [{ role: "user", content: "who am i" }] },
      { headers: { "x-forwarded-for": "203.0.113.77", cookie: "session=cookie-canary" } },
    );
    const seen = upstream.requests.at(-1);
    expect(seen?.headers.authorization).toBe(`Bearer ${POOLED_KEY}`);
    const everything = JSON.stringify(seen?.headers);
    for (const canary of [key, "203.0.113.77", "cookie-canary", "OpenAI/JS"])
      expect(everything).not.toContain(canary);
  });
});

describe("client abort", () => {
  it("closes the upstream request as soon as the client goes away", async () => {
    const before = upstream.requests.length;
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: "standin-slow", messages: [{ role: "user", content: "go slowly" }], stream: true },
      { signal: controller.signal },
    );
    let seen = 0;
    // The SDK ends iteration quietly when its own signal aborts.
    await (async () => {
      for await (const _ of stream) {
        if (++seen === 3) controller.abort();
      }
    })().catch(() => {});
    expect(seen).toBe(3);
    const record = upstream.requests[before];
    await expect.poll(() => record?.closedEarly, { timeout: 3_000 }).toBe(true);
  });
});

describe("errors in OpenAI's shape", () => {
  it("400 names the field at fault", async () => {
    const err = await client.chat.completions
      .create({ model: "standin-echo", messages: [{ role: "wizard", content: "x" } as never] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.param).toBe("messages[0].role");
    expect(err.message).toMatch(/messages\[0\]\.role/);

    const temp = await client.chat.completions
      .create({ model: "standin-echo", messages: [{ role: "user", content: "x" }], temperature: 7 })
      .catch((e) => e);
    expect(temp).toBeInstanceOf(OpenAI.BadRequestError);
    expect(temp.param).toBe("temperature");
  });

  it("400 context_length_exceeded for a prompt far beyond the model's window, before any work on it", async () => {
    const before = upstream.requests.length;
    // About 200,000 characters against an 8,192-token window.
    const err = await client.chat.completions
      .create({ model: "standin-echo", messages: [{ role: "user", content: "word ".repeat(40_000) }] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.code).toBe("context_length_exceeded");
    expect(err.param).toBe("messages");
    expect(upstream.requests.length).toBe(before);
  });

  it("400 for a body that is not JSON", async () => {
    const res = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: "{nope",
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: {
        message: "The request body is not valid JSON.",
        type: "invalid_request_error",
        code: "invalid_json",
        param: null,
      },
    });
  });

  it("401 for a missing, unknown or malformed key", async () => {
    for (const apiKey of ["msq_notarealkey", "garbage with spaces"]) {
      const err = await new OpenAI({ apiKey, baseURL: `${gateway.url}/v1`, maxRetries: 0 }).models
        .list()
        .catch((e) => e);
      expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
      expect(err.message).not.toContain(apiKey);
    }
    const res = await fetch(`${gateway.url}/v1/models`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as OpenAIErrorBody).error.code).toBe("missing_api_key");
  });

  it("404 for an unknown model", async () => {
    const err = await client.chat.completions
      .create({ model: "no-such-model", messages: [{ role: "user", content: "x" }] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(err.code).toBe("model_not_found");
    expect(err.message).toMatch(/GET \/v1\/models/);
  });

  it("413 for a body over the limit", async () => {
    const err = await client.chat.completions
      .create({ model: "standin-echo", messages: [{ role: "user", content: "x".repeat(1_100_000) }] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err.status).toBe(413);
    expect(err.code).toBe("request_too_large");
  });

  it("429 with x-ratelimit headers once a key's requests per minute are used up", async () => {
    const freeKey = await createKey(gateway.dataDir, "--tier", "free");
    const freeClient = new OpenAI({ apiKey: freeKey, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    const ask = () =>
      freeClient.chat.completions.create({
        model: "standin-echo",
        messages: [{ role: "user", content: "x" }],
      });
    let limited: InstanceType<typeof OpenAI.RateLimitError> | undefined;
    for (let i = 0; i < 30 && !limited; i++) {
      const result = await ask().catch((e) => e);
      if (result instanceof OpenAI.RateLimitError) limited = result;
    }
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect(limited?.headers?.get("x-ratelimit-limit-requests")).toBe("20");
    expect(limited?.headers?.get("x-ratelimit-remaining-requests")).toBe("0");
    expect(limited?.headers?.get("retry-after")).toMatch(/^\d+$/);
  });

  it("403 when the plan does not include a paid model", async () => {
    const freeKey = await createKey(gateway.dataDir, "--tier", "free");
    const err = await new OpenAI({
      apiKey: freeKey,
      baseURL: `${gateway.url}/v1`,
      maxRetries: 0,
    }).chat.completions
      .create({ model: "standin-paid", messages: [{ role: "user", content: "x" }] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(err.code).toBe("model_not_in_plan");
  });

  it("502 when the provider fails (after one retry), without its body or our credentials", async () => {
    for (const model of ["standin-500", "standin-401"]) {
      const before = upstream.requests.length;
      const err = await client.chat.completions
        .create({ model, messages: [{ role: "user", content: "x" }] })
        .catch((e) => e);
      expect(err).toBeInstanceOf(OpenAI.InternalServerError);
      expect(err.status).toBe(502);
      expect(err.code).toBe("upstream_error");
      expect(JSON.stringify(err.error)).not.toMatch(/sk-standin-secret|sk-pooled/);
      expect(upstream.requests.length - before).toBe(2);
    }
  });

  it("falls back to a configured model of the same privacy class when the first fails", async () => {
    const before = upstream.requests.length;
    const res = await client.chat.completions.create({
      model: "standin-flaky",
      messages: [{ role: "user", content: "still there?" }],
    });
    expect(res.choices[0]?.message.content).toBe("echo: still there?");
    expect(res.model).toBe("standin-echo");
    expect(upstream.requests.slice(before).map((r) => r.body.model)).toEqual(["status-500", "echo"]);
  });

  it("400 relays what the provider said about a request it rejected", async () => {
    const err = await client.chat.completions
      .create({ model: "standin-400", messages: [{ role: "user", content: "x" }] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.code).toBe("upstream_rejected_request");
  });

  it("503 for a model whose provider is not configured, or a TEE model not verified", async () => {
    for (const [model, code] of [
      ["nokey-model", "model_unavailable"],
      ["tee-model", "tee_attestation_failed"],
    ]) {
      const err = await client.chat.completions
        .create({ model: model as string, messages: [{ role: "user", content: "x" }] })
        .catch((e) => e);
      expect(err).toBeInstanceOf(OpenAI.InternalServerError);
      expect(err.status).toBe(503);
      expect(err.code).toBe(code);
    }
  });

  it("504 when the provider does not answer in time", async () => {
    const err = await client.chat.completions
      .create({ model: "standin-hang", messages: [{ role: "user", content: "x" }] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect(err.status).toBe(504);
    expect(err.code).toBe("upstream_timeout");
  });

  it("a broken or malformed stream ends with an error event the SDK raises", async () => {
    for (const model of ["standin-malformed", "standin-reset"]) {
      const stream = await client.chat.completions.create({
        model,
        messages: [{ role: "user", content: "x" }],
        stream: true,
      });
      const consume = async () => {
        for await (const _ of stream) {
          // drain
        }
      };
      const err = await consume().catch((e) => e);
      expect(err).toBeInstanceOf(OpenAI.APIError);
      expect(err.message).toMatch(/provider 'standin'/i);
    }
  });

  it("404 in the same shape for an unknown route", async () => {
    const res = await fetch(`${gateway.url}/v1/nowhere`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(404);
    expect(Object.keys(((await res.json()) as OpenAIErrorBody).error).sort()).toEqual([
      "code",
      "message",
      "param",
      "type",
    ]);
  });
});
