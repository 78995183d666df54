import { verify as cryptoVerify, X509Certificate } from "node:crypto";
import { z } from "zod";
import { TeeAttestationError } from "./attestation-error.ts";
import {
  NVIDIA_DEVICE_IDENTITY_ROOT_SHA256,
  nvidiaDeviceIdentityRoot,
} from "./nvidia-device-identity-root.ts";

/** SPDM request/response codes and sizes used here (DSP0274 1.1). */
const SPDM_VERSION_1_1 = 0x11;
const SPDM_GET_MEASUREMENTS = 0xe0;
const SPDM_MEASUREMENTS = 0x60;
const SPDM_NONCE_LEN = 32;
/** GET_MEASUREMENTS with a signature: header (4) + nonce (32) + SlotIDParam (1). */
const GET_MEASUREMENTS_LEN = 4 + SPDM_NONCE_LEN + 1;
/** ECDSA P-384 signature, r ‖ s. */
const P384_SIGNATURE_LEN = 96;

/**
 * The `nvidia_payload` of an attestation report (a JSON string on the wire): the GPU
 * evidence as NVIDIA's NRAS `/v3/attest/gpu` expects it.
 * @see https://docs.nvidia.com/attestation/ (NRAS GPU attestation API)
 */
export const nvidiaPayloadSchema = z.object({
  nonce: z.string().regex(/^[0-9a-fA-F]{64}$/, "expected 32 bytes of hex"),
  arch: z.string(),
  evidence_list: z
    .array(
      z.object({
        /** Base64 of the PEM certificate chain, leaf first. */
        certificate: z.string().min(1),
        /** Base64 of the SPDM GET_MEASUREMENTS request ‖ MEASUREMENTS response. */
        evidence: z.string().min(1),
        arch: z.string().optional(),
      }),
    )
    .min(1),
});

/** Parsed {@link nvidiaPayloadSchema}. */
export type NvidiaPayload = z.infer<typeof nvidiaPayloadSchema>;

/** One verified GPU. */
export interface VerifiedGpu {
  index: number;
  arch: string;
  /** Subject of the attestation (leaf) certificate. */
  leafSubject: string;
  certificateChainLength: number;
  spdmVersion: string;
  measurementBlocks: number;
}

/** Result of {@link verifyGpuEvidence}. */
export interface VerifyGpuEvidenceResult {
  arch: string;
  gpus: VerifiedGpu[];
  payload: NvidiaPayload;
}

/** Options of {@link verifyGpuEvidence}. */
export interface VerifyGpuEvidenceOptions {
  /** Our 32-byte request nonce. */
  nonce: Uint8Array;
  /** Certificates must be valid at this time. */
  now: Date;
}

/**
 * Parses the report's `nvidia_payload` (JSON string or object).
 * @throws TeeAttestationError `gpu_evidence_malformed`
 */
export function parseNvidiaPayload(payload: unknown): NvidiaPayload {
  let value = payload;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch (error) {
      throw new TeeAttestationError("gpu_evidence_malformed", "nvidia_payload is not JSON", { cause: error });
    }
  }
  const parsed = nvidiaPayloadSchema.safeParse(value);
  if (!parsed.success) {
    throw new TeeAttestationError(
      "gpu_evidence_malformed",
      `nvidia_payload: ${z.prettifyError(parsed.error)}`,
    );
  }
  return parsed.data;
}

/**
 * Verifies NVIDIA GPU evidence offline, for every GPU in the payload: the payload and
 * each SPDM request carry our nonce; the certificate chain verifies link by link, is
 * valid now and ends at NVIDIA's pinned device identity root; the SPDM MEASUREMENTS
 * signature (ECDSA P-384 / SHA-384 over GET_MEASUREMENTS ‖ MEASUREMENTS without the
 * signature) verifies with the leaf key. Measurement values are compared with NVIDIA's
 * reference values by NRAS, not here.
 * @throws TeeAttestationError `gpu_evidence_malformed`, `gpu_nonce_mismatch`, `gpu_cert_chain_invalid`,
 *   `gpu_cert_chain_untrusted_root`, `gpu_spdm_unsupported` or `gpu_spdm_signature_invalid`
 * @see https://www.dmtf.org/sites/default/files/standards/documents/DSP0274_1.1.3.pdf (SPDM 1.1: GET_MEASUREMENTS, signature over L1/L2)
 */
export function verifyGpuEvidence(
  payload: unknown,
  options: VerifyGpuEvidenceOptions,
): VerifyGpuEvidenceResult {
  const parsed = parseNvidiaPayload(payload);
  const nonceHex = Buffer.from(options.nonce).toString("hex");
  if (parsed.nonce.toLowerCase() !== nonceHex) {
    throw new TeeAttestationError(
      "gpu_nonce_mismatch",
      `GPU evidence was made for nonce ${parsed.nonce.toLowerCase()}, not ours (${nonceHex})`,
    );
  }
  const root = nvidiaDeviceIdentityRoot();
  const gpus = parsed.evidence_list.map((item, index) => {
    const chain = verifyCertificateChain(
      Buffer.from(item.certificate, "base64").toString("utf8"),
      root,
      options.now,
      index,
    );
    const leaf = chain[0] as X509Certificate;
    const spdm = verifySpdmMeasurements(Buffer.from(item.evidence, "base64"), leaf, nonceHex, index);
    return {
      index,
      arch: item.arch ?? parsed.arch,
      leafSubject: leaf.subject.replaceAll("\n", ", "),
      certificateChainLength: chain.length,
      spdmVersion: spdm.version,
      measurementBlocks: spdm.measurementBlocks,
    };
  });
  return { arch: parsed.arch, gpus, payload: parsed };
}

