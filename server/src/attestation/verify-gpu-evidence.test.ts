import { X509Certificate } from "node:crypto";
import { expect, it } from "vitest";
import {
  NVIDIA_DEVICE_IDENTITY_ROOT_PEM,
  NVIDIA_DEVICE_IDENTITY_ROOT_SHA256,
  nvidiaDeviceIdentityRoot,
} from "./nvidia-device-identity-root.ts";
import {
  describeWithTeeFixtures,
  flipped,
  gpuNonce,
  gpuPayload,
  NEAR_VALID_AT,
  nearCollateral,
  reasonOf,
} from "./test-fixtures.ts";
import { verifyGpuEvidence } from "./verify-gpu-evidence.ts";

const options = () => ({ nonce: gpuNonce(), now: NEAR_VALID_AT });
const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g;

/** The payload with GPU `index`'s certificate chain rewritten by `edit` (PEM blocks, leaf first). */
const withChain = (index: number, edit: (blocks: string[]) => string[]) => {
  const payload = gpuPayload();
  const item = payload.evidence_list[index] as { certificate: string };
  const blocks = Buffer.from(item.certificate, "base64").toString("utf8").match(PEM_BLOCK) ?? [];
  item.certificate = Buffer.from(edit(blocks).join("")).toString("base64");
  return payload;
};

/** The payload with GPU `index`'s SPDM evidence rewritten by `edit`. */
const withEvidence = (index: number, edit: (evidence: Uint8Array) => Uint8Array) => {
  const payload = gpuPayload();
  const item = payload.evidence_list[index] as { evidence: string };
  item.evidence = Buffer.from(edit(Buffer.from(item.evidence, "base64"))).toString("base64");
  return payload;
};

