import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey, type MasqueProcess, startMasque, tempDataDir } from "./support/masque-process.ts";
import { writeStandInProviders } from "./support/stand-in-providers.ts";
import { StandInUpstream } from "./support/stand-in-upstream.ts";

// Guarantee 3 of the privacy core: the server keeps no prompt, answer or tool
// argument — not in the database, its WAL, any other file, or its logs — on
// success and on every failure path. Canaries go through each path; then every
// byte the server wrote is scanned.

const canary = `retain${randomBytes(8).toString("hex")}`;
let upstream: StandInUpstream;
let gateway: MasqueProcess;
let client: OpenAI;
let key: string;

beforeAll(async () => {
  upstream = await new StandInUpstream().start();
  const dataDir = tempDataDir();
  gateway = await startMasque({
    dataDir,
    env: {
      MASQUE_PROVIDERS: writeStandInProviders(dataDir, upstream.baseUrl),
      MASQUE_UPSTREAM_TIMEOUT_MS: "800",
      MASQUE_LOG_LEVEL: "trace",
    },
  });
  key = await createKey(dataDir, "--tier", "max");
  client = new OpenAI({ apiKey: key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.stop();
});

const messages = (): OpenAI.ChatCompletionMessageParam[] => [
  { role: "system", content: `system ${canary}` },
  // The address is redacted: its placeholder map must not land anywhere either.
  { role: "user", content: `prompt ${canary}, write to ${canary}@example.com` },
  {
    role: "assistant",
    content: null,
    tool_calls: [
      { id: "c1", type: "function", function: { name: "lookup", arguments: `{"q":"${canary}"}` } },
    ],
  },
  { role: "tool", tool_call_id: "c1", content: `tool result ${canary}` },
  { role: "user", content: `again ${canary}` },
];
const tools: OpenAI.ChatCompletionTool[] = [
  { type: "function", function: { name: "lookup", description: canary } },
];

async function drain(stream: AsyncIterable<unknown>) {
  for await (const _ of stream) {
    // read it all
  }
}

function everyFile(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? everyFile(p) : [p];
  });
}

describe("nothing is retained", () => {
  it("leaves no canary on disk or in the logs after every path", async () => {
    const paths: Array<[string, () => Promise<unknown>]> = [
      [
        "json success",
        () => client.chat.completions.create({ model: "standin-echo", messages: messages(), tools }),
      ],
      [
        "stream success",
        async () =>
          drain(
            await client.chat.completions.create({
              model: "standin-echo",
              messages: messages(),
              stream: true,
              stream_options: { include_usage: true },
            }),
          ),
      ],
      [
        "tool call stream",
        async () =>
          drain(
            await client.chat.completions.create({
              model: "standin-tool",
              messages: messages(),
              tools,
              stream: true,
            }),
          ),
      ],
      [
        "no usage (counted)",
        () => client.chat.completions.create({ model: "standin-no-usage", messages: messages() }),
      ],
      [
        "upstream 500",
        () => client.chat.completions.create({ model: "standin-status-500", messages: messages() }),
      ],
      [
        "upstream timeout",
        () => client.chat.completions.create({ model: "standin-hang", messages: messages() }),
      ],
      [
        "malformed stream",
        async () =>
          drain(
            await client.chat.completions.create({
              model: "standin-malformed",
              messages: messages(),
              stream: true,
            }),
          ),
      ],
      [
        "reset stream",
        async () =>
          drain(
            await client.chat.completions.create({
              model: "standin-reset",
              messages: messages(),
              stream: true,
            }),
          ),
      ],
      [
        "validation error",
        () => client.chat.completions.create({ model: "standin-echo", messages: messages(), temperature: 9 }),
      ],
      [
        "unknown model",
        () => client.chat.completions.create({ model: `model-${canary}`, messages: messages() }),
      ],
      [
        "too large",
        () =>
          client.chat.completions.create({
            model: "standin-echo",
            messages: [{ role: "user", content: canary.repeat(80_000) }],
          }),
      ],
      [
        "invalid json",
        () =>
          fetch(`${gateway.url}/v1/chat/completions`, {
            method: "POST",
            headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
            body: `{"model":"standin-echo","messages":[{"role":"user","content":"${canary}"`,
          }).then((r) => r.text()),
      ],
      [
        "client abort",
        async () => {
          const controller = new AbortController();
          const stream = await client.chat.completions.create(
            { model: "standin-slow", messages: messages(), stream: true },
            { signal: controller.signal },
          );
          let n = 0;
          for await (const _ of stream) if (++n === 3) controller.abort();
        },
      ],
    ];
    for (const [, run] of paths) await run().catch(() => undefined);

    // The canary did travel: to the provider and back to the client.
    expect(upstream.everythingReceived()).toContain(canary);

    await gateway.stop();
    const needle = Buffer.from(canary);
    const files = everyFile(gateway.dataDir).filter((f) => !f.endsWith("providers.json"));
    expect(files.some((f) => f.endsWith("masque.sqlite"))).toBe(true);
    for (const file of files) expect(fs.readFileSync(file).includes(needle), file).toBe(false);
    const logs = gateway.output();
    expect(logs).toContain('"msg":"chat completion"');
    expect(logs).not.toContain(canary);
  });
});