/** Verifies a leaf-first PEM chain up to the pinned root; returns it with the root. */
function verifyCertificateChain(
  pem: string,
  root: X509Certificate,
  now: Date,
  gpu: number,
): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  let chain: X509Certificate[];
  try {
    chain = blocks.map((block) => new X509Certificate(block));
  } catch (error) {
    throw new TeeAttestationError("gpu_evidence_malformed", `GPU ${gpu}: unreadable certificate`, {
      cause: error,
    });
  }
  if (chain.length === 0)
    throw new TeeAttestationError("gpu_evidence_malformed", `GPU ${gpu}: no certificates`);

  // Accept a chain that stops below the root, by completing it with the pinned root.
  const last = chain[chain.length - 1] as X509Certificate;
  if (last.fingerprint256 !== NVIDIA_DEVICE_IDENTITY_ROOT_SHA256) {
    if (last.checkIssued(root) && last.verify(root.publicKey)) chain.push(root);
    else if (last.checkIssued(last)) {
      throw new TeeAttestationError(
        "gpu_cert_chain_untrusted_root",
        `GPU ${gpu}: chain ends at '${last.subject.replaceAll("\n", ", ")}' (${last.fingerprint256}), not NVIDIA's pinned root`,
      );
    } else {
      throw new TeeAttestationError(
        "gpu_cert_chain_untrusted_root",
        `GPU ${gpu}: chain does not reach NVIDIA's device identity root`,
      );
    }
  }

  const time = now.getTime();
  for (const [position, cert] of chain.entries()) {
    const issuer = chain[position + 1] ?? cert;
    const name = cert.subject.replaceAll("\n", ", ");
    if (time < Date.parse(cert.validFrom) || time > Date.parse(cert.validTo)) {
      throw new TeeAttestationError(
        "gpu_cert_chain_invalid",
        `GPU ${gpu}: '${name}' is not valid at ${now.toISOString()}`,
      );
    }
    if (!cert.checkIssued(issuer) || !cert.verify(issuer.publicKey)) {
      throw new TeeAttestationError(
        "gpu_cert_chain_invalid",
        `GPU ${gpu}: '${name}' is not signed by the next certificate`,
      );
    }
    if (position > 0 && !cert.ca) {
      throw new TeeAttestationError("gpu_cert_chain_invalid", `GPU ${gpu}: issuer '${name}' is not a CA`);
    }
  }
  return chain;
}

/** Parses and verifies one SPDM 1.1 GET_MEASUREMENTS/MEASUREMENTS exchange. */
function verifySpdmMeasurements(
  evidence: Buffer,
  leaf: X509Certificate,
  nonceHex: string,
  gpu: number,
): { version: string; measurementBlocks: number } {
  const malformed = (what: string) =>
    new TeeAttestationError("gpu_evidence_malformed", `GPU ${gpu}: ${what}`);
  if (evidence.length < GET_MEASUREMENTS_LEN + 8 + SPDM_NONCE_LEN + 2 + P384_SIGNATURE_LEN) {
    throw malformed(`SPDM evidence too short (${evidence.length} bytes)`);
  }
  const version = evidence[0] as number;
  if (version !== SPDM_VERSION_1_1) {
    throw new TeeAttestationError(
      "gpu_spdm_unsupported",
      `GPU ${gpu}: SPDM version ${version >> 4}.${version & 0xf} is not supported (1.1 only)`,
    );
  }
  if (evidence[1] !== SPDM_GET_MEASUREMENTS || ((evidence[2] as number) & 0x01) === 0) {
    throw malformed("evidence does not start with a signed GET_MEASUREMENTS request");
  }
  const requestNonce = evidence.subarray(4, 4 + SPDM_NONCE_LEN).toString("hex");
  if (requestNonce !== nonceHex) {
    throw new TeeAttestationError(
      "gpu_nonce_mismatch",
      `GPU ${gpu}: SPDM request nonce ${requestNonce} is not ours (${nonceHex})`,
    );
  }

  const response = evidence.subarray(GET_MEASUREMENTS_LEN);
  if (response[0] !== version || response[1] !== SPDM_MEASUREMENTS) {
    throw malformed("response is not an SPDM 1.1 MEASUREMENTS message");
  }
  const measurementBlocks = response[4] as number;
  const recordLength = response.readUIntLE(5, 3);
  let offset = 8 + recordLength + SPDM_NONCE_LEN;
  if (offset + 2 > response.length) throw malformed("measurement record overruns the response");
  const opaqueLength = response.readUInt16LE(offset);
  offset += 2 + opaqueLength;
  if (offset + P384_SIGNATURE_LEN !== response.length) {
    throw malformed(
      `response length ${response.length} does not end with a ${P384_SIGNATURE_LEN}-byte signature`,
    );
  }

  if (leaf.publicKey.asymmetricKeyDetails?.namedCurve !== "secp384r1") {
    throw new TeeAttestationError("gpu_spdm_unsupported", `GPU ${gpu}: attestation key is not ECDSA P-384`);
  }
  const signed = evidence.subarray(0, evidence.length - P384_SIGNATURE_LEN);
  const signature = evidence.subarray(evidence.length - P384_SIGNATURE_LEN);
  let valid = false;
  try {
    valid = cryptoVerify("sha384", signed, { key: leaf.publicKey, dsaEncoding: "ieee-p1363" }, signature);
  } catch {
    valid = false;
  }
  if (!valid) {
    throw new TeeAttestationError(
      "gpu_spdm_signature_invalid",
      `GPU ${gpu}: SPDM MEASUREMENTS signature does not verify with the attestation certificate`,
    );
  }
  return { version: "1.1", measurementBlocks };
}
