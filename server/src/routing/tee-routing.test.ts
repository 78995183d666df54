import { createHash } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import type { ModelList } from "@masque/shared";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../app.ts";
import type { AttestProviderOptions } from "../attestation/attest-provider.ts";
import type { AttestationResult } from "../attestation/attestation-result.ts";
import { TeeAttestations } from "../attestation/tee-attestations.ts";
import { createApiKey } from "../auth/api-keys.ts";
import { openDatabase } from "../db/open-database.ts";
import { RateLimiter } from "../limits/rate-limiter.ts";
import { createLogger } from "../logging/logger.ts";
import { ModelCatalog } from "./model-catalog.ts";

// Routing to a TEE model: fail closed until attested, then every answer's
// enclave signature is fetched and checked for real (EIP-191 with a real
// secp256k1 key). The quote checks themselves are tested on real evidence in
// src/attestation; here the verifier is replaced so routing can be tested with
// a passing attestation, which no published quote provides.

const enclaveKey = privateKeyToAccount("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
const impostorKey = privateKeyToAccount("0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a");
const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

/** A stand-in TEE inference proxy: answers chats and signs each exchange. */
const exchanges = new Map<string, string>();
let signer = enclaveKey;
let enclave: http.Server;
let baseUrl = "";

beforeAll(async () => {
  let n = 0;
  enclave = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname.startsWith("/v1/signature/")) {
      const id = decodeURIComponent(url.pathname.slice("/v1/signature/".length));
      const text = exchanges.get(id);
      if (!text) return res.writeHead(404).end();
      const signature = await signer.signMessage({ message: text });
      res.writeHead(200, { "content-type": "application/json" });
      return res.end(
        JSON.stringify({ text, signature, signing_address: signer.address, signing_algo: "ecdsa" }),
      );
    }
    const request = JSON.parse(body.toString());
    const id = `chatcmpl-enclave-${++n}`;
    const base = { id, created: 1, model: request.model };
    let out: string;
    if (request.stream) {
      const chunk = (delta: object, finish: string | null = null) =>
        `data: ${JSON.stringify({ ...base, object: "chat.completion.chunk", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      out =
        chunk({ role: "assistant", content: "" }) +
        chunk({ content: "sealed " }) +
        chunk({ content: "answer" }) +
        chunk({}, "stop");
      out += `data: ${JSON.stringify({ ...base, object: "chat.completion.chunk", choices: [], usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } })}\n\n`;
      out += "data: [DONE]\n\n";
      res.writeHead(200, { "content-type": "text/event-stream" });
    } else {
      out = JSON.stringify({
        ...base,
        object: "chat.completion",
        choices: [
          { index: 0, message: { role: "assistant", content: "sealed answer" }, finish_reason: "stop" },
        ],
        usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
      });
      res.writeHead(200, { "content-type": "application/json" });
    }
    exchanges.set(id, `${sha(body)}:${sha(out)}`);
    res.end(out);
  });
  await new Promise<void>((r) => enclave.listen(0, "127.0.0.1", r));
  baseUrl = `http://127.0.0.1:${(enclave.address() as AddressInfo).port}/v1`;
});

afterAll(() => new Promise((r) => enclave.close(r)));

const silent = createLogger("silent", new Writable({ write: (_c, _e, cb) => cb() }));

function verdict(ok: boolean, options: AttestProviderOptions): AttestationResult {
  const now = new Date();
  return {
    ok,
    ...(ok ? {} : { reason: "tdx_quote_invalid" as const }),
    detail: ok ? "all checks passed" : "quote signature does not verify",
    provider: { baseUrl: options.baseUrl, model: options.model },
    checkedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + (ok ? 600_000 : 0)).toISOString(),
    nonce: "00".repeat(32),
    signingAddress: ok ? enclaveKey.address : null,
    claimedSigningAddress: enclaveKey.address,
    signingAlgo: "ecdsa",
    tcb: null,
    measurements: null,
    gpus: [],
    checks: [],
    evidence: {
      reportUrl: `${options.baseUrl}/attestation/report`,
      report: {},
      collateral: null,
      collateralExpiresAt: null,
      nras: null,
    },
  };
}

let attestOk = true;
let app: ReturnType<typeof createApp>;
let attestations: TeeAttestations;
let key = "";

