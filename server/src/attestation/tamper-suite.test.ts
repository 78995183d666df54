import { verify } from "@phala/dcap-qvl";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { expect, it } from "vitest";
import { enforceMeasurementAllowlist, measurementAllowlistSchema } from "./attestation-policy.ts";
import {
  describeWithTeeFixtures,
  dstackSample,
  flipped,
  gpuNonce,
  gpuPayload,
  NEAR_VALID_AT,
  nearCollateral,
  reasonOf,
  TDX_QUOTE_OFFSETS,
} from "./test-fixtures.ts";
import { verifyGpuEvidence } from "./verify-gpu-evidence.ts";
import { expectedReportData, verifyReportData } from "./verify-report-data.ts";
import { signedExchangeText, verifyResponseSignature } from "./verify-response-signature.ts";
import { verifyTdxQuote } from "./verify-tdx-quote.ts";

const enclave = privateKeyToAccount(generatePrivateKey());
const other = privateKeyToAccount(generatePrivateKey());
const nonce = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
const quoteOptions = () => ({ collateral: nearCollateral(), now: NEAR_VALID_AT });

const responseCheck = async (signer: typeof enclave, claimed: `0x${string}`, tamperSignature: boolean) => {
  const text = signedExchangeText("request", "response");
  let signature: string = await signer.signMessage({ message: text });
  if (tamperSignature)
    signature = `${signature.slice(0, 4)}${signature[4] === "0" ? "1" : "0"}${signature.slice(5)}`;
  const result = await verifyResponseSignature({
    signature: { text, signature, signing_address: claimed },
    requestBody: "request",
    responseBody: "response",
    attestedAddress: enclave.address,
  });
  return result.reason ?? "accepted";
};

/** Issue 4's tamper suite: each case is refused, and each with a reason of its own. */
const CASES: { name: string; reason: string; run: () => Promise<string> }[] = [
  {
    name: "flipped quote byte",
    reason: "tdx_quote_invalid",
    run: () =>
      reasonOf(() => verifyTdxQuote(flipped(dstackSample().quote, TDX_QUOTE_OFFSETS.mrtd), quoteOptions())),
  },
  {
    name: "wrong nonce",
    reason: "report_data_nonce_mismatch",
    run: () =>
      reasonOf(() =>
        verifyReportData(expectedReportData(enclave.address, nonce), enclave.address, flipped(nonce, 0)),
      ),
  },
  {
    name: "wrong signing address",
    reason: "report_data_address_mismatch",
    run: () =>
      reasonOf(() => verifyReportData(expectedReportData(enclave.address, nonce), other.address, nonce)),
  },
  {
    name: "debug TD",
    reason: "tdx_debug_td",
    run: () =>
      reasonOf(() =>
        verifyTdxQuote(flipped(dstackSample().quote, TDX_QUOTE_OFFSETS.tdAttributes), quoteOptions()),
      ),
  },
  {
    name: "expired collateral",
    reason: "tdx_collateral_expired",
    run: () =>
      reasonOf(() =>
        verifyTdxQuote(dstackSample().quote, { ...quoteOptions(), now: new Date("2025-10-03T00:00:00Z") }),
      ),
  },
  {
    name: "unknown TCB status",
    reason: "tdx_tcb_status_unknown",
    run: () =>
      reasonOf(() =>
        verifyTdxQuote(dstackSample().quote, {
          ...quoteOptions(),
          // The real DCAP verification, reporting a status Intel does not define.
          verifier: (quote, collateral, now) => ({ ...verify(quote, collateral, now), status: "Unknown" }),
        }),
      ),
  },
  {
    name: "measurement not on the allowlist",
    reason: "measurement_not_allowed",
    run: () => {
      const { measurements } = verifyTdxQuote(dstackSample().quote, quoteOptions());
      const allowlist = measurementAllowlistSchema.parse({ mrtd: ["00".repeat(48)] });
      return reasonOf(() => enforceMeasurementAllowlist({ ...measurements, compose_hash: "" }, allowlist));
    },
  },
  {
    name: "broken GPU certificate chain",
    reason: "gpu_cert_chain_invalid",
    run: () => {
      const payload = gpuPayload();
      const item = payload.evidence_list[0] as { certificate: string };
      const pem = Buffer.from(item.certificate, "base64").toString("utf8");
      const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g) ?? [];
      item.certificate = Buffer.from([blocks[0], ...blocks.slice(2)].join("")).toString("base64");
      return reasonOf(() => verifyGpuEvidence(payload, { nonce: gpuNonce(), now: NEAR_VALID_AT }));
    },
  },
  {
    name: "GPU nonce mismatch",
    reason: "gpu_nonce_mismatch",
    run: () => reasonOf(() => verifyGpuEvidence(gpuPayload(), { nonce, now: NEAR_VALID_AT })),
  },
  {
    name: "bad response signature",
    reason: "response_signature_invalid",
    run: () => responseCheck(enclave, enclave.address, true),
  },
  {
    name: "signing key changed",
    reason: "signing_key_changed",
    run: () => responseCheck(other, other.address, false),
  },
];

describeWithTeeFixtures("tamper suite", () => {
  for (const tamper of CASES) {
    it(`refuses: ${tamper.name} (${tamper.reason})`, async () => {
      expect(await tamper.run()).toBe(tamper.reason);
    });
  }

  it("gives every tamper case its own reason", () => {
    expect(new Set(CASES.map((tamper) => tamper.reason)).size).toBe(CASES.length);
  });

  it("accepts the untampered evidence the cases start from", async () => {
    expect(verifyTdxQuote(dstackSample().quote, quoteOptions()).tcb.status).toBe("UpToDate");
    expect(verifyGpuEvidence(gpuPayload(), { nonce: gpuNonce(), now: NEAR_VALID_AT }).gpus).toHaveLength(8);
    expect(verifyReportData(expectedReportData(enclave.address, nonce), enclave.address, nonce)).toContain(
      "binds",
    );
    expect(await responseCheck(enclave, enclave.address, false)).toBe("accepted");
  });
});
