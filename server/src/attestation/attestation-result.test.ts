import { describe, expect, it } from "vitest";
import {
  type AttestationResult,
  assertAttestationUsable,
  attestationExpiry,
  isAttestationUsable,
} from "./attestation-result.ts";
import { reasonOf } from "./test-fixtures.ts";

/** A result record as attestProvider shapes it (the gate only reads ok, reason, detail, expiresAt). */
const result = (fields: Partial<AttestationResult>): AttestationResult => ({
  ok: true,
  detail: "every check passed",
  provider: { baseUrl: "http://127.0.0.1:1/v1", model: "m" },
  checkedAt: "2025-09-15T00:00:00.000Z",
  expiresAt: "2025-09-15T00:10:00.000Z",
  nonce: "00".repeat(32),
  signingAddress: null,
  claimedSigningAddress: null,
  signingAlgo: "ecdsa",
  tcb: null,
  measurements: null,
  gpus: [],
  checks: [],
  evidence: { reportUrl: "", report: null, collateral: null, collateralExpiresAt: null, nras: null },
  ...fields,
});

describe("attestation gate", () => {
  it("lets a passed result through until it expires, then refuses it as stale", async () => {
    const passed = result({});
    expect(isAttestationUsable(passed, new Date("2025-09-15T00:09:59Z"))).toBe(true);
    expect(() => assertAttestationUsable(passed, new Date("2025-09-15T00:09:59Z"))).not.toThrow();
    expect(isAttestationUsable(passed, new Date("2025-09-15T00:10:00Z"))).toBe(false);
    expect(await reasonOf(() => assertAttestationUsable(passed, new Date("2025-09-15T00:10:00Z")))).toBe(
      "attestation_stale",
    );
  });

  it("refuses a failed result with its reason", async () => {
    const failed = result({ ok: false, reason: "gpu_nonce_mismatch", detail: "gpu_evidence: nonce" });
    expect(await reasonOf(() => assertAttestationUsable(failed, new Date("2025-09-15T00:00:01Z")))).toBe(
      "gpu_nonce_mismatch",
    );
  });
});

describe("attestationExpiry", () => {
  const finishedAt = new Date("2025-09-15T00:00:00Z");

  it("is the policy's maximum age when nothing expires sooner", () => {
    expect(
      attestationExpiry({ finishedAt, maxAgeSeconds: 600, collateralExpiresAt: null, nrasExpiresAtMs: null }),
    ).toEqual(new Date("2025-09-15T00:10:00Z"));
  });

  it("is the earliest of maximum age, collateral expiry and NRAS token expiry", () => {
    const collateralExpiresAt = new Date("2025-09-15T00:05:00Z");
    expect(
      attestationExpiry({ finishedAt, maxAgeSeconds: 600, collateralExpiresAt, nrasExpiresAtMs: null }),
    ).toEqual(collateralExpiresAt);
    const nrasExpiresAtMs = Date.parse("2025-09-15T00:01:00Z");
    expect(
      attestationExpiry({ finishedAt, maxAgeSeconds: 600, collateralExpiresAt, nrasExpiresAtMs }),
    ).toEqual(new Date(nrasExpiresAtMs));
  });
});
