import { createHash } from "node:crypto";
import {
  createLocalJWKSet,
  type JSONWebKeySet,
  type JWTPayload,
  errors as joseErrors,
  jwtVerify,
} from "jose";
import { z } from "zod";
import { TeeAttestationError } from "./attestation-error.ts";
import type { FetchLike } from "./collateral-cache.ts";
import type { NvidiaPayload } from "./verify-gpu-evidence.ts";

/** NVIDIA Remote Attestation Service GPU endpoint. */
export const NRAS_GPU_URL = "https://nras.attestation.nvidia.com/v3/attest/gpu";
/** Where NRAS publishes the keys its tokens are signed with. */
export const NRAS_JWKS_URL = "https://nras.attestation.nvidia.com/.well-known/jwks.json";
/** The `iss` of NRAS tokens. */
export const NRAS_ISSUER = "https://nras.attestation.nvidia.com";

/** Where to reach NRAS; every URL is configurable so tests can serve their own keys. */
export interface NrasConfig {
  url?: string;
  jwksUrl?: string;
  issuer?: string;
  timeoutMs?: number;
}

/**
 * NRAS's answer: `[["JWT", overall EAT], {"GPU-0": jwt, …}]`, tokens ES384.
 * @see https://docs.nvidia.com/attestation/ (NRAS v3 GPU attestation, EAT)
 */
export const nrasResponseSchema = z.tuple([
  z.tuple([z.literal("JWT"), z.string().min(1)]),
  z.record(z.string(), z.string().min(1)),
]);

/** Result of {@link verifyNrasResponse}. */
export interface VerifyNrasResult {
  overall: JWTPayload;
  gpus: Record<string, JWTPayload>;
  detail: string;
}

/** Options of {@link verifyNrasResponse}. */
export interface VerifyNrasOptions {
  jwks: JSONWebKeySet;
  nonce: Uint8Array;
  now: Date;
  /** Number of GPUs whose evidence was sent; NRAS must answer for each. */
  expectedGpuCount: number;
  issuer?: string;
}

/**
 * Sends GPU evidence to NRAS and returns its raw answer.
 * @throws TeeAttestationError `nras_unreachable`
 */
export async function requestNrasAttestation(
  payload: NvidiaPayload,
  config: NrasConfig & { fetch: FetchLike },
): Promise<unknown> {
  const url = config.url ?? NRAS_GPU_URL;
  try {
    const response = await config.fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(config.timeoutMs ?? 20_000),
    });
    if (!response.ok) throw new Error(`answered ${response.status}`);
    return await response.json();
  } catch (error) {
    throw new TeeAttestationError("nras_unreachable", `POST ${url} failed: ${String(error)}`, {
      cause: error,
    });
  }
}

/**
 * Fetches NRAS's published signing keys.
 * @throws TeeAttestationError `nras_unreachable`
 * @see https://www.rfc-editor.org/rfc/rfc7517 (JWK Set)
 */
export async function fetchNrasJwks(config: NrasConfig & { fetch: FetchLike }): Promise<JSONWebKeySet> {
  const url = config.jwksUrl ?? NRAS_JWKS_URL;
  try {
    const response = await config.fetch(url, { signal: AbortSignal.timeout(config.timeoutMs ?? 20_000) });
    if (!response.ok) throw new Error(`answered ${response.status}`);
    const body = (await response.json()) as JSONWebKeySet;
    if (!Array.isArray(body?.keys)) throw new Error("no keys array");
    return body;
  } catch (error) {
    throw new TeeAttestationError("nras_unreachable", `GET ${url} failed: ${String(error)}`, {
      cause: error,
    });
  }
}

/**
 * Verifies NRAS's answer with its published keys (signatures, not just decoding): the
 * overall token and each GPU token verify (ES384, issuer, `nbf`/`exp` at `now`), carry
 * our nonce, the overall verdict is true, each GPU token's SHA-256 matches the digest the
 * overall token lists for it, and there is one GPU token per GPU we sent.
 * @throws TeeAttestationError `nras_token_invalid`, `nras_nonce_mismatch` or `nras_verdict_failed`
 * @see https://www.rfc-editor.org/rfc/rfc7519 (JWT)
 * @see https://datatracker.ietf.org/doc/draft-ietf-rats-eat/ (EAT: eat_nonce, submods)
 */
export async function verifyNrasResponse(
  response: unknown,
  options: VerifyNrasOptions,
): Promise<VerifyNrasResult> {
  const parsed = nrasResponseSchema.safeParse(response);
  if (!parsed.success) {
    throw new TeeAttestationError("nras_token_invalid", `NRAS answer: ${z.prettifyError(parsed.error)}`);
  }
  const [[, overallToken], gpuTokens] = parsed.data;
  const keys = createLocalJWKSet(options.jwks);
  const nonceHex = Buffer.from(options.nonce).toString("hex");

  const verifyToken = async (token: string, label: string): Promise<JWTPayload> => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        algorithms: ["ES384"],
        issuer: options.issuer ?? NRAS_ISSUER,
        currentDate: options.now,
        requiredClaims: ["exp", "eat_nonce"],
      }));
    } catch (error) {
      const code = error instanceof joseErrors.JOSEError ? error.code : "error";
      throw new TeeAttestationError("nras_token_invalid", `${label} token: ${code}: ${String(error)}`, {
        cause: error,
      });
    }
    if (String(payload.eat_nonce).toLowerCase() !== nonceHex) {
      throw new TeeAttestationError(
        "nras_nonce_mismatch",
        `${label} token is for nonce ${String(payload.eat_nonce)}, not ours (${nonceHex})`,
      );
    }
    return payload;
  };

  const overall = await verifyToken(overallToken, "overall");
  if (overall["x-nvidia-overall-att-result"] !== true) {
    throw new TeeAttestationError("nras_verdict_failed", "NRAS's overall attestation result is not true");
  }
  const names = Object.keys(gpuTokens);
  if (names.length !== options.expectedGpuCount) {
    throw new TeeAttestationError(
      "nras_token_invalid",
      `NRAS answered for ${names.length} GPUs, evidence was sent for ${options.expectedGpuCount}`,
    );
  }
  const submods = (overall.submods ?? {}) as Record<string, unknown>;
  const gpus: Record<string, JWTPayload> = {};
  for (const name of names) {
    const token = gpuTokens[name] as string;
    const digest = createHash("sha256").update(token).digest("hex");
    const listed = submods[name];
    if (JSON.stringify(listed) !== JSON.stringify(["DIGEST", ["SHA-256", digest]])) {
      throw new TeeAttestationError(
        "nras_token_invalid",
        `${name} token does not match the overall token's digest`,
      );
    }
    gpus[name] = await verifyToken(token, name);
  }
  return {
    overall,
    gpus,
    detail: `NRAS verdict true for ${names.length} GPUs (tokens verified, nonce bound)`,
  };
}
