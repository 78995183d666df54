import path from "node:path";
import {
  responseSignatureSchema,
  verifyResponseSignature,
} from "@masque/server/attestation/verify-response-signature.ts";
import OpenAI from "openai";
import { createPublicClient, http } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./support/free-port.ts";
import { createKey, type MasqueProcess, startMasque, tempDataDir } from "./support/masque-process.ts";
import { hasShared, sharedDir } from "./support/shared-dir.ts";
import { writeProvidersFile } from "./support/stand-in-providers.ts";

// The real pnpm start stack (launcher → local model node → gateway) on the
// team's tiny llama; it answers nonsense stories, which is all we need.
describe.skipIf(!hasShared("models/stories260K.gguf"))("pnpm start with the local model node", () => {
  let masque: MasqueProcess;
  let client: OpenAI;

  beforeAll(async () => {
    const nodePort = await freePort();
    masque = await startMasque({
      entry: "launcher/start.ts",
      env: {
        MASQUE_MODELS_DIR: path.join(sharedDir, "models"),
        MASQUE_LOCAL_NODE_PORT: String(nodePort),
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

  it("runs a local chain with the contracts deployed, and says where at /api/chain", async () => {
    const chain = (await (await fetch(`${masque.url}/api/chain`)).json()) as {
      chain_id: number;
      rpc_url: string;
      contracts: Record<string, `0x${string}`>;
      tiers: Array<{ id: string; price_per_period_usdc: string }>;
    };
    expect(chain.chain_id).toBe(31337);
    const client = createPublicClient({ transport: http(chain.rpc_url) });
    for (const name of ["vvv", "staking", "diem", "subscriptions", "buybackBurner", "usdc", "vvvUsdcPair"]) {
      const address = chain.contracts[name];
      expect(address, name).toMatch(/^0x[0-9a-fA-F]{40}$/);
      expect(
        (await client.getCode({ address: address as `0x${string}` }))?.length ?? 0,
        name,
      ).toBeGreaterThan(2);
    }
    expect(chain.tiers.map((t) => [t.id, t.price_per_period_usdc])).toEqual([
      ["pro", "18000000"],
      ["pro_plus", "60000000"],
      ["max", "200000000"],
    ]);
  });

  it("prints where to open it", async () => {
    await expect.poll(() => masque.output()).toContain(`API (OpenAI-compatible): ${masque.url}/v1`);
  });
});

describe.skipIf(!hasShared("models/stories260K.gguf"))("the local node as an enclave", () => {
  let node: MasqueProcess;
  let tee: MasqueProcess | undefined;

  beforeAll(async () => {
    node = await startMasque({
      entry: "local-node/main.ts",
      portVar: "MASQUE_LOCAL_NODE_PORT",
      env: { MASQUE_MODELS_DIR: path.join(sharedDir, "models"), MASQUE_LOCAL_THREADS: "1" },
    });
  });

  afterAll(async () => {
    await tee?.stop();
    await node?.stop();
  });

  it("signs every answer, over the exact bytes, with its in-memory key", async () => {
    const requestBody = JSON.stringify({
      model: "stories260K",
      messages: [{ role: "user", content: "Hi" }],
      max_tokens: 8,
    });
    for (const stream of [false, true]) {
      const body = stream ? requestBody.replace("}", ',"stream":true}') : requestBody;
      const res = await fetch(`${node.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      const responseBytes = new Uint8Array(await res.arrayBuffer());
      const id = /"id":"(chatcmpl-[^"]+)"/.exec(new TextDecoder().decode(responseBytes))?.[1] ?? "";
      const report = (await (
        await fetch(
          `${node.url}/v1/attestation/report?model=stories260K&nonce=${"ab".repeat(32)}&signing_algo=ecdsa`,
        )
      ).json()) as {
        signing_address: string;
        intel_quote: string | null;
        in_tee: boolean;
      };
      expect(report.in_tee).toBe(false);
      expect(report.intel_quote).toBeNull();
      const signature = responseSignatureSchema.parse(
        await (await fetch(`${node.url}/v1/signature/${id}?model=stories260K&signing_algo=ecdsa`)).json(),
      );
      const verdict = await verifyResponseSignature({
        signature,
        requestBody: body,
        responseBody: responseBytes,
        attestedAddress: report.signing_address,
      });
      expect(verdict.ok, verdict.detail).toBe(true);
    }
  });

  it("outside a TEE it cannot pass as one: configured as `tee`, the gateway refuses it", async () => {
    const dataDir = tempDataDir();
    const file = writeProvidersFile(dataDir, {
      providers: [
        {
          id: "node",
          kind: "openai",
          baseUrl: `${node.url}/v1`,
          privacy: "tee",
          attestation: { nras: false },
        },
      ],
      models: [
        {
          id: "stories260K",
          provider: "node",
          contextLength: 2048,
          pricing: { inputPerMTok: 0, outputPerMTok: 0 },
        },
      ],
    });
    tee = await startMasque({ dataDir, env: { MASQUE_PROVIDERS: file } });
    const gateway = new OpenAI({ apiKey: await createKey(dataDir), baseURL: `${tee.url}/v1`, maxRetries: 0 });
    await expect
      .poll(
        async () =>
          (
            (await gateway.models.retrieve("stories260K")) as unknown as {
              model_spec: { unavailable_reason?: string };
            }
          ).model_spec.unavailable_reason,
        { timeout: 15_000 },
      )
      .toMatch(/TEE attestation failed/);
    const err = await gateway.chat.completions
      .create({ model: "stories260K", messages: [{ role: "user", content: "x" }] })
      .catch((e) => e);
    expect(err.code).toBe("tee_attestation_failed");
  });
});
