import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  attestationPolicySchema,
  DEFAULT_ATTESTATION_POLICY,
  enforceMeasurementAllowlist,
  enforceTcbPolicy,
  KNOWN_TCB_STATUSES,
  measurementAllowlistSchema,
} from "./attestation-policy.ts";
import { reasonOf } from "./test-fixtures.ts";

const measurements = {
  mrtd: "aa".repeat(48),
  rtmr0: "b0".repeat(48),
  rtmr1: "b1".repeat(48),
  rtmr2: "b2".repeat(48),
  compose_hash: "cc".repeat(32),
};

describe("TCB status policy", () => {
  it("defaults to UpToDate only, 10-minute validity, GPU evidence required", () => {
    expect(DEFAULT_ATTESTATION_POLICY).toEqual({
      allowedTcbStatuses: ["UpToDate"],
      requireGpuEvidence: true,
      requireNras: false,
      maxAgeSeconds: 600,
    });
    expect(enforceTcbPolicy("UpToDate", DEFAULT_ATTESTATION_POLICY)).toEqual({
      status: "UpToDate",
      allowedByOperator: false,
    });
  });

  it("refuses every other Intel status by default", async () => {
    for (const status of KNOWN_TCB_STATUSES.filter((s) => s !== "UpToDate" && s !== "Revoked")) {
      expect(await reasonOf(() => enforceTcbPolicy(status, DEFAULT_ATTESTATION_POLICY))).toBe(
        "tdx_tcb_status_not_allowed",
      );
    }
  });

  it("accepts a status the operator allows and marks it as allowed by the operator", () => {
    const policy = attestationPolicySchema.parse({ allowedTcbStatuses: ["UpToDate", "SWHardeningNeeded"] });
    expect(enforceTcbPolicy("SWHardeningNeeded", policy)).toEqual({
      status: "SWHardeningNeeded",
      allowedByOperator: true,
    });
  });

  it("never allows Revoked, not even by configuration", async () => {
    expect(attestationPolicySchema.safeParse({ allowedTcbStatuses: ["Revoked"] }).success).toBe(false);
    expect(await reasonOf(() => enforceTcbPolicy("Revoked", DEFAULT_ATTESTATION_POLICY))).toBe(
      "tdx_tcb_revoked",
    );
  });

  it("refuses any status Intel does not define, whatever the policy", async () => {
    const everything = attestationPolicySchema.parse({
      allowedTcbStatuses: KNOWN_TCB_STATUSES.filter((s) => s !== "Revoked"),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.string().filter((s) => !(KNOWN_TCB_STATUSES as readonly string[]).includes(s)),
        async (status) =>
          (await reasonOf(() => enforceTcbPolicy(status, everything))) === "tdx_tcb_status_unknown",
      ),
    );
  });
});

describe("measurement allowlist", () => {
  it("accepts anything when no allowlist is configured", () => {
    expect(enforceMeasurementAllowlist(measurements, undefined)).toBe("no allowlist configured");
  });

  it("normalises case and 0x, and checks only the listed measurements", () => {
    const allowlist = measurementAllowlistSchema.parse({
      mrtd: [`0x${"AA".repeat(48)}`],
      compose_hash: ["dd".repeat(32), "CC".repeat(32)],
    });
    expect(enforceMeasurementAllowlist(measurements, allowlist)).toBe("mrtd, compose_hash on the allowlist");
  });

  it("refuses a measurement not on the allowlist, naming it", async () => {
    for (const key of ["mrtd", "rtmr0", "rtmr1", "rtmr2", "compose_hash"] as const) {
      const length = key === "compose_hash" ? 32 : 48;
      const allowlist = measurementAllowlistSchema.parse({ [key]: ["ee".repeat(length)] });
      expect(await reasonOf(() => enforceMeasurementAllowlist(measurements, allowlist))).toBe(
        "measurement_not_allowed",
      );
    }
  });

  it("rejects malformed allowlists in configuration", () => {
    expect(measurementAllowlistSchema.safeParse({ mrtd: ["aa"] }).success).toBe(false);
    expect(measurementAllowlistSchema.safeParse({ mrtd: [] }).success).toBe(false);
    expect(measurementAllowlistSchema.safeParse({ rtmr3: ["aa".repeat(48)] }).success).toBe(false);
  });
});
