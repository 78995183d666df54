import { randomBytes } from "node:crypto";
import type { Collateral } from "@phala/dcap-qvl";
import { getAddress, isAddressEqual } from "viem";
import { TeeAttestationError } from "./attestation-error.ts";
import {
  type AttestationPolicy,
  type AttestationPolicyInput,
  attestationPolicySchema,
  enforceMeasurementAllowlist,
} from "./attestation-policy.ts";
import {
  type AttestationCheck,
  type AttestationCheckName,
  type AttestationResult,
  attestationExpiry,
} from "./attestation-result.ts";
import type { CollateralSource, FetchLike } from "./collateral-cache.ts";
import {
  type AttestationReport,
  attestationReportUrl,
  fetchAttestationReport,
} from "./fetch-attestation-report.ts";
import { replayEventLog } from "./replay-event-log.ts";
import { verifyComposeHash } from "./verify-compose-hash.ts";
import { parseNvidiaPayload, type VerifiedGpu, verifyGpuEvidence } from "./verify-gpu-evidence.ts";
import {
  fetchNrasJwks,
  type NrasConfig,
  requestNrasAttestation,
  verifyNrasResponse,
} from "./verify-nras-token.ts";
import { verifyReportData } from "./verify-report-data.ts";
import {
  type DcapVerifier,
  parseTdxQuote,
  type TdxMeasurements,
  verifyTdxQuote,
} from "./verify-tdx-quote.ts";

/** Options of {@link attestProvider}. */
export interface AttestProviderOptions {
  /** The provider's API base, e.g. `https://cloud-api.near.ai/v1`. */
  baseUrl: string;
  model: string;
  /** Where Intel collateral comes from: one `createCollateralCache` per process. */
  collateral: CollateralSource;
  /** Operator policy; defaults to the strictest (`DEFAULT_ATTESTATION_POLICY`). */
  policy?: AttestationPolicyInput;
  /** NRAS endpoints; absent means the NRAS check is skipped and says so. */
  nras?: NrasConfig;
  /** The address the previous passed attestation verified; a different one fails. */
  previousSigningAddress?: string | null;
  /** Extra headers to the provider, e.g. `authorization`. */
  headers?: Record<string, string>;
  fetch?: FetchLike;
  now?: () => Date;
  /** Source of our 32-byte nonce; defaults to `crypto.randomBytes(32)`. */
  nonce?: () => Uint8Array;
  /** DCAP verifier override; defaults to `@phala/dcap-qvl` with Intel's root. */
  dcapVerifier?: DcapVerifier;
  timeoutMs?: number;
}

/**
 * Attests one TEE provider for one model with a fresh nonce and returns every check.
 * Never throws for a failed verification (only for programming errors): the result says
 * `ok: false` with the first failed check's reason (gate with `assertAttestationUsable`).
 * Checks that do not depend on a failed one still run, so the UI shows the whole picture.
 *
 * Verifies, in order: the report (fetched, schema, nonce echo, ECDSA); the TDX quote
 * (DCAP, debug TD, TCB policy); report_data = address ‖ nonce; the event log replays to
 * RTMR3; the compose hash; the measurement allowlist; the NVIDIA GPU evidence (nonce,
 * chain to the pinned root, SPDM signature); NRAS (when configured); signing-key continuity.
 * @see https://cdrdv2.intel.com/v1/dl/getContent/733575 (Intel TDX DCAP)
 * @see https://www.dmtf.org/dsp/DSP0274 (SPDM)
 */
