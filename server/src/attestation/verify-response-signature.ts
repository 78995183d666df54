import { createHash } from "node:crypto";
import { getAddress, isAddress, isAddressEqual, recoverMessageAddress } from "viem";
import { z } from "zod";
import { type AttestationFailureReason, TeeAttestationError } from "./attestation-error.ts";
import type { FetchLike } from "./collateral-cache.ts";

/**
 * The enclave's signature of one chat answer, from
 * `GET {baseUrl}/signature/{chat_id}?model=…&signing_algo=ecdsa`.
 * @see https://github.com/nearai/private-ml-sdk (vllm-proxy `/v1/signature/{chat_id}`)
 */
export const responseSignatureSchema = z.looseObject({
  text: z.string(),
  signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, "expected a 65-byte 0x signature"),
  signing_address: z.string().refine((value) => isAddress(value, { strict: false }), "expected a 0x address"),
  signing_algo: z.string().optional(),
});

/** A parsed {@link responseSignatureSchema}. */
export type ResponseSignature = z.output<typeof responseSignatureSchema>;

/** Options of {@link fetchResponseSignature}. */
export interface FetchResponseSignatureOptions {
  baseUrl: string;
  /** The `id` of the chat completion the provider returned. */
  chatId: string;
  model: string;
  fetch?: FetchLike;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/** The URL of a chat answer's signature. */
export function responseSignatureUrl(baseUrl: string, chatId: string, model: string): string {
  const query = new URLSearchParams({ model, signing_algo: "ecdsa" });
  return `${baseUrl.replace(/\/$/, "")}/signature/${encodeURIComponent(chatId)}?${query}`;
}

/**
 * Fetches and parses the enclave's signature of a chat answer.
 * @throws TeeAttestationError `response_signature_unavailable` or `response_signature_malformed`
 */
export async function fetchResponseSignature(
  options: FetchResponseSignatureOptions,
): Promise<ResponseSignature> {
  const url = responseSignatureUrl(options.baseUrl, options.chatId, options.model);
  let raw: unknown;
  try {
    const response = await (options.fetch ?? fetch)(url, {
      headers: { accept: "application/json", ...options.headers },
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
    if (!response.ok) throw new Error(`answered ${response.status}`);
    raw = await response.json();
  } catch (error) {
    throw new TeeAttestationError("response_signature_unavailable", `GET ${url} failed: ${String(error)}`, {
      cause: error,
    });
  }
  const parsed = responseSignatureSchema.safeParse(raw);
  if (!parsed.success) {
    throw new TeeAttestationError(
      "response_signature_malformed",
      `signature: ${z.prettifyError(parsed.error)}`,
    );
  }
  return parsed.data;
}

/**
 * The text an enclave signs for one exchange: `sha256hex(request body) + ":" +
 * sha256hex(response body)`, over the exact bytes (for a stream, every SSE byte
 * including `data: [DONE]`).
 */
export function signedExchangeText(
  requestBody: Uint8Array | string,
  responseBody: Uint8Array | string,
): string {
  const sha = (bytes: Uint8Array | string) => createHash("sha256").update(bytes).digest("hex");
  return `${sha(requestBody)}:${sha(responseBody)}`;
}

/** Options of {@link verifyResponseSignature}. */
export interface VerifyResponseSignatureOptions {
  signature: ResponseSignature;
  /** Exact bytes of the request body we sent upstream. */
  requestBody: Uint8Array | string;
  /** Exact bytes of the response body we received (all SSE bytes for a stream). */
  responseBody: Uint8Array | string;
  /** The signing address the last passed attestation verified. */
  attestedAddress: string;
  now?: () => Date;
}

/** Outcome of {@link verifyResponseSignature}, to show the client. */
export interface ResponseSignatureResult {
  ok: boolean;
  reason?: AttestationFailureReason;
  detail: string;
  checkedAt: string;
  text: string;
  expectedText: string;
  signature: string;
  signingAlgo: "ecdsa";
  /** The address the provider says signed. */
  signingAddress: string;
  /** The address the EIP-191 signature recovers to, when it recovers at all. */
  recoveredAddress?: string;
  attestedAddress: string;
}

/**
 * Checks one chat answer's signature: the signed text is the hashes of exactly the bytes
 * we sent and received, and the EIP-191 `personal_sign` signature recovers (secp256k1,
 * viem) to the attested signing address. A different signing address is reported as
 * `signing_key_changed`, which should trigger a fresh attestation. Never throws.
 * @see https://eips.ethereum.org/EIPS/eip-191 (signed data, version 0x45 personal_sign)
 */
export async function verifyResponseSignature(
  options: VerifyResponseSignatureOptions,
): Promise<ResponseSignatureResult> {
  const { signature } = options;
  const expectedText = signedExchangeText(options.requestBody, options.responseBody);
  const base = {
    checkedAt: (options.now ?? (() => new Date()))().toISOString(),
    text: signature.text,
    expectedText,
    signature: signature.signature,
    signingAlgo: "ecdsa" as const,
    signingAddress: signature.signing_address,
    attestedAddress: getAddress(options.attestedAddress),
  };
  const fail = (reason: AttestationFailureReason, detail: string, recoveredAddress?: string) => ({
    ...base,
    ok: false,
    reason,
    detail,
    ...(recoveredAddress ? { recoveredAddress } : {}),
  });

  if (signature.signing_algo !== undefined && signature.signing_algo.toLowerCase() !== "ecdsa") {
    return fail("signing_algo_unsupported", `signing algorithm ${signature.signing_algo} is not ecdsa`);
  }
  if (!isAddressEqual(getAddress(signature.signing_address), base.attestedAddress)) {
    return fail(
      "signing_key_changed",
      `answer signed by ${getAddress(signature.signing_address)}, attested key is ${base.attestedAddress}`,
    );
  }
  if (signature.text !== expectedText) {
    return fail(
      "response_hash_mismatch",
      `signed text ${signature.text} is not the hashes of the exchanged bytes`,
    );
  }
  let recovered: string;
  try {
    recovered = await recoverMessageAddress({
      message: signature.text,
      signature: signature.signature as `0x${string}`,
    });
  } catch (error) {
    return fail("response_signature_invalid", `signature does not recover: ${String(error)}`);
  }
  if (!isAddressEqual(recovered as `0x${string}`, base.attestedAddress)) {
    return fail(
      "response_signature_invalid",
      `signature recovers to ${recovered}, not ${base.attestedAddress}`,
      recovered,
    );
  }
  return {
    ...base,
    ok: true,
    detail: `signed by the attested key ${base.attestedAddress}`,
    recoveredAddress: recovered,
  };
}

/**
 * Throws when a {@link ResponseSignatureResult} failed, for callers that must refuse.
 * @throws TeeAttestationError with the result's reason
 */
export function assertResponseSignature(result: ResponseSignatureResult): void {
  if (!result.ok) throw new TeeAttestationError(result.reason ?? "response_signature_invalid", result.detail);
}
