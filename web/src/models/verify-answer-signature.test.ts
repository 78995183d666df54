import { privateKeyToAccount } from "viem/accounts";
import { describe, expect, it } from "vitest";
import {
  type AttestationAnswer,
  type SignatureAnswer,
  verifyAnswerSignature,
} from "./verify-answer-signature.ts";

const enclave = privateKeyToAccount("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
const other = privateKeyToAccount("0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a");
const text = `${"a".repeat(64)}:${"b".repeat(64)}`;
const now = new Date("2026-01-01T00:05:00Z");

const attestation = (
  over: Partial<AttestationAnswer["attestation"]> = {},
): AttestationAnswer["attestation"] => ({
  ok: true,
  detail: "all checks passed",
  checkedAt: "2026-01-01T00:00:00Z",
  expiresAt: "2026-01-01T00:10:00Z",
  nonce: "00",
  signingAddress: enclave.address,
  claimedSigningAddress: enclave.address,
  checks: [],
  ...over,
});

async function signed(by = enclave, over: Partial<SignatureAnswer["signature"]> = {}) {
  return {
    ok: true,
    detail: "",
    checkedAt: "2026-01-01T00:04:00Z",
    text,
    expectedText: text,
    signature: await by.signMessage({ message: text }),
    signingAddress: by.address,
    attestedAddress: enclave.address,
    ...over,
  };
}

describe("verifyAnswerSignature (in the browser)", () => {
  it("passes an answer signed by the attested enclave key", async () => {
    const result = await verifyAnswerSignature(attestation(), await signed(), now);
    expect(result.ok).toBe(true);
    expect(result.recovered).toBe(enclave.address);
    expect(result.checks.map((c) => c.ok)).toEqual([true, true, true, true]);
  });

  it("fails a signature by another key, a text that is not the exchange's hashes, or a lapsed attestation", async () => {
    const wrongKey = await verifyAnswerSignature(attestation(), await signed(other), now);
    expect(wrongKey.ok).toBe(false);
    expect(wrongKey.checks.find((c) => c.name === "Signer is the attested key")?.detail).toContain(
      other.address,
    );

    const wrongText = await verifyAnswerSignature(
      attestation(),
      await signed(enclave, { expectedText: `${"c".repeat(64)}:${"b".repeat(64)}` }),
      now,
    );
    expect(wrongText.checks.find((c) => c.name === "Signed text")?.ok).toBe(false);

    const stale = await verifyAnswerSignature(
      attestation(),
      await signed(),
      new Date("2026-01-01T01:00:00Z"),
    );
    expect(stale.checks[0]).toMatchObject({ name: "Attestation current", ok: false });
  });
});
