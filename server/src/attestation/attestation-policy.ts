import { z } from "zod";
import { TeeAttestationError } from "./attestation-error.ts";

/**
 * TCB statuses Intel's DCAP collateral defines for a platform, as returned by
 * `@phala/dcap-qvl`. `Revoked` is listed so it can be named, but no policy may allow it.
 * @see https://api.portal.trustedservices.intel.com/content/documentation.html#pcs-tcb-info-model-v3
 */
export const KNOWN_TCB_STATUSES = [
  "UpToDate",
  "SWHardeningNeeded",
  "ConfigurationNeeded",
  "ConfigurationAndSWHardeningNeeded",
  "OutOfDate",
  "OutOfDateConfigurationNeeded",
  "Revoked",
] as const;

/** A TCB status Intel defines; anything else is refused as unknown. */
export type TcbStatus = (typeof KNOWN_TCB_STATUSES)[number];

const allowableTcbStatus = z.enum(KNOWN_TCB_STATUSES).refine((status) => status !== "Revoked", {
  message: "a Revoked TCB can never be allowed",
});

const hexOf = (bytes: number) =>
  z
    .string()
    .transform((value) => value.toLowerCase().replace(/^0x/, ""))
    .pipe(z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`), `expected ${bytes} bytes of hex`));

/**
 * Per-provider allowlist of measurements, from the providers file. Each listed key
 * restricts that measurement to the given values (hex, case and `0x` ignored); an
 * absent key accepts any value. MRTD and RTMR0-2 are SHA-384 (48 bytes), compose_hash
 * is SHA-256 of the dstack app-compose (32 bytes).
 * @see https://cdrdv2.intel.com/v1/dl/getContent/733575 (TDX DCAP quote layout: MRTD, RTMRs)
 */
export const measurementAllowlistSchema = z
  .object({
    mrtd: z.array(hexOf(48)).min(1).optional(),
    rtmr0: z.array(hexOf(48)).min(1).optional(),
    rtmr1: z.array(hexOf(48)).min(1).optional(),
    rtmr2: z.array(hexOf(48)).min(1).optional(),
    compose_hash: z.array(hexOf(32)).min(1).optional(),
  })
  .strict();

/** Parsed {@link measurementAllowlistSchema}. */
export type MeasurementAllowlist = z.output<typeof measurementAllowlistSchema>;

/**
 * What the operator accepts from a TEE provider. Defaults are the strict ones:
 * only `UpToDate` platforms, GPU evidence required, a verification valid 10 minutes.
 */
export const attestationPolicySchema = z
  .object({
    /** TCB statuses accepted; anything else is refused and the result says why. */
    allowedTcbStatuses: z.array(allowableTcbStatus).min(1).default(["UpToDate"]),
    /** Optional measurement allowlist; see {@link measurementAllowlistSchema}. */
    allowlist: measurementAllowlistSchema.optional(),
    /** Refuse a provider whose report carries no NVIDIA GPU evidence. */
    requireGpuEvidence: z.boolean().default(true),
    /** Refuse when NRAS is configured but unreachable (otherwise the check is skipped). */
    requireNras: z.boolean().default(false),
    /** How long a passed verification stays valid before it must be redone. */
    maxAgeSeconds: z.number().int().positive().default(600),
  })
  .strict();

/** Operator input for {@link attestationPolicySchema} (defaults optional). */
export type AttestationPolicyInput = z.input<typeof attestationPolicySchema>;
/** A complete policy with defaults applied. */
export type AttestationPolicy = z.output<typeof attestationPolicySchema>;

/** The default, strictest policy. */
export const DEFAULT_ATTESTATION_POLICY: AttestationPolicy = attestationPolicySchema.parse({});

/** Outcome of {@link enforceTcbPolicy}, for the result and the UI. */
export interface TcbPolicyResult {
  status: TcbStatus;
  /** True when the status is not `UpToDate` and only the operator's policy let it pass. */
  allowedByOperator: boolean;
}

/**
 * Applies the operator's TCB-status policy to the status DCAP verification returned.
 * Unknown statuses are refused whatever the policy says, so a new status Intel adds
 * is never accepted by accident.
 * @throws TeeAttestationError `tdx_tcb_status_unknown`, `tdx_tcb_revoked` or `tdx_tcb_status_not_allowed`
 * @see https://cdrdv2.intel.com/v1/dl/getContent/733575 (DCAP quote verification, TCB status)
 */
export function enforceTcbPolicy(
  status: string,
  policy: Pick<AttestationPolicy, "allowedTcbStatuses">,
): TcbPolicyResult {
  if (!(KNOWN_TCB_STATUSES as readonly string[]).includes(status)) {
    throw new TeeAttestationError(
      "tdx_tcb_status_unknown",
      `TCB status '${status}' is not one Intel defines`,
    );
  }
  const known = status as TcbStatus;
  if (known === "Revoked") {
    throw new TeeAttestationError("tdx_tcb_revoked", "the platform's TCB is revoked");
  }
  if (!(policy.allowedTcbStatuses as readonly string[]).includes(known)) {
    throw new TeeAttestationError(
      "tdx_tcb_status_not_allowed",
      `TCB status ${known} is not allowed (allowed: ${policy.allowedTcbStatuses.join(", ")})`,
    );
  }
  return { status: known, allowedByOperator: known !== "UpToDate" };
}

/** The measurements the allowlist can restrict, lowercase hex. */
export interface AllowlistedMeasurements {
  mrtd: string;
  rtmr0: string;
  rtmr1: string;
  rtmr2: string;
  compose_hash: string;
}

/**
 * Enforces the optional allowlist; returns a one-line summary of what was checked.
 * @throws TeeAttestationError `measurement_not_allowed`, naming the measurement and value
 */
export function enforceMeasurementAllowlist(
  measurements: AllowlistedMeasurements,
  allowlist: MeasurementAllowlist | undefined,
): string {
  if (!allowlist) return "no allowlist configured";
  const checked: string[] = [];
  for (const key of ["mrtd", "rtmr0", "rtmr1", "rtmr2", "compose_hash"] as const) {
    const allowed = allowlist[key];
    if (!allowed) continue;
    const actual = measurements[key].toLowerCase();
    if (!allowed.includes(actual)) {
      throw new TeeAttestationError("measurement_not_allowed", `${key} ${actual} is not on the allowlist`);
    }
    checked.push(key);
  }
  return checked.length === 0 ? "allowlist is empty" : `${checked.join(", ")} on the allowlist`;
}
