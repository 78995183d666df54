import fs from "node:fs";
import path from "node:path";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey, type MasqueProcess, startMasque, tempDataDir } from "./support/masque-process.ts";
import { StandInUpstream } from "./support/stand-in-upstream.ts";

// Clients speak OpenAI's chat format to an Anthropic model; the gateway's
// Anthropic adapter translates both ways against a stand-in of the Messages API.

let upstream: StandInUpstream;
let gateway: MasqueProcess;
let client: OpenAI;

beforeAll(async () => {
  upstream = await new StandInUpstream().start();
  const dataDir = tempDataDir();
  const file = path.join(dataDir, "providers.json");
  const model = (id: string, upstreamId: string) => ({
    id,
    provider: "anthropic",
    upstreamId,
    contextLength: 200_000,
    pricing: { inputPerMTok: 3, outputPerMTok: 15 },
  });
  fs.writeFileSync(
    file,
    JSON.stringify({
      providers: [
        {
          id: "anthropic",
          kind: "anthropic",
          baseUrl: upstream.baseUrl,
          apiKeyEnv: "ANTHROPIC_KEY",
          privacy: "anonymized",
        },
      ],
      models: [model("claude-echo", "echo"), model("claude-tool", "tool")],
    }),
  );
  gateway = await startMasque({ dataDir, env: { MASQUE_PROVIDERS: file, ANTHROPIC_KEY: "sk-ant-pooled" } });
  client = new OpenAI({
    apiKey: await createKey(dataDir, "--tier", "pro"),
    baseURL: `${gateway.url}/v1`,
    maxRetries: 0,
  });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.stop();
});

const weather: OpenAI.ChatCompletionTool = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Weather now",
    parameters: { type: "object", properties: { city: { type: "string" } } },
  },
};

describe("an Anthropic provider behind the OpenAI API", () => {
  it("translates the request: system, max_tokens, stop, tools, tool results, alternating turns", async () => {
    await client.chat.completions.create({
      model: "claude-echo",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "weather?" },
        {
          role: "assistant",
          content: "Checking.",
          tool_calls: [
            {
              id: "toolu_0",
              type: "function",
              function: { name: "get_weather", arguments: '{"city":"Oslo"}' },
            },
          ],
        },
        { role: "tool", tool_call_id: "toolu_0", content: "cold" },
        { role: "user", content: "thanks" },
      ],
      tools: [weather],
      tool_choice: "required",
      temperature: 1.6,
      stop: "END",
      user: "someone",
    });
    const seen = upstream.requests.at(-1);
    expect(seen?.path).toBe("/v1/messages");
    expect(seen?.headers["x-api-key"]).toBe("sk-ant-pooled");
    expect(seen?.headers["anthropic-version"]).toBe("2023-06-01");
    expect(seen?.headers.authorization).toBeUndefined();
    expect(seen?.body).toEqual({
      model: "echo",
      system: "Be brief.",
      max_tokens: 4096,
      temperature: 1,
      stop_sequences: ["END"],
      tools: [{ name: "get_weather", description: "Weather now", input_schema: weather.function.parameters }],
      tool_choice: { type: "any" },
      messages: [
        { role: "user", content: [{ type: "text", text: "weather?" }] },
        {
          role: "assistant",
          content: [
            { type: "text", text: "Checking." },
            { type: "tool_use", id: "toolu_0", name: "get_weather", input: { city: "Oslo" } },
          ],
        },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "toolu_0", content: "cold" },
            { type: "text", text: "thanks" },
          ],
        },
      ],
    });
  });

  it("answers in OpenAI's shape with Anthropic's usage", async () => {
    const res = await client.chat.completions.create({
      model: "claude-echo",
      messages: [{ role: "user", content: "bonjour" }],
    });
    expect(res.choices[0]?.message.content).toBe("echo: bonjour");
    expect(res.choices[0]?.finish_reason).toBe("stop");
    expect(res.usage).toMatchObject({ prompt_tokens: 25, completion_tokens: 9, total_tokens: 34 });
    expect(res.model).toBe("claude-echo");
  });

  it("streams text and usage", async () => {
    const stream = await client.chat.completions.create({
      model: "claude-echo",
      messages: [{ role: "user", content: "stream me" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let usage: OpenAI.CompletionUsage | null | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe("echo: stream me");
    expect(finish).toBe("stop");
    expect(usage).toMatchObject({ prompt_tokens: 25, completion_tokens: 9 });
  });

  it("returns tool use as tool calls, whole and streamed", async () => {
    const res = await client.chat.completions.create({
      model: "claude-tool",
      messages: [{ role: "user", content: "weather in Paris" }],
      tools: [weather],
    });
    expect(res.choices[0]?.finish_reason).toBe("tool_calls");
    expect(res.choices[0]?.message.content).toBe("Let me check.");
    const call = res.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === "function" && call.function).toEqual({
      name: "get_weather",
      arguments: '{"city":"Paris"}',
    });

    const final = await client.chat.completions
      .stream({
        model: "claude-tool",
        messages: [{ role: "user", content: "weather in Paris" }],
        tools: [weather],
      })
      .finalChatCompletion();
    const streamed = final.choices[0]?.message;
    expect(streamed?.content).toBe("Let me check.");
    const streamedCall = streamed?.tool_calls?.[0];
    expect(streamedCall?.type === "function" && streamedCall.id).toBe("toolu_1");
    expect(streamedCall?.type === "function" && JSON.parse(streamedCall.function.arguments)).toEqual({
      city: "Paris",
    });
    expect(final.choices[0]?.finish_reason).toBe("tool_calls");
  });
});
