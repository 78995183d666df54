import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTestNras,
  describeWithTeeFixtures,
  gpuPayload,
  jsonAnswer,
  NEAR_VALID_AT,
  nrasSample,
  reasonOf,
  startTestServer,
  type TestNras,
} from "./test-fixtures.ts";
import { parseNvidiaPayload } from "./verify-gpu-evidence.ts";
import { fetchNrasJwks, requestNrasAttestation, verifyNrasResponse } from "./verify-nras-token.ts";

const nonce = Uint8Array.from({ length: 32 }, (_, i) => 0xa0 + (i % 16));
const nonceHex = Buffer.from(nonce).toString("hex");
const at = NEAR_VALID_AT;

describe("NRAS token verification against a JWKS served on 127.0.0.1", () => {
  let nras: TestNras;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  const config = () => ({
    url: `${server.url}/v3/attest/gpu`,
    jwksUrl: `${server.url}/.well-known/jwks.json`,
    fetch,
  });

  beforeAll(async () => {
    nras = await createTestNras();
    server = await startTestServer(async (request, body) => {
      if (request.url === "/.well-known/jwks.json") return jsonAnswer(nras.jwks);
      if (request.method === "POST" && request.url === "/v3/attest/gpu") {
        const sent = JSON.parse(body.toString("utf8")) as { nonce: string; evidence_list: unknown[] };
        return jsonAnswer(await nras.answer({ nonce: sent.nonce, gpuCount: sent.evidence_list.length, at }));
      }
      return undefined;
    });
  });
  afterAll(() => server.close());

  const verifyOptions = async (overrides: Partial<Parameters<typeof verifyNrasResponse>[1]> = {}) => ({
    jwks: await fetchNrasJwks(config()),
    nonce,
    now: at,
    expectedGpuCount: 2,
    ...overrides,
  });

  it("verifies every token's signature with the fetched JWKS, the nonce, the verdict and the digests", async () => {
    const answer = await nras.answer({ nonce: nonceHex, gpuCount: 2, at });
    const result = await verifyNrasResponse(answer, await verifyOptions());
    expect(result.overall["x-nvidia-overall-att-result"]).toBe(true);
    expect(Object.keys(result.gpus)).toEqual(["GPU-0", "GPU-1"]);
    expect(result.detail).toBe("NRAS verdict true for 2 GPUs (tokens verified, nonce bound)");
  });

  it("refuses tokens signed by a key NRAS does not publish", async () => {
    const forged = await nras.answer({ nonce: nonceHex, gpuCount: 2, at, key: "other" });
    expect(await reasonOf(async () => verifyNrasResponse(forged, await verifyOptions()))).toBe(
      "nras_token_invalid",
    );
  });

  it("refuses a token for another nonce, a false verdict, and an expired token", async () => {
    const other = await nras.answer({ nonce: "11".repeat(32), gpuCount: 2, at });
    expect(await reasonOf(async () => verifyNrasResponse(other, await verifyOptions()))).toBe(
      "nras_nonce_mismatch",
    );
    const refused = await nras.answer({ nonce: nonceHex, gpuCount: 2, at, verdict: false });
    expect(await reasonOf(async () => verifyNrasResponse(refused, await verifyOptions()))).toBe(
      "nras_verdict_failed",
    );
    const fine = await nras.answer({ nonce: nonceHex, gpuCount: 2, at });
    const later = new Date(at.getTime() + 2 * 3600_000);
    expect(await reasonOf(async () => verifyNrasResponse(fine, await verifyOptions({ now: later })))).toBe(
      "nras_token_invalid",
    );
  });

  it("refuses a GPU token swapped for another one, and an answer for fewer GPUs than sent", async () => {
    const answer = await nras.answer({ nonce: nonceHex, gpuCount: 2, at });
    const otherAnswer = await nras.answer({ nonce: nonceHex, gpuCount: 2, at });
    const swapped = [answer[0], { ...answer[1], "GPU-1": otherAnswer[1]["GPU-1"] as string }];
    expect(await reasonOf(async () => verifyNrasResponse(swapped, await verifyOptions()))).toBe(
      "nras_token_invalid",
    );
    expect(
      await reasonOf(async () => verifyNrasResponse(answer, await verifyOptions({ expectedGpuCount: 3 }))),
    ).toBe("nras_token_invalid");
    expect(await reasonOf(async () => verifyNrasResponse({ nope: true }, await verifyOptions()))).toBe(
      "nras_token_invalid",
    );
  });

  it("posts the GPU evidence to NRAS and reports an unreachable NRAS or JWKS", async () => {
    const payload = parseNvidiaPayload({
      nonce: nonceHex,
      arch: "HOPPER",
      evidence_list: [{ certificate: "x", evidence: "y" }],
    });
    const answer = await requestNrasAttestation(payload, config());
    expect(
      (await verifyNrasResponse(answer, await verifyOptions({ expectedGpuCount: 1 }))).gpus["GPU-0"],
    ).toBeDefined();
    expect(
      await reasonOf(() => requestNrasAttestation(payload, { ...config(), url: `${server.url}/missing` })),
    ).toBe("nras_unreachable");
    expect(await reasonOf(() => fetchNrasJwks({ ...config(), jwksUrl: `${server.url}/missing` }))).toBe(
      "nras_unreachable",
    );
  });
});

describeWithTeeFixtures("NRAS sample answer (signed by NVIDIA)", () => {
  it("is not accepted by merely decoding it: NVIDIA's key is not in a foreign JWKS", async () => {
    const nras = await createTestNras();
    const sample = nrasSample();
    const sampleNonce = Buffer.from(
      "56f5c2c4f23fda73db0536276f39a266569e1517de34023817ce455a79efb6d7",
      "hex",
    );
    const options = {
      jwks: nras.jwks,
      nonce: sampleNonce,
      now: new Date(1759774032_000 + 60_000),
      expectedGpuCount: 1,
    };
    expect(await reasonOf(() => verifyNrasResponse(sample, options))).toBe("nras_token_invalid");
    // Same kid, other key: the signature itself must fail.
    const kid = JSON.parse(Buffer.from(sample[0][1].split(".")[0] ?? "", "base64url").toString())
      .kid as string;
    const sameKid = { keys: nras.jwks.keys.map((key) => ({ ...key, kid })) };
    expect(await reasonOf(() => verifyNrasResponse(sample, { ...options, jwks: sameKid }))).toBe(
      "nras_token_invalid",
    );
  });

  it("matches the GPU evidence format NRAS expects", () => {
    expect(parseNvidiaPayload(JSON.stringify(gpuPayload())).evidence_list).toHaveLength(8);
  });
});