describeWithTeeFixtures("verifyGpuEvidence on real Hopper evidence", () => {
  it("pins the root that ends the real chains, which is NVIDIA's published device identity root", () => {
    const chain = Buffer.from(gpuPayload().evidence_list[0]?.certificate ?? "", "base64").toString("utf8");
    const blocks = chain.match(PEM_BLOCK) ?? [];
    const last = new X509Certificate(blocks.at(-1) ?? "");
    expect(last.fingerprint256).toBe(NVIDIA_DEVICE_IDENTITY_ROOT_SHA256);
    expect(last.subject).toBe("CN=NVIDIA Device Identity CA\nO=NVIDIA");
    expect(nvidiaDeviceIdentityRoot().raw.equals(last.raw)).toBe(true);
    expect(NVIDIA_DEVICE_IDENTITY_ROOT_PEM).toContain("MIICCzCCAZCgAwIBAgIQLTZwscoQBBHB");
  });

  it("verifies all 8 GPUs: our nonce, chain to the pinned root, SPDM signatures", () => {
    const result = verifyGpuEvidence(JSON.stringify(gpuPayload()), options());
    expect(result.arch).toBe("HOPPER");
    expect(result.gpus).toHaveLength(8);
    for (const gpu of result.gpus) {
      expect(gpu).toMatchObject({
        arch: "HOPPER",
        spdmVersion: "1.1",
        measurementBlocks: 64,
        certificateChainLength: 5,
      });
      expect(gpu.leafSubject).toContain("CN=GH100 A01 GSP FMC LF");
    }
  });

  it("accepts a chain that stops below the root, completing it with the pinned root", () => {
    const payload = withChain(3, (blocks) => blocks.slice(0, -1));
    expect(verifyGpuEvidence(payload, options()).gpus[3]?.certificateChainLength).toBe(5);
  });

  it("refuses evidence made for another nonce", async () => {
    const otherNonce = flipped(gpuNonce(), 0);
    expect(await reasonOf(() => verifyGpuEvidence(gpuPayload(), { ...options(), nonce: otherNonce }))).toBe(
      "gpu_nonce_mismatch",
    );
  });

  it("refuses a payload whose nonce field was rewritten: the SPDM request still carries the old one", async () => {
    const otherNonce = flipped(gpuNonce(), 0);
    const payload = { ...gpuPayload(), nonce: Buffer.from(otherNonce).toString("hex") };
    expect(await reasonOf(() => verifyGpuEvidence(payload, { ...options(), nonce: otherNonce }))).toBe(
      "gpu_nonce_mismatch",
    );
  });

  it("refuses a broken certificate chain (an intermediate removed)", async () => {
    const payload = withChain(2, (blocks) => [blocks[0], ...blocks.slice(2)] as string[]);
    expect(await reasonOf(() => verifyGpuEvidence(payload, options()))).toBe("gpu_cert_chain_invalid");
  });

  it("refuses a chain with another GPU's leaf certificate", async () => {
    const other = Buffer.from(gpuPayload().evidence_list[1]?.certificate ?? "", "base64").toString("utf8");
    const otherLeaf = other.match(PEM_BLOCK)?.[0] ?? "";
    const payload = withChain(0, (blocks) => [otherLeaf, ...blocks.slice(1)]);
    // Each GPU has its own device (BROM) certificate, so GPU 1's leaf is not issued by GPU 0's.
    expect(await reasonOf(() => verifyGpuEvidence(payload, options()))).toBe("gpu_cert_chain_invalid");
  });

  it("refuses evidence signed by one GPU presented with another GPU's (valid) chain", async () => {
    const payload = gpuPayload();
    const [first, second] = payload.evidence_list;
    if (!first || !second) throw new Error("fixture has fewer than 2 GPUs");
    first.certificate = second.certificate;
    expect(await reasonOf(() => verifyGpuEvidence(payload, options()))).toBe("gpu_spdm_signature_invalid");
  });

  it("refuses a chain that ends at a root other than NVIDIA's (Intel's SGX root here)", async () => {
    const intelRoot = (nearCollateral().qe_identity_issuer_chain.match(PEM_BLOCK) ?? []).at(-1) ?? "";
    expect(new X509Certificate(intelRoot).subject).toContain("Intel SGX Root CA");
    const payload = withChain(0, (blocks) => [...blocks.slice(0, -1), intelRoot]);
    expect(await reasonOf(() => verifyGpuEvidence(payload, options()))).toBe("gpu_cert_chain_untrusted_root");
  });

  it("refuses a chain of the leaf alone, which does not reach the root", async () => {
    const payload = withChain(0, (blocks) => blocks.slice(0, 1));
    expect(await reasonOf(() => verifyGpuEvidence(payload, options()))).toBe("gpu_cert_chain_untrusted_root");
  });

  it("refuses certificates outside their validity (before the provisioner CA existed)", async () => {
    expect(
      await reasonOf(() => verifyGpuEvidence(gpuPayload(), { ...options(), now: new Date("2021-12-01") })),
    ).toBe("gpu_cert_chain_invalid");
  });

  it("refuses a measurement changed after signing, and a flipped signature byte", async () => {
    const measurement = withEvidence(4, (evidence) => flipped(evidence, 37 + 8 + 100));
    expect(await reasonOf(() => verifyGpuEvidence(measurement, options()))).toBe(
      "gpu_spdm_signature_invalid",
    );
    const signature = withEvidence(4, (evidence) => flipped(evidence, evidence.length - 5));
    expect(await reasonOf(() => verifyGpuEvidence(signature, options()))).toBe("gpu_spdm_signature_invalid");
  });

  it("refuses SPDM versions other than 1.1 and malformed evidence", async () => {
    const version = withEvidence(0, (evidence) => flipped(evidence, 0, 0x03));
    expect(await reasonOf(() => verifyGpuEvidence(version, options()))).toBe("gpu_spdm_unsupported");
    const truncated = withEvidence(0, (evidence) => evidence.subarray(0, evidence.length - 1));
    expect(await reasonOf(() => verifyGpuEvidence(truncated, options()))).toBe("gpu_evidence_malformed");
    expect(await reasonOf(() => verifyGpuEvidence("{", options()))).toBe("gpu_evidence_malformed");
    expect(await reasonOf(() => verifyGpuEvidence({ ...gpuPayload(), evidence_list: [] }, options()))).toBe(
      "gpu_evidence_malformed",
    );
  });
});
