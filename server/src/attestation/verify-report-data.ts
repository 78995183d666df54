import { getAddress, isAddress } from "viem";
import { TeeAttestationError } from "./attestation-error.ts";

/**
 * The 64-byte report_data a TEE inference proxy puts into its TDX quote: the 20-byte
 * signing address right-padded with zeros to 32 bytes, then the caller's 32-byte nonce.
 * This is what binds the enclave's signing key and our fresh nonce to the quote.
 * @see https://github.com/nearai/private-ml-sdk (vllm-proxy attestation report)
 */
export function expectedReportData(signingAddress: string, nonce: Uint8Array): Uint8Array {
  if (!isAddress(signingAddress, { strict: false })) {
    throw new TeeAttestationError("report_malformed", `signing address ${signingAddress} is not an address`);
  }
  if (nonce.length !== 32) {
    throw new TeeAttestationError("report_malformed", `nonce must be 32 bytes, got ${nonce.length}`);
  }
  const data = new Uint8Array(64);
  data.set(Buffer.from(signingAddress.slice(2), "hex"), 0);
  data.set(nonce, 32);
  return data;
}

/**
 * Checks a quote's report_data against the signing address and our nonce; each half
 * fails with its own reason so a replayed quote and a swapped key are told apart.
 * @throws TeeAttestationError `report_data_address_mismatch` or `report_data_nonce_mismatch`
 * @see https://cdrdv2.intel.com/v1/dl/getContent/733575 (TD report REPORTDATA, 64 bytes)
 */
export function verifyReportData(reportData: Uint8Array, signingAddress: string, nonce: Uint8Array): string {
  const expected = expectedReportData(signingAddress, nonce);
  if (reportData.length !== 64) {
    throw new TeeAttestationError(
      "report_data_address_mismatch",
      `report_data is ${reportData.length} bytes, not 64`,
    );
  }
  const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
  if (hex(reportData.subarray(0, 32)) !== hex(expected.subarray(0, 32))) {
    throw new TeeAttestationError(
      "report_data_address_mismatch",
      `report_data[0..32] is ${hex(reportData.subarray(0, 32))}, expected ${getAddress(signingAddress)} zero-padded`,
    );
  }
  if (hex(reportData.subarray(32)) !== hex(nonce)) {
    throw new TeeAttestationError(
      "report_data_nonce_mismatch",
      `report_data[32..64] is ${hex(reportData.subarray(32))}, expected our nonce ${hex(nonce)}`,
    );
  }
  return `report_data binds ${getAddress(signingAddress)} and our nonce`;
}
