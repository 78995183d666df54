import { type Collateral, verify } from "@phala/dcap-qvl";
import { expect, it } from "vitest";
import { TeeAttestationError } from "./attestation-error.ts";
import {
  describeWithTeeFixtures,
  dstackInfo,
  dstackSample,
  flipped,
  NEAR_VALID_AT,
  nearCollateral,
  nearQuote,
  PHALA_VALID_AT,
  phalaSample,
  reasonOf,
  TDX_QUOTE_OFFSETS,
} from "./test-fixtures.ts";
import { type DcapVerifier, parseTdxQuote, verifyTdxQuote } from "./verify-tdx-quote.ts";

/** Runs the real DCAP verification, then reports `status` instead: a status Intel's collateral for these quotes never yields. */
const reportingStatus =
  (status: string): DcapVerifier =>
  (quote, collateral, now) => {
    const real = verify(quote, collateral, now);
    return Object.assign(Object.create(Object.getPrototypeOf(real)), real, { status });
  };

describeWithTeeFixtures("verifyTdxQuote on real quotes", () => {
  it("verifies the dstack inference-proxy quote as UpToDate and reads its measurements", () => {
    const { quote } = dstackSample();
    const result = verifyTdxQuote(quote, { collateral: nearCollateral(), now: NEAR_VALID_AT });
    expect(result.tcb).toEqual({ status: "UpToDate", allowedByOperator: false, advisoryIds: [] });
    const info = dstackInfo().tcb_info;
    expect(result.measurements.mrtd).toBe(info.mrtd);
    expect(result.measurements.rtmr0).toBe(info.rtmr0);
    expect(result.measurements.rtmr3).toBe(info.rtmr3);
    expect(Buffer.from(result.reportData).toString("hex")).toBe("01".repeat(64));
  });

  it("verifies the NEAR quote and Phala's sample quote inside their collateral windows", () => {
    expect(verifyTdxQuote(nearQuote(), { collateral: nearCollateral(), now: NEAR_VALID_AT }).tcb.status).toBe(
      "UpToDate",
    );
    const phala = phalaSample();
    expect(
      verifyTdxQuote(phala.quote, { collateral: phala.collateral, now: PHALA_VALID_AT }).tcb.status,
    ).toBe("UpToDate");
  });

  it("refuses a quote with one flipped byte in the TD report (mrtd)", async () => {
    const quote = flipped(dstackSample().quote, TDX_QUOTE_OFFSETS.mrtd + 5);
    expect(
      await reasonOf(() => verifyTdxQuote(quote, { collateral: nearCollateral(), now: NEAR_VALID_AT })),
    ).toBe("tdx_quote_invalid");
  });

  it("refuses a quote with one flipped byte in its signature", async () => {
    const quote = flipped(dstackSample().quote, TDX_QUOTE_OFFSETS.signature + 10);
    expect(
      await reasonOf(() => verifyTdxQuote(quote, { collateral: nearCollateral(), now: NEAR_VALID_AT })),
    ).toBe("tdx_quote_invalid");
  });

  it("refuses a debug TD (TDATTRIBUTES.DEBUG set)", async () => {
    const quote = flipped(dstackSample().quote, TDX_QUOTE_OFFSETS.tdAttributes, 0x01);
    expect(parseTdxQuote(quote).measurements.tdAttributes.slice(0, 2)).toBe("01");
    expect(
      await reasonOf(() => verifyTdxQuote(quote, { collateral: nearCollateral(), now: NEAR_VALID_AT })),
    ).toBe("tdx_debug_td");
  });

  it("refuses expired collateral (after TCB info nextUpdate) and collateral not yet issued", async () => {
    const { quote } = dstackSample();
    const collateral = nearCollateral();
    const afterNextUpdate = new Date("2025-10-03T00:00:00Z");
    expect(await reasonOf(() => verifyTdxQuote(quote, { collateral, now: afterNextUpdate }))).toBe(
      "tdx_collateral_expired",
    );
    expect(await reasonOf(() => verifyTdxQuote(quote, { collateral, now: new Date() }))).toBe(
      "tdx_collateral_expired",
    );
    expect(
      await reasonOf(() => verifyTdxQuote(quote, { collateral, now: new Date("2025-09-01T00:00:00Z") })),
    ).toBe("tdx_collateral_not_yet_valid");
  });

  it("refuses collateral for another platform (FMSPC mismatch)", async () => {
    const other: Collateral = phalaSample().collateral;
    expect(
      await reasonOf(() => verifyTdxQuote(dstackSample().quote, { collateral: other, now: PHALA_VALID_AT })),
    ).toBe("tdx_quote_invalid");
  });

  it("refuses an unknown TCB status whatever the policy allows", async () => {
    const options = {
      collateral: nearCollateral(),
      now: NEAR_VALID_AT,
      verifier: reportingStatus("TDRelaunchAdvised"),
      policy: { allowedTcbStatuses: ["UpToDate", "OutOfDate"] as ("UpToDate" | "OutOfDate")[] },
    };
    expect(await reasonOf(() => verifyTdxQuote(dstackSample().quote, options))).toBe(
      "tdx_tcb_status_unknown",
    );
  });

  it("refuses OutOfDate by default, and accepts it only when the operator allows it, saying so", async () => {
    const quote = dstackSample().quote;
    const base = { collateral: nearCollateral(), now: NEAR_VALID_AT, verifier: reportingStatus("OutOfDate") };
    expect(await reasonOf(() => verifyTdxQuote(quote, base))).toBe("tdx_tcb_status_not_allowed");
    const allowed = verifyTdxQuote(quote, {
      ...base,
      policy: { allowedTcbStatuses: ["UpToDate", "OutOfDate"] },
    });
    expect(allowed.tcb).toMatchObject({ status: "OutOfDate", allowedByOperator: true });
  });

  it("refuses a truncated quote as malformed", async () => {
    const truncated = dstackSample().quote.subarray(0, 300);
    expect(
      await reasonOf(() => verifyTdxQuote(truncated, { collateral: nearCollateral(), now: NEAR_VALID_AT })),
    ).toBe("tdx_quote_malformed");
  });

  it("throws errors that the gateway answers with 503 tee_attestation_failed", () => {
    const quote = flipped(dstackSample().quote, TDX_QUOTE_OFFSETS.mrtd);
    try {
      verifyTdxQuote(quote, { collateral: nearCollateral(), now: NEAR_VALID_AT });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TeeAttestationError);
      expect(error).toMatchObject({
        status: 503,
        code: "tee_attestation_failed",
        reason: "tdx_quote_invalid",
      });
    }
  });
});
