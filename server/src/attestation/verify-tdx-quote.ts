import { type Collateral, verify as dcapVerify, Quote, type VerifiedReport } from "@phala/dcap-qvl";
import { TeeAttestationError } from "./attestation-error.ts";
import {
  type AttestationPolicy,
  DEFAULT_ATTESTATION_POLICY,
  enforceTcbPolicy,
  type TcbPolicyResult,
} from "./attestation-policy.ts";

/** TEE type of a TDX quote in the quote header. */
const TEE_TYPE_TDX = 0x81;

/** The DCAP verifier signature: `@phala/dcap-qvl`'s `verify` (synchronous, throws). */
export type DcapVerifier = (quote: Uint8Array, collateral: Collateral, nowSeconds: number) => VerifiedReport;

/** TD report measurements, lowercase hex without `0x`. */
export interface TdxMeasurements {
  mrtd: string;
  rtmr0: string;
  rtmr1: string;
  rtmr2: string;
  rtmr3: string;
  mrConfigId: string;
  mrOwner: string;
  mrOwnerConfig: string;
  mrSeam: string;
  teeTcbSvn: string;
  tdAttributes: string;
  xfam: string;
  reportData: string;
}

/** Options of {@link verifyTdxQuote}. */
export interface VerifyTdxQuoteOptions {
  collateral: Collateral;
  /** The verification time; collateral and certificates must be valid then. */
  now: Date;
  policy?: Pick<AttestationPolicy, "allowedTcbStatuses">;
  /** DCAP verifier; defaults to `@phala/dcap-qvl` with Intel's production root CA. */
  verifier?: DcapVerifier;
}

/** Result of {@link verifyTdxQuote}. */
export interface VerifyTdxQuoteResult {
  tcb: TcbPolicyResult & { advisoryIds: string[] };
  measurements: TdxMeasurements;
  /** The 64 bytes of report_data the TD put into the quote. */
  reportData: Uint8Array;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

/**
 * Parses a TDX quote without verifying it: header checks and the TD report body.
 * Used before verification so that evidence can be shown even when it is refused.
 * @throws TeeAttestationError `tdx_quote_malformed` or `tdx_quote_not_tdx`
 */
export function parseTdxQuote(quote: Uint8Array): { measurements: TdxMeasurements; reportData: Uint8Array } {
  let parsed: Quote;
  try {
    parsed = Quote.parse(quote);
  } catch (error) {
    throw new TeeAttestationError("tdx_quote_malformed", `cannot parse the quote: ${message(error)}`, {
      cause: error,
    });
  }
  const td = parsed.report.asTd10();
  if (parsed.header.teeType !== TEE_TYPE_TDX || !td) {
    throw new TeeAttestationError(
      "tdx_quote_not_tdx",
      `quote TEE type 0x${parsed.header.teeType.toString(16)} is not TDX (0x81)`,
    );
  }
  return {
    reportData: Uint8Array.from(td.reportData),
    measurements: {
      mrtd: hex(td.mrTd),
      rtmr0: hex(td.rtMr0),
      rtmr1: hex(td.rtMr1),
      rtmr2: hex(td.rtMr2),
      rtmr3: hex(td.rtMr3),
      mrConfigId: hex(td.mrConfigId),
      mrOwner: hex(td.mrOwner),
      mrOwnerConfig: hex(td.mrOwnerConfig),
      mrSeam: hex(td.mrSeam),
      teeTcbSvn: hex(td.teeTcbSvn),
      tdAttributes: hex(td.tdAttributes),
      xfam: hex(td.xfam),
      reportData: hex(td.reportData),
    },
  };
}

/**
 * Verifies an Intel TDX quote: refuses debug TDs, checks the quote signature, QE report,
 * PCK certificate chain to Intel's root, CRLs and TCB info with `@phala/dcap-qvl`, then
 * applies the operator's TCB-status policy (default: only `UpToDate`).
 *
 * The debug bit is checked on the parsed TD report before the signature, so a debug TD
 * is reported as such even if something else is wrong with its quote.
 * @throws TeeAttestationError with one reason per failure
 * @see https://cdrdv2.intel.com/v1/dl/getContent/733575 (Intel TDX DCAP Quoting Library API, quote v4)
 * @see https://cdrdv2.intel.com/v1/dl/getContent/733568 (TDX module spec: TDATTRIBUTES.DEBUG is bit 0)
 */
export function verifyTdxQuote(quote: Uint8Array, options: VerifyTdxQuoteOptions): VerifyTdxQuoteResult {
  const { measurements, reportData } = parseTdxQuote(quote);

  // TDATTRIBUTES byte 0 is the TUD group (TD under debug); bit 0 is DEBUG and the other
  // bits are reserved for debug features, so any non-zero value means a debuggable TD
  // whose memory the host can read.
  const tud = Number.parseInt(measurements.tdAttributes.slice(0, 2), 16);
  if (tud !== 0) {
    throw new TeeAttestationError(
      "tdx_debug_td",
      `TD attributes ${measurements.tdAttributes} mark a debug TD (TUD byte 0x${tud.toString(16).padStart(2, "0")})`,
    );
  }

  const verifier = options.verifier ?? dcapVerify;
  let verified: VerifiedReport;
  try {
    verified = verifier(quote, options.collateral, Math.floor(options.now.getTime() / 1000));
  } catch (error) {
    throw mapDcapError(error);
  }

  const tcb = enforceTcbPolicy(verified.status, options.policy ?? DEFAULT_ATTESTATION_POLICY);
  return { tcb: { ...tcb, advisoryIds: [...verified.advisory_ids] }, measurements, reportData };
}

/** Maps `@phala/dcap-qvl`'s error messages to stable reasons. */
function mapDcapError(error: unknown): TeeAttestationError {
  const text = message(error);
  const fail = (reason: ConstructorParameters<typeof TeeAttestationError>[0]) =>
    new TeeAttestationError(reason, `DCAP verification failed: ${text}`, { cause: error });
  const invalidStatus = /TCB status is invalid: (\S+)/.exec(text);
  if (invalidStatus)
    return fail(invalidStatus[1] === "Revoked" ? "tdx_tcb_revoked" : "tdx_tcb_status_unknown");
  if (/TCBInfo expired|QE Identity expired/.test(text)) return fail("tdx_collateral_expired");
  if (/issue date is in the future/.test(text)) return fail("tdx_collateral_not_yet_valid");
  if (/expired or not yet valid/.test(text)) return fail("tdx_certificate_expired");
  if (/revoked/i.test(text)) return fail("tdx_certificate_revoked");
  if (/Debug mode is enabled/.test(text)) return fail("tdx_debug_td");
  if (/Failed to decode|Unsupported|Not enough data/.test(text)) return fail("tdx_quote_malformed");
  return fail("tdx_quote_invalid");
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
