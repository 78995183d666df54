import {
  flatReportFromFixtures,
  hasTeeFixtures,
  jsonAnswer,
  nearCollateral,
  pcsAnswer,
  startTestServer,
} from "@masque/server/attestation/test-fixtures.ts";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey, type MasqueProcess, startMasque, tempDataDir } from "./support/masque-process.ts";
import { writeProvidersFile } from "./support/stand-in-providers.ts";

// The whole gateway against a TEE provider that serves real Intel TDX and
// NVIDIA evidence (from ../shared/fixtures/tee) through the real verifier and
// a PCCS stand-in. Today that evidence must fail — its collateral has expired
// and the published quote binds no signing key — so the model must be listed
// unavailable with the reason, and never served.

describe.skipIf(!hasTeeFixtures)("a TEE provider whose evidence does not verify", () => {
  let provider: Awaited<ReturnType<typeof startTestServer>>;
  let pccs: Awaited<ReturnType<typeof startTestServer>>;
  let gateway: MasqueProcess;
  let client: OpenAI;

  beforeAll(async () => {
    const collateral = nearCollateral();
    pccs = await startTestServer((req) => pcsAnswer(collateral, new URL(req.url ?? "/", "http://pccs")));
    provider = await startTestServer((req) => {
      const url = new URL(req.url ?? "/", "http://provider");
      if (url.pathname !== "/v1/attestation/report") return undefined;
      const nonce = Buffer.from(url.searchParams.get("nonce") ?? "", "hex");
      return jsonAnswer(flatReportFromFixtures("0x70997970C51812dc3A010C7d01b50e0d17dc79C8", nonce));
    });
    const dataDir = tempDataDir();
    const file = writeProvidersFile(dataDir, {
      providers: [
        {
          id: "enclave",
          kind: "openai",
          baseUrl: `${provider.url}/v1`,
          privacy: "tee",
          attestation: { pccsUrl: pccs.url, nras: false },
        },
      ],
      models: [
        {
          id: "sealed-llama",
          provider: "enclave",
          contextLength: 8192,
          pricing: { inputPerMTok: 0, outputPerMTok: 0 },
        },
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
    await provider?.close();
    await pccs?.close();
  });

  it("verifies with a fresh nonce and lists the model as unavailable, saying why", async () => {
    const spec = async () =>
      (
        (await client.models.retrieve("sealed-llama")) as unknown as {
          model_spec: { available: boolean; unavailable_reason?: string };
        }
      ).model_spec;
    await expect
      .poll(async () => (await spec()).unavailable_reason, { timeout: 20_000 })
      .toMatch(/TEE attestation failed/);
    expect((await spec()).available).toBe(false);
    expect(
      provider.requests.some((r) =>
        /\/v1\/attestation\/report\?model=sealed-llama&nonce=[0-9a-f]{64}&signing_algo=ecdsa/.test(r),
      ),
    ).toBe(true);
    expect(pccs.requests.length).toBeGreaterThan(0);
  });

  it("refuses chats with 503 tee_attestation_failed and never sends the prompt", async () => {
    const err = await client.chat.completions
      .create({ model: "sealed-llama", messages: [{ role: "user", content: "secret plans" }] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect(err.status).toBe(503);
    expect(err.code).toBe("tee_attestation_failed");
    expect(provider.requests.some((r) => r.includes("/chat/completions"))).toBe(false);
  });

  it("publishes every check, with the raw evidence, at /v1/attestation", async () => {
    const res = await fetch(`${gateway.url}/v1/attestation?model=sealed-llama`, {
      headers: { authorization: `Bearer ${client.apiKey}` },
    });
    const body = (await res.json()) as {
      availability: { available: boolean };
      attestation: {
        ok: boolean;
        reason: string;
        checks: Array<{ name: string; ok: boolean; reason?: string }>;
        evidence: { report: { intel_quote: string } };
      };
    };
    expect(body.availability.available).toBe(false);
    expect(body.attestation.ok).toBe(false);
    const failed = body.attestation.checks.filter((c) => !c.ok).map((c) => c.name);
    expect(failed).toContain("report_data");
    expect(body.attestation.checks.map((c) => c.name)).toEqual(
      expect.arrayContaining(["report", "tdx_quote", "report_data", "event_log", "gpu_evidence"]),
    );
    expect(body.attestation.evidence.report.intel_quote).toMatch(/^[0-9a-f]+$/);
  });
});
