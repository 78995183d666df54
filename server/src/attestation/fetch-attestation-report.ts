import { isAddress } from "viem";
import { z } from "zod";
import { TeeAttestationError } from "./attestation-error.ts";
import type { FetchLike } from "./collateral-cache.ts";

const tcbInfoSchema = z.looseObject({
  app_compose: z.string().optional(),
  event_log: z.unknown().optional(),
});

/**
 * The "flat" attestation report TEE inference proxies serve at
 * `GET {baseUrl}/attestation/report?model=…&nonce=…&signing_algo=ecdsa`. Unknown fields
 * are kept so the raw evidence can be shown as received.
 * @see https://github.com/nearai/private-ml-sdk (vllm-proxy `/v1/attestation/report`)
 */
export const attestationReportSchema = z.looseObject({
  signing_address: z.string().refine((value) => isAddress(value, { strict: false }), "expected a 0x address"),
  signing_algo: z.string().optional(),
  request_nonce: z.string().optional(),
  /** The TDX quote, hex. */
  intel_quote: z
    .string()
    .transform((value) => value.replace(/^0x/, ""))
    .pipe(z.string().regex(/^([0-9a-fA-F]{2})+$/, "expected hex")),
  /** GPU evidence, a JSON string (see `nvidiaPayloadSchema`). */
  nvidia_payload: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
  /** The event log, a JSON string or array; may instead sit in `info.tcb_info.event_log`. */
  event_log: z.unknown().optional(),
  info: z
    .looseObject({
      compose_hash: z.string().optional(),
      app_id: z.string().optional(),
      tcb_info: z
        .union([z.string(), tcbInfoSchema])
        .optional()
        .transform((value, ctx) => {
          if (typeof value !== "string") return value;
          try {
            return tcbInfoSchema.parse(JSON.parse(value));
          } catch {
            ctx.addIssue({ code: "custom", message: "tcb_info is not a JSON object" });
            return z.NEVER;
          }
        }),
    })
    .optional(),
  all_attestations: z.array(z.unknown()).optional(),
});

/** A parsed flat attestation report. */
export type AttestationReport = z.output<typeof attestationReportSchema>;

/** Options of {@link fetchAttestationReport}. */
export interface FetchAttestationReportOptions {
  /** The provider's API base, e.g. `https://cloud-api.near.ai/v1`. */
  baseUrl: string;
  model: string;
  /** Our fresh 32-byte nonce. */
  nonce: Uint8Array;
  fetch?: FetchLike;
  /** Extra headers, e.g. the provider's `authorization`. */
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/** Result of {@link fetchAttestationReport}: the parsed report and the JSON as received. */
export interface FetchAttestationReportResult {
  report: AttestationReport;
  raw: unknown;
  url: string;
}

/** The URL of a provider's attestation report for a model and nonce. */
export function attestationReportUrl(baseUrl: string, model: string, nonce: Uint8Array): string {
  const query = new URLSearchParams({
    model,
    nonce: Buffer.from(nonce).toString("hex"),
    signing_algo: "ecdsa",
  });
  return `${baseUrl.replace(/\/$/, "")}/attestation/report?${query}`;
}

/**
 * Parses a flat attestation report and checks what it says about the request: it echoes
 * our nonce (when it echoes one) and signs with ECDSA (secp256k1, EIP-191).
 * @throws TeeAttestationError `report_malformed`, `report_nonce_mismatch` or `signing_algo_unsupported`
 */
export function parseAttestationReport(raw: unknown, nonce: Uint8Array): AttestationReport {
  const parsed = attestationReportSchema.safeParse(raw);
  if (!parsed.success) {
    throw new TeeAttestationError("report_malformed", `attestation report: ${z.prettifyError(parsed.error)}`);
  }
  const report = parsed.data;
  const nonceHex = Buffer.from(nonce).toString("hex");
  if (
    report.request_nonce !== undefined &&
    report.request_nonce.toLowerCase().replace(/^0x/, "") !== nonceHex
  ) {
    throw new TeeAttestationError(
      "report_nonce_mismatch",
      `report answers nonce ${report.request_nonce}, we sent ${nonceHex}`,
    );
  }
  if (report.signing_algo !== undefined && report.signing_algo.toLowerCase() !== "ecdsa") {
    throw new TeeAttestationError(
      "signing_algo_unsupported",
      `signing algorithm ${report.signing_algo} is not ecdsa`,
    );
  }
  return report;
}

/**
 * Fetches and parses a provider's attestation report for `model` with our nonce.
 * @throws TeeAttestationError `report_unreachable`, or any reason of {@link parseAttestationReport}
 */
export async function fetchAttestationReport(
  options: FetchAttestationReportOptions,
): Promise<FetchAttestationReportResult> {
  const url = attestationReportUrl(options.baseUrl, options.model, options.nonce);
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(url, {
      headers: { accept: "application/json", ...options.headers },
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
  } catch (error) {
    throw new TeeAttestationError("report_unreachable", `GET ${url} failed: ${String(error)}`, {
      cause: error,
    });
  }
  if (!response.ok) {
    throw new TeeAttestationError("report_unreachable", `GET ${url} answered ${response.status}`);
  }
  let raw: unknown;
  try {
    raw = await response.json();
  } catch (error) {
    throw new TeeAttestationError("report_malformed", "attestation report is not JSON", { cause: error });
  }
  return { report: parseAttestationReport(raw, options.nonce), raw, url };
}
