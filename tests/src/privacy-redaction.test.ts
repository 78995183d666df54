import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey, type MasqueProcess, startMasque, tempDataDir } from "./support/masque-process.ts";
import { writeProvidersFile } from "./support/stand-in-providers.ts";
import { StandInUpstream } from "./support/stand-in-upstream.ts";

// Guarantee 2 of the privacy core, end to end: personal data is replaced with
// placeholders before an anonymized (third-party) model sees it, and put back
// in the answer the client receives — streamed or not.

let upstream: StandInUpstream;
let gateway: MasqueProcess;
let client: OpenAI;
const free = { inputPerMTok: 0, outputPerMTok: 0 };

beforeAll(async () => {
  upstream = await new StandInUpstream().start();
  const dataDir = tempDataDir();
  const file = writeProvidersFile(dataDir, {
    providers: [
      { id: "frontier", kind: "openai", baseUrl: upstream.baseUrl, privacy: "anonymized" },
      { id: "home", kind: "openai", baseUrl: upstream.baseUrl, privacy: "local" },
    ],
    models: [
      { id: "frontier-echo", provider: "frontier", upstreamId: "echo", contextLength: 8192, pricing: free },
      { id: "home-echo", provider: "home", upstreamId: "echo", contextLength: 8192, pricing: free },
    ],
  });
  gateway = await startMasque({ dataDir, env: { MASQUE_PROVIDERS: file } });
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

const EMAIL = "maria.gonzalez@example.org";
const PHONE = "+44 20 7946 0958";
const CARD = "4111 1111 1111 1111";
const prompt = `Please email ${EMAIL} or call ${PHONE}; charge card ${CARD}.`;

describe("redaction for anonymized models", () => {
  it("sends placeholders upstream, the same one for a value everywhere, and restores the answer", async () => {
    const { data, response } = await client.chat.completions
      .create({
        model: "frontier-echo",
        messages: [
          { role: "system", content: `The customer's address is ${EMAIL}.` },
          { role: "user", content: "hello" },
          { role: "assistant", content: `I will write to ${EMAIL}.` },
          { role: "user", content: prompt },
        ],
      })
      .withResponse();
    const sent = upstream.requests.at(-1)?.rawBody ?? "";
    for (const value of [EMAIL, "7946 0958", "4111 1111 1111 1111", "4111111111111111"])
      expect(sent).not.toContain(value);
    const messages = upstream.requests.at(-1)?.body.messages as Array<{ content: string }>;
    const placeholder = /\[EMAIL_\d+\]/.exec(messages[0]?.content ?? "")?.[0];
    expect(placeholder).toBeDefined();
    expect(messages[2]?.content).toContain(placeholder);
    expect(messages[3]?.content).toContain(placeholder);

    // The stand-in echoes the (redacted) prompt; the client gets the original back.
    expect(data.choices[0]?.message.content).toBe(`echo: ${prompt}`);
    const counts = JSON.parse(response.headers.get("x-masque-redactions") ?? "{}") as Record<string, number>;
    expect(counts.EMAIL).toBe(1);
    expect(counts.PHONE).toBe(1);
    expect(counts.CARD).toBe(1);
    expect(JSON.stringify(counts)).not.toContain("maria");
  });

  it("restores placeholders split across stream events", async () => {
    const stream = await client.chat.completions.create({
      model: "frontier-echo",
      messages: [{ role: "user", content: prompt }],
      stream: true,
    });
    let text = "";
    let events = 0;
    for await (const chunk of stream) {
      events++;
      text += chunk.choices[0]?.delta.content ?? "";
    }
    // The stand-in streams four characters an event, so every placeholder was split.
    expect(events).toBeGreaterThan(10);
    expect(text).toBe(`echo: ${prompt}`);
  });

  it("leaves local models' text as written unless asked, and honours redact_pii either way", async () => {
    await client.chat.completions.create({
      model: "home-echo",
      messages: [{ role: "user", content: prompt }],
    });
    expect(upstream.requests.at(-1)?.rawBody).toContain(EMAIL);

    const forced = await client.chat.completions
      .create({
        model: "home-echo",
        messages: [{ role: "user", content: prompt }],
        masque_parameters: { redact_pii: true },
      } as OpenAI.ChatCompletionCreateParamsNonStreaming)
      .withResponse();
    expect(upstream.requests.at(-1)?.rawBody).not.toContain(EMAIL);
    expect(forced.data.choices[0]?.message.content).toBe(`echo: ${prompt}`);
    expect(forced.response.headers.get("x-masque-redactions")).toContain("EMAIL");

    await client.chat.completions.create({
      model: "frontier-echo",
      messages: [{ role: "user", content: prompt }],
      masque_parameters: { redact_pii: false },
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    expect(upstream.requests.at(-1)?.rawBody).toContain(EMAIL);
  });
});
