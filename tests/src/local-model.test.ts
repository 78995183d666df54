import path from "node:path";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./support/free-port.ts";
import { createKey, type MasqueProcess, startMasque } from "./support/masque-process.ts";
import { hasShared, sharedDir } from "./support/shared-dir.ts";

// The real pnpm start stack (launcher → local model node → gateway) on the
// team's tiny llama; it answers nonsense stories, which is all we need.
describe.skipIf(!hasShared("models/stories260K.gguf"))("pnpm start with the local model node", () => {
  let masque: MasqueProcess;
  let client: OpenAI;

  beforeAll(async () => {
    masque = await startMasque({
      entry: "launcher/start.ts",
      env: {
        MASQUE_MODELS_DIR: path.join(sharedDir, "models"),
        MASQUE_LOCAL_NODE_PORT: String(await freePort()),
        MASQUE_LOCAL_THREADS: "1",
      },
      timeoutMs: 90_000,
    });
    client = new OpenAI({
      apiKey: await createKey(masque.dataDir),
      baseURL: `${masque.url}/v1`,
      maxRetries: 0,
    });
  });

  afterAll(async () => {
    await masque?.stop();
  });

  it("registers the node's model as a free local model", async () => {
    const models = await client.models.list();
    const local = models.data.find((m) => m.id === "stories260K") as unknown as {
      model_spec: Record<string, unknown>;
    };
    expect(local?.model_spec).toMatchObject({
      privacy: "local",
      available: true,
      context_length: 2048,
      pricing: { input_per_mtok: 0, output_per_mtok: 0 },
    });
  });

  it("answers a real completion through the gateway, with the model's own token counts", async () => {
    const res = await client.chat.completions.create({
      model: "stories260K",
      messages: [{ role: "user", content: "Once upon a time" }],
      max_tokens: 16,
      temperature: 0,
    });
    expect(res.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect(res.choices[0]?.finish_reason).toBe("length");
    expect(res.usage?.completion_tokens).toBe(16);
    expect(res.usage?.prompt_tokens).toBeGreaterThan(3);
  });

  it("streams tokens as they are generated", async () => {
    const stream = await client.chat.completions.create({
      model: "stories260K",
      messages: [{ role: "user", content: "Tell me about a cat" }],
      max_tokens: 24,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    });
    const deltas: string[] = [];
    let completionTokens = 0;
    for await (const chunk of stream) {
      const text = chunk.choices[0]?.delta.content;
      if (text) deltas.push(text);
      if (chunk.usage) completionTokens = chunk.usage.completion_tokens;
    }
    expect(deltas.length).toBeGreaterThan(5);
    expect(deltas.join("").length).toBeGreaterThan(10);
    expect(completionTokens).toBe(24);
  });

  it("prints where to open it", async () => {
    await expect.poll(() => masque.output()).toContain(`API (OpenAI-compatible): ${masque.url}/v1`);
  });
});
