import { ModelUnavailableError } from "@masque/shared";

/**
 * Every reason a TEE attestation or a response signature can be refused, one stable
 * machine code each. They appear in {@link AttestationCheck.reason}, in the 503 answer
 * (`tee_attestation_failed`) and in logs; never rename one, add a new one instead.
 */
export const ATTESTATION_FAILURE_REASONS = [
  // Fetching and parsing the provider's report.
  "report_unreachable",
  "report_malformed",
  "report_nonce_mismatch",
  "signing_algo_unsupported",
  // Intel TDX quote (DCAP) and its collateral.
  "tdx_quote_malformed",
  "tdx_quote_not_tdx",
  "tdx_debug_td",
  "tdx_quote_invalid",
  "tdx_certificate_expired",
  "tdx_certificate_revoked",
  "tdx_collateral_unavailable",
  "tdx_collateral_expired",
  "tdx_collateral_not_yet_valid",
  "tdx_tcb_revoked",
  "tdx_tcb_status_unknown",
  "tdx_tcb_status_not_allowed",
  // report_data binding.
  "report_data_address_mismatch",
  "report_data_nonce_mismatch",
  // Event log, app compose and measurement allowlist.
  "event_log_malformed",
  "event_log_digest_mismatch",
  "event_log_rtmr3_mismatch",
  "compose_hash_missing",
  "compose_hash_mismatch",
  "measurement_not_allowed",
  // NVIDIA GPU evidence (SPDM) and NRAS.
  "gpu_evidence_missing",
  "gpu_evidence_malformed",
  "gpu_nonce_mismatch",
  "gpu_cert_chain_invalid",
  "gpu_cert_chain_untrusted_root",
  "gpu_spdm_unsupported",
  "gpu_spdm_signature_invalid",
  "nras_unreachable",
  "nras_token_invalid",
  "nras_nonce_mismatch",
  "nras_verdict_failed",
  // Signing key continuity and per-response signatures.
  "signing_key_changed",
  "response_signature_unavailable",
  "response_signature_malformed",
  "response_hash_mismatch",
  "response_signature_invalid",
  // A passed verification that is too old to rely on.
  "attestation_stale",
] as const;

/** One of {@link ATTESTATION_FAILURE_REASONS}. */
export type AttestationFailureReason = (typeof ATTESTATION_FAILURE_REASONS)[number];

/**
 * A TEE check refused the provider: 503 `tee_attestation_failed` with the stable
 * `reason` and a human `detail`. Thrown by every `verify*` function in this folder;
 * the gateway answers a request to an unverified TEE model with it, never with
 * another privacy class.
 */
export class TeeAttestationError extends ModelUnavailableError {
  readonly reason: AttestationFailureReason;
  readonly detail: string;

  constructor(reason: AttestationFailureReason, detail: string, options: { cause?: unknown } = {}) {
    super(`TEE attestation failed (${reason}): ${detail}`, "tee_attestation_failed", options);
    this.reason = reason;
    this.detail = detail;
  }
}