export async function attestProvider(options: AttestProviderOptions): Promise<AttestationResult> {
  const now = options.now ?? (() => new Date());
  const policy: AttestationPolicy = attestationPolicySchema.parse(options.policy ?? {});
  const doFetch = options.fetch ?? fetch;
  const nonce = (options.nonce ?? (() => randomBytes(32)))();
  if (nonce.length !== 32) throw new Error(`the nonce source returned ${nonce.length} bytes, not 32`);
  const nonceHex = Buffer.from(nonce).toString("hex");
  const startedAt = now();
  const checks: AttestationCheck[] = [];

  /** Runs one check and records it; returns its value, or undefined when it failed. */
  const run = async <T>(name: AttestationCheckName, check: () => Promise<[T, string]> | [T, string]) => {
    try {
      const [value, detail] = await check();
      checks.push({ name, ok: true, skipped: false, detail, checkedAt: now().toISOString() });
      return value;
    } catch (error) {
      if (!(error instanceof TeeAttestationError)) throw error;
      checks.push({
        name,
        ok: false,
        skipped: false,
        reason: error.reason,
        detail: error.detail,
        checkedAt: now().toISOString(),
      });
      return undefined;
    }
  };
  const skip = (name: AttestationCheckName, detail: string) =>
    checks.push({ name, ok: true, skipped: true, detail, checkedAt: now().toISOString() });

  const reportUrl = attestationReportUrl(options.baseUrl, options.model, nonce);
  let raw: unknown = null;
  const report = await run("report", async () => {
    const fetched = await fetchAttestationReport({
      baseUrl: options.baseUrl,
      model: options.model,
      nonce,
      fetch: doFetch,
      ...(options.headers ? { headers: options.headers } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    });
    raw = fetched.raw;
    return [
      fetched.report,
      `report fetched with our nonce; signs with ecdsa as ${getAddress(fetched.report.signing_address)}`,
    ];
  });

  let collateral: Collateral | null = null;
  let collateralExpiresAt: Date | null = null;
  let tcb: AttestationResult["tcb"] = null;
  let measurements: TdxMeasurements | null = null;
  let composeHash: string | null = null;
  let gpus: VerifiedGpu[] = [];
  let nrasRaw: unknown = null;
  let nrasExpiresAt: number | null = null;

  if (report) {
    const quote = Buffer.from(report.intel_quote, "hex");
    let reportData: Uint8Array | null = null;
    try {
      ({ measurements, reportData } = parseTdxQuote(quote));
    } catch {
      // The tdx_quote check below reports why; the checks that need the quote are skipped.
    }

    await run("tdx_quote", async () => {
      const entry = await options.collateral.get(quote);
      collateral = entry.collateral;
      collateralExpiresAt = entry.expiresAt;
      const verified = verifyTdxQuote(quote, {
        collateral: entry.collateral,
        now: now(),
        policy,
        ...(options.dcapVerifier ? { verifier: options.dcapVerifier } : {}),
      });
      tcb = verified.tcb;
      const override = verified.tcb.allowedByOperator ? " (allowed only by the operator's policy)" : "";
      return [
        verified,
        `quote verified against Intel's root (FMSPC ${entry.fmspc}); TCB ${verified.tcb.status}${override}`,
      ];
    });

    if (measurements && reportData) {
      const quoteMeasurements: TdxMeasurements = measurements;
      const boundData = reportData;
      await run("report_data", () => [null, verifyReportData(boundData, report.signing_address, nonce)]);

      const replay = await run("event_log", () => {
        const replayed = replayEventLog(eventLogOf(report), quoteMeasurements.rtmr3);
        return [replayed, `${replayed.entries.length} events replay to the quote's RTMR3`];
      });

      if (replay) {
        await run("compose_hash", () => {
          const tcbInfo = typeof report.info?.tcb_info === "object" ? report.info.tcb_info : undefined;
          const verified = verifyComposeHash({
            runtimeEvents: replay.runtimeEvents,
            appCompose: tcbInfo?.app_compose,
            claimedComposeHash: report.info?.compose_hash,
            mrConfigId: quoteMeasurements.mrConfigId,
          });
          composeHash = verified.composeHash;
          return [null, verified.detail];
        });
      } else {
        skip("compose_hash", "needs an event log that replays to RTMR3");
      }

      if (composeHash !== null || !policy.allowlist?.compose_hash) {
        const hash = composeHash;
        await run("measurements", () => [
          null,
          enforceMeasurementAllowlist({ ...quoteMeasurements, compose_hash: hash ?? "" }, policy.allowlist),
        ]);
      } else {
        skip("measurements", "the compose_hash allowlist needs a verified compose hash");
      }
    } else {
      for (const name of ["report_data", "event_log", "compose_hash", "measurements"] as const) {
        skip(name, "needs a readable TDX quote");
      }
    }

    if (report.nvidia_payload === undefined) {
      if (policy.requireGpuEvidence) {
        await run("gpu_evidence", () => {
          throw new TeeAttestationError("gpu_evidence_missing", "the report carries no NVIDIA GPU evidence");
        });
      } else {
        skip("gpu_evidence", "no GPU evidence, and the policy does not require it");
      }
      skip("nras", "no GPU evidence to send");
    } else {
      const payload = report.nvidia_payload;
      const verifiedGpus = await run("gpu_evidence", () => {
        const verified = verifyGpuEvidence(payload, { nonce, now: now() });
        return [
          verified.gpus,
          `${verified.gpus.length} ${verified.arch} GPUs: our nonce, chain to NVIDIA's pinned root, SPDM signatures valid`,
        ];
      });
      gpus = verifiedGpus ?? [];

      if (!options.nras) {
        skip("nras", "NRAS is not configured");
      } else {
        const nras = options.nras;
        let parsedPayload: ReturnType<typeof parseNvidiaPayload> | null = null;
        try {
          parsedPayload = parseNvidiaPayload(payload);
        } catch {
          parsedPayload = null;
        }
        if (!parsedPayload) {
          skip("nras", "GPU evidence is unreadable");
        } else {
          const sent = parsedPayload;
          let unreachable: TeeAttestationError | null = null;
          let answer: unknown;
          let jwks: Awaited<ReturnType<typeof fetchNrasJwks>> | undefined;
          try {
            answer = await requestNrasAttestation(sent, { ...nras, fetch: doFetch });
            jwks = await fetchNrasJwks({ ...nras, fetch: doFetch });
          } catch (error) {
            if (!(error instanceof TeeAttestationError)) throw error;
            unreachable = error;
          }
          nrasRaw = answer ?? null;
          if (unreachable && !policy.requireNras) {
            skip("nras", `NRAS unreachable, not required by policy: ${unreachable.detail}`);
          } else {
            await run("nras", async () => {
              if (unreachable) throw unreachable;
              const verified = await verifyNrasResponse(answer, {
                jwks: jwks as NonNullable<typeof jwks>,
                nonce,
                now: now(),
                expectedGpuCount: sent.evidence_list.length,
                ...(nras.issuer ? { issuer: nras.issuer } : {}),
              });
              if (typeof verified.overall.exp === "number") nrasExpiresAt = verified.overall.exp * 1000;
              return [null, verified.detail];
            });
          }
        }
      }
    }

    await run("signing_key", () => {
      const current = getAddress(report.signing_address);
      const previous = options.previousSigningAddress;
      if (previous && !isAddressEqual(getAddress(previous), current)) {
        throw new TeeAttestationError(
          "signing_key_changed",
          `signing key changed from ${getAddress(previous)} to ${current} since the last attestation`,
        );
      }
      return [null, previous ? `signing key unchanged (${current})` : `first attestation of ${current}`];
    });
  } else {
    for (const name of ["tdx_quote", "report_data", "event_log", "compose_hash", "measurements"] as const) {
      skip(name, "no attestation report");
    }
    for (const name of ["gpu_evidence", "nras", "signing_key"] as const) skip(name, "no attestation report");
  }

  const failed = checks.find((check) => !check.ok);
  const finishedAt = now();
  const ok = failed === undefined;
  const collateralExpiry = collateralExpiresAt as Date | null;
  const expiresAt = attestationExpiry({
    finishedAt,
    maxAgeSeconds: policy.maxAgeSeconds,
    collateralExpiresAt: collateralExpiry,
    nrasExpiresAtMs: nrasExpiresAt,
  });
  const verifiedReport = report as AttestationReport | undefined;
  return {
    ok,
    ...(failed?.reason ? { reason: failed.reason } : {}),
    detail: failed ? `${failed.name}: ${failed.detail}` : "every check passed",
    provider: { baseUrl: options.baseUrl, model: options.model },
    checkedAt: startedAt.toISOString(),
    expiresAt: ok ? expiresAt.toISOString() : finishedAt.toISOString(),
    nonce: nonceHex,
    signingAddress: ok && verifiedReport ? getAddress(verifiedReport.signing_address) : null,
    claimedSigningAddress: verifiedReport ? getAddress(verifiedReport.signing_address) : null,
    signingAlgo: "ecdsa",
    tcb,
    measurements: measurements ? { ...(measurements as TdxMeasurements), composeHash } : null,
    gpus,
    checks,
    evidence: {
      reportUrl,
      report: raw,
      collateral,
      collateralExpiresAt: collateralExpiry ? collateralExpiry.toISOString() : null,
      nras: nrasRaw,
    },
  };
}

/** The event log: top level in the flat format, or inside `info.tcb_info`. */
function eventLogOf(report: AttestationReport): unknown {
  if (report.event_log !== undefined) return report.event_log;
  const tcbInfo = report.info?.tcb_info;
  return typeof tcbInfo === "object" ? tcbInfo.event_log : undefined;
}
