import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TeeAttestationError } from "./attestation-error.ts";
import { jsonAnswer, reasonOf, startTestServer } from "./test-fixtures.ts";
import {
  assertResponseSignature,
  fetchResponseSignature,
  type ResponseSignature,
  signedExchangeText,
  verifyResponseSignature,
} from "./verify-response-signature.ts";

const enclave = privateKeyToAccount(generatePrivateKey());
const impostor = privateKeyToAccount(generatePrivateKey());
const requestBody = new TextEncoder().encode(
  '{"model":"m","messages":[{"role":"user","content":"hi"}],"stream":true}',
);
const responseBody = new TextEncoder().encode(
  'data: {"id":"chatcmpl-1","choices":[{"delta":{"content":"hello"}}]}\n\ndata: [DONE]\n\n',
);

const signedBy = async (account: typeof enclave, text = signedExchangeText(requestBody, responseBody)) =>
  ({
    text,
    signature: await account.signMessage({ message: text }),
    signing_address: account.address,
    signing_algo: "ecdsa",
  }) satisfies ResponseSignature;

const check = (
  signature: ResponseSignature,
  overrides: { responseBody?: Uint8Array; attestedAddress?: string } = {},
) =>
  verifyResponseSignature({
    signature,
    requestBody,
    responseBody: overrides.responseBody ?? responseBody,
    attestedAddress: overrides.attestedAddress ?? enclave.address,
    now: () => new Date("2025-09-15T00:00:00Z"),
  });

describe("verifyResponseSignature", () => {
  it("hashes the exact request and response bytes, SSE and [DONE] included", () => {
    expect(signedExchangeText("abc", "")).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
  });

  it("accepts an EIP-191 signature by the attested key over sha256(request):sha256(response)", async () => {
    const result = await check(await signedBy(enclave));
    expect(result).toMatchObject({
      ok: true,
      recoveredAddress: enclave.address,
      attestedAddress: enclave.address,
    });
    expect(result.checkedAt).toBe("2025-09-15T00:00:00.000Z");
    expect(() => assertResponseSignature(result)).not.toThrow();
  });

  it("refuses a bad signature (one byte flipped)", async () => {
    const good = await signedBy(enclave);
    const flippedByte = (Number.parseInt(good.signature.slice(10, 12), 16) ^ 0xff)
      .toString(16)
      .padStart(2, "0");
    const bad = {
      ...good,
      signature: `${good.signature.slice(0, 10)}${flippedByte}${good.signature.slice(12)}`,
    };
    const result = await check(bad);
    expect(result).toMatchObject({ ok: false, reason: "response_signature_invalid" });
  });

  it("refuses a signature by another key that claims the attested address", async () => {
    const forged = { ...(await signedBy(impostor)), signing_address: enclave.address };
    const result = await check(forged);
    expect(result).toMatchObject({
      ok: false,
      reason: "response_signature_invalid",
      recoveredAddress: impostor.address,
    });
  });

  it("refuses a response that is not the one signed", async () => {
    const tampered = new TextEncoder().encode("data: [DONE]\n\n");
    expect(await check(await signedBy(enclave), { responseBody: tampered })).toMatchObject({
      ok: false,
      reason: "response_hash_mismatch",
    });
  });

  it("reports a changed signing key against the previously attested address", async () => {
    const result = await check(await signedBy(impostor));
    expect(result).toMatchObject({
      ok: false,
      reason: "signing_key_changed",
      signingAddress: impostor.address,
    });
    try {
      assertResponseSignature(result);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TeeAttestationError);
      expect(error).toMatchObject({
        reason: "signing_key_changed",
        code: "tee_attestation_failed",
        status: 503,
      });
    }
  });

  it("refuses another signing algorithm", async () => {
    expect(await check({ ...(await signedBy(enclave)), signing_algo: "ed25519" })).toMatchObject({
      ok: false,
      reason: "signing_algo_unsupported",
    });
  });
});

describe("fetchResponseSignature from a provider on 127.0.0.1", () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let served: unknown;
  beforeAll(async () => {
    served = await signedBy(enclave);
    server = await startTestServer((request) => {
      const url = new URL(request.url ?? "/", "http://x");
      if (url.pathname === "/v1/signature/chatcmpl-1" && url.searchParams.get("signing_algo") === "ecdsa") {
        return jsonAnswer(served);
      }
      return undefined;
    });
  });
  afterAll(() => server.close());

  it("fetches the signature for a chat id and model, which then verifies", async () => {
    const signature = await fetchResponseSignature({
      baseUrl: `${server.url}/v1`,
      chatId: "chatcmpl-1",
      model: "m/x",
    });
    expect(server.requests.at(-1)).toBe("GET /v1/signature/chatcmpl-1?model=m%2Fx&signing_algo=ecdsa");
    expect((await check(signature)).ok).toBe(true);
  });

  it("reports a missing signature and a malformed one", async () => {
    const missing = () => fetchResponseSignature({ baseUrl: `${server.url}/v1`, chatId: "nope", model: "m" });
    expect(await reasonOf(missing)).toBe("response_signature_unavailable");
    served = { text: "x", signature: "0x1234", signing_address: enclave.address };
    const malformed = () =>
      fetchResponseSignature({ baseUrl: `${server.url}/v1`, chatId: "chatcmpl-1", model: "m" });
    expect(await reasonOf(malformed)).toBe("response_signature_malformed");
  });
});
