import type { Collateral } from "@phala/dcap-qvl";
import { type AttestationFailureReason, TeeAttestationError } from "./attestation-error.ts";
import type { TcbPolicyResult } from "./attestation-policy.ts";
import type { VerifiedGpu } from "./verify-gpu-evidence.ts";
import type { TdxMeasurements } from "./verify-tdx-quote.ts";

/** The checks of one attestation, in the order they run and are shown. */
export const ATTESTATION_CHECK_NAMES = [
  "report",
  "tdx_quote",
  "report_data",
  "event_log",
  "compose_hash",
  "measurements",
  "gpu_evidence",
  "nras",
  "signing_key",
] as const;

/** One of {@link ATTESTATION_CHECK_NAMES}. */
export type AttestationCheckName = (typeof ATTESTATION_CHECK_NAMES)[number];

/** One check's outcome; a skipped check neither passed nor failed and says why. */
export interface AttestationCheck {
  name: AttestationCheckName;
  ok: boolean;
  skipped: boolean;
  reason?: AttestationFailureReason;
  detail: string;
  /** ISO time the check finished. */
  checkedAt: string;
}

/**
 * The full outcome of attesting one provider and model: every check, what was verified
 * and the raw evidence, so a user can redo the verification without trusting us.
 * Shaped for `GET /v1/attestation?model=…` (JSON-serialisable as is).
 */
export interface AttestationResult {
  /** True only if no check failed; skipped checks are allowed only where policy allows. */
  ok: boolean;
  /** The first failed check's reason and detail. */
  reason?: AttestationFailureReason;
  detail: string;
  provider: { baseUrl: string; model: string };
  checkedAt: string;
  /** When this result must be redone; for a failed result, `checkedAt`. */
  expiresAt: string;
  /** Our 32-byte nonce, hex. */
  nonce: string;
  /** The enclave's signing address, set only when every check passed. */
  signingAddress: string | null;
  /** The address the report claims, verified or not. */
  claimedSigningAddress: string | null;
  signingAlgo: "ecdsa";
  tcb: (TcbPolicyResult & { advisoryIds: string[] }) | null;
  measurements: (TdxMeasurements & { composeHash: string | null }) | null;
  gpus: VerifiedGpu[];
  checks: AttestationCheck[];
  evidence: {
    reportUrl: string;
    /** The attestation report JSON exactly as the provider sent it. */
    report: unknown;
    /** The Intel collateral the quote was verified against. */
    collateral: Collateral | null;
    collateralExpiresAt: string | null;
    /** NRAS's raw answer, when NRAS was asked. */
    nras: unknown;
  };
}

/** Whether a result passed and is still within its validity at `now`. */
export function isAttestationUsable(result: AttestationResult, now: Date): boolean {
  return result.ok && now.getTime() < Date.parse(result.expiresAt);
}

/**
 * Fail-closed gate for serving a TEE model: throws the 503 `tee_attestation_failed`
 * error unless the result passed and has not expired.
 * @throws TeeAttestationError with the failed check's reason, or `attestation_stale`
 */
export function assertAttestationUsable(result: AttestationResult, now: Date): void {
  if (!result.ok) throw new TeeAttestationError(result.reason ?? "tdx_quote_invalid", result.detail);
  if (now.getTime() >= Date.parse(result.expiresAt)) {
    throw new TeeAttestationError(
      "attestation_stale",
      `the last verification expired at ${result.expiresAt}`,
    );
  }
}

/** Inputs of {@link attestationExpiry}. */
export interface AttestationExpiryInput {
  finishedAt: Date;
  maxAgeSeconds: number;
  collateralExpiresAt: Date | null;
  /** `exp` of NRAS's overall token, in ms, when NRAS was verified. */
  nrasExpiresAtMs: number | null;
}

/**
 * When a passed attestation must be redone: the earliest of the policy's maximum age,
 * the Intel collateral's expiry and the NRAS token's expiry.
 */
export function attestationExpiry(input: AttestationExpiryInput): Date {
  const candidates = [input.finishedAt.getTime() + input.maxAgeSeconds * 1000];
  if (input.collateralExpiresAt) candidates.push(input.collateralExpiresAt.getTime());
  if (input.nrasExpiresAtMs !== null) candidates.push(input.nrasExpiresAtMs);
  return new Date(Math.min(...candidates));
}
