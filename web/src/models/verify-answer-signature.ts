import { type Hex, isAddress, isAddressEqual, recoverMessageAddress } from "viem";
import { z } from "zod";

/** `GET /v1/attestation?model=…`: the gateway's latest verification of a TEE model (the parts shown). */
export const attestationAnswerSchema = z.object({
  model: z.string(),
  attestation: z.looseObject({
    ok: z.boolean(),
    detail: z.string(),
    checkedAt: z.string(),
    expiresAt: z.string(),
    nonce: z.string(),
    signingAddress: z.string().nullable(),
    claimedSigningAddress: z.string().nullable(),
    checks: z.array(
      z.object({
        name: z.string(),
        ok: z.boolean(),
        skipped: z.boolean(),
        detail: z.string(),
        checkedAt: z.string(),
      }),
    ),
  }),
});
export type AttestationAnswer = z.infer<typeof attestationAnswerSchema>;

/** `GET /v1/signature/{id}`: the enclave's signature of one answer and the gateway's check of it. */
export const signatureAnswerSchema = z.object({
  id: z.string(),
  model: z.string(),
  signature: z.looseObject({
    ok: z.boolean(),
    detail: z.string(),
    checkedAt: z.string(),
    text: z.string(),
    expectedText: z.string(),
    signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/),
    signingAddress: z.string(),
    attestedAddress: z.string(),
  }),
});
export type SignatureAnswer = z.infer<typeof signatureAnswerSchema>;

/** One check this browser made itself. */
export interface BrowserCheck {
  name: string;
  ok: boolean;
  detail: string;
}

/**
 * Checks an answer's enclave signature here, with viem, instead of trusting
 * the gateway's word: the signed text is `sha256(request):sha256(response)`
 * as the gateway hashed the bytes it exchanged, the EIP-191 signature over it
 * recovers to an address, and that address is the one the attestation bound
 * to the enclave (and is still current).
 * @see https://eips.ethereum.org/EIPS/eip-191
 */
export async function verifyAnswerSignature(
  attestation: AttestationAnswer["attestation"],
  signed: SignatureAnswer["signature"],
  now = new Date(),
): Promise<{ ok: boolean; checks: BrowserCheck[]; recovered?: string }> {
  const checks: BrowserCheck[] = [];
  const current = attestation.ok && now.getTime() < Date.parse(attestation.expiresAt);
  checks.push({
    name: "Attestation current",
    ok: current,
    detail: attestation.ok
      ? `verified ${new Date(attestation.checkedAt).toLocaleString()}, valid until ${new Date(attestation.expiresAt).toLocaleString()}`
      : `failed: ${attestation.detail}`,
  });
  const textOk = /^[0-9a-f]{64}:[0-9a-f]{64}$/.test(signed.text) && signed.text === signed.expectedText;
  checks.push({
    name: "Signed text",
    ok: textOk,
    detail: textOk
      ? `sha256(request):sha256(response) = ${signed.text}`
      : `the enclave signed ${signed.text}, the exchanged bytes hash to ${signed.expectedText}`,
  });
  let recovered: string | undefined;
  try {
    recovered = await recoverMessageAddress({ message: signed.text, signature: signed.signature as Hex });
    checks.push({ name: "Signature", ok: true, detail: `EIP-191 signature recovers to ${recovered}` });
  } catch (error) {
    checks.push({
      name: "Signature",
      ok: false,
      detail: `does not recover: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`,
    });
  }
  const attested = attestation.signingAddress;
  const same = (a: string | undefined | null) =>
    !!a && !!attested && isAddress(a) && isAddress(attested) && isAddressEqual(a, attested);
  checks.push({
    name: "Signer is the attested key",
    ok: same(recovered),
    detail: attested
      ? `attested signing address ${attested}${recovered && !same(recovered) ? `, but the signature is ${recovered}'s` : ""}`
      : "the attestation bound no signing address",
  });
  return { ok: checks.every((c) => c.ok), checks, ...(recovered ? { recovered } : {}) };
}