beforeEach(() => {
  signer = enclaveKey;
  attestOk = true;
  const catalog = new ModelCatalog(
    {
      providers: [{ id: "enclave", kind: "openai", baseUrl, privacy: "tee" }],
      models: [
        {
          id: "sealed",
          provider: "enclave",
          upstreamId: "llama",
          contextLength: 4096,
          pricing: { inputPerMTok: 0, outputPerMTok: 0 },
          fallbacks: [],
        },
      ],
    },
    { logger: silent },
  );
  attestations = new TeeAttestations(catalog.list(), {
    logger: silent,
    attest: async (options) => verdict(attestOk, options),
  });
  catalog.useTeeStatus(attestations);
  const db = openDatabase(fs.mkdtempSync(path.join(os.tmpdir(), "masque-tee-")));
  key = createApiKey(db, { tier: "pro" }).key;
  app = createApp({
    db,
    catalog,
    attestations,
    rateLimiter: new RateLimiter(),
    logger: silent,
    upstreamTimeoutMs: 5000,
    maxBodyBytes: 1 << 20,
  });
});

const chat = (stream = false) =>
  app.request("/v1/chat/completions", {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "sealed", messages: [{ role: "user", content: "hi" }], stream }),
  });
const get = (p: string) => app.request(p, { headers: { authorization: `Bearer ${key}` } });
type ErrorBody = { error: { code: string; message: string } };

describe("TEE routing", () => {
  it("refuses a TEE model before it is attested, and after a failed attestation, with the reason", async () => {
    const before = await chat();
    expect(before.status).toBe(503);
    expect(((await before.json()) as ErrorBody).error.code).toBe("tee_attestation_failed");

    attestOk = false;
    await attestations.verifyAll();
    const failed = await chat();
    expect(failed.status).toBe(503);
    const body = (await failed.json()) as ErrorBody;
    expect(body.error.code).toBe("tee_attestation_failed");
    expect(body.error.message).toContain("tdx_quote_invalid");
    const models = (await (await get("/v1/models")).json()) as ModelList;
    expect(models.data[0]?.model_spec.available).toBe(false);
    expect(models.data[0]?.model_spec.unavailable_reason).toContain("tdx_quote_invalid");
    expect(models.data[0]?.model_spec.verification).toMatchObject({
      state: "failed",
      reason: "tdx_quote_invalid",
      signing_address: null,
    });
  });

  it("serves an attested model and proves each answer came from the attested enclave", async () => {
    await attestations.verifyAll();
    const models = (await (await get("/v1/models")).json()) as ModelList;
    expect(models.data[0]?.model_spec.verification).toMatchObject({
      state: "verified",
      signing_address: enclaveKey.address,
    });
    const res = await chat();
    expect(res.status).toBe(200);
    expect(res.headers.get("x-masque-privacy")).toBe("tee-verified");
    expect(res.headers.get("x-masque-signing-address")).toBe(enclaveKey.address);
    expect(res.headers.get("x-masque-signature")).toBe("verified");
    const completion = (await res.json()) as { id: string; choices: Array<{ message: { content: string } }> };
    expect(completion.choices[0]?.message.content).toBe("sealed answer");

    const sig = (await (await get(`/v1/signature/${completion.id}?model=sealed`)).json()) as {
      signature: { ok: boolean; recoveredAddress: string; text: string; expectedText: string };
    };
    expect(sig.signature.ok).toBe(true);
    expect(sig.signature.recoveredAddress).toBe(enclaveKey.address);
    expect(sig.signature.text).toBe(sig.signature.expectedText);

    const attestation = (await (await get("/v1/attestation?model=sealed")).json()) as {
      attestation: AttestationResult;
    };
    expect(attestation.attestation.signingAddress).toBe(enclaveKey.address);
  });

  it("verifies a streamed answer over every SSE byte once it ends", async () => {
    await attestations.verifyAll();
    const res = await chat(true);
    const text = await res.text();
    expect(text).toContain("sealed ");
    const id = /"id":"(chatcmpl-[^"]+)"/.exec(text)?.[1] ?? "";
    await expect
      .poll(
        async () =>
          ((await (await get(`/v1/signature/${id}`)).json()) as { signature?: { ok: boolean } }).signature
            ?.ok,
      )
      .toBe(true);
  });

  it("takes the model out of service when an answer is signed by another key", async () => {
    await attestations.verifyAll();
    signer = impostorKey;
    attestOk = false; // the re-attestation the mismatch triggers fails too
    const res = await chat();
    expect(res.status).toBe(503);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe("tee_attestation_failed");
    expect(body.error.message).toMatch(/signing_key_changed|response_signature_invalid/);
    const next = await chat();
    expect(next.status).toBe(503);
  });

  it("only TEE models have an attestation", async () => {
    const res = await get("/v1/attestation");
    expect(res.status).toBe(400);
  });
});
