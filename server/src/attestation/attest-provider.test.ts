import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type AttestProviderOptions, attestProvider } from "./attest-provider.ts";
import { TeeAttestationError } from "./attestation-error.ts";
import { assertAttestationUsable, isAttestationUsable } from "./attestation-result.ts";
import { createCollateralCache } from "./collateral-cache.ts";
import {
  createTestNras,
  describeWithTeeFixtures,
  dstackInfo,
  flatReportFromFixtures,
  gpuNonce,
  jsonAnswer,
  NEAR_VALID_AT,
  nearCollateral,
  pcsAnswer,
  startTestServer,
  TDX_QUOTE_OFFSETS,
  type TestNras,
} from "./test-fixtures.ts";

/**
 * End to end: a TEE inference proxy stand-in on 127.0.0.1 serves the flat attestation
 * report made from the real fixtures, plus a PCCS (the real collateral in PCS wire format)
 * and an NRAS stand-in (tokens signed by a local test key). The fixtures' dstack quote has
 * report_data 0x01×64, which binds no key and no nonce, so a truthful verifier must refuse
 * it for exactly that reason while every other check passes.
 */
describeWithTeeFixtures("attestProvider against a local provider stand-in", () => {
  const enclave = privateKeyToAccount(generatePrivateKey());
  let nras: TestNras;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let now = NEAR_VALID_AT;
  let mutateReport: (report: Record<string, unknown>) => Record<string, unknown> = (report) => report;
  let nrasUp = true;
  let seenAuthorization: string | undefined;

  beforeAll(async () => {
    nras = await createTestNras();
    server = await startTestServer(async (request, body) => {
      const url = new URL(request.url ?? "/", "http://127.0.0.1");
      if (url.pathname === "/v1/attestation/report") {
        seenAuthorization = request.headers.authorization;
        const nonce = Buffer.from(url.searchParams.get("nonce") ?? "", "hex");
        return jsonAnswer(mutateReport(flatReportFromFixtures(enclave.address, nonce)));
      }
      if (url.pathname.startsWith("/pccs/")) return pcsAnswer(nearCollateral(), url);
      if (!nrasUp) return undefined;
      if (url.pathname === "/nras/.well-known/jwks.json") return jsonAnswer(nras.jwks);
      if (url.pathname === "/nras/v3/attest/gpu" && request.method === "POST") {
        const sent = JSON.parse(body.toString("utf8")) as { nonce: string; evidence_list: unknown[] };
        return jsonAnswer(
          await nras.answer({ nonce: sent.nonce, gpuCount: sent.evidence_list.length, at: now }),
        );
      }
      return undefined;
    });
  });
  afterAll(() => server.close());

  const attest = (overrides: Partial<AttestProviderOptions> = {}) => {
    const clock = () => now;
    return attestProvider({
      baseUrl: `${server.url}/v1`,
      model: "deepseek-ai/DeepSeek-V3.1",
      collateral: createCollateralCache({ pccsUrl: `${server.url}/pccs`, now: clock }),
      nras: { url: `${server.url}/nras/v3/attest/gpu`, jwksUrl: `${server.url}/nras/.well-known/jwks.json` },
      headers: { authorization: "Bearer provider-key" },
      now: clock,
      // The GPU evidence was captured for this nonce; a real run draws a fresh one.
      nonce: gpuNonce,
      ...overrides,
    });
  };
  const byName = (result: Awaited<ReturnType<typeof attest>>) =>
    Object.fromEntries(result.checks.map((check) => [check.name, check]));
  const reset = () => {
    now = NEAR_VALID_AT;
    mutateReport = (report) => report;
    nrasUp = true;
  };

  it("verifies every check on the real evidence and refuses it only for the unbound report_data", async () => {
    reset();
    const result = await attest();
    const checks = byName(result);

    expect(result.ok).toBe(false);
    expect(result.reason).toBe("report_data_address_mismatch");
    expect(checks.report_data).toMatchObject({ ok: false, reason: "report_data_address_mismatch" });
    for (const name of [
      "report",
      "tdx_quote",
      "event_log",
      "compose_hash",
      "measurements",
      "gpu_evidence",
      "nras",
    ]) {
      expect(checks[name], name).toMatchObject({ ok: true, skipped: false });
    }
    expect(checks.signing_key).toMatchObject({ ok: true, detail: `first attestation of ${enclave.address}` });
    expect(result.checks.map((check) => check.name)).toEqual([
      "report",
      "tdx_quote",
      "report_data",
      "event_log",
      "compose_hash",
      "measurements",
      "gpu_evidence",
      "nras",
      "signing_key",
    ]);
    for (const check of result.checks) expect(check.checkedAt).toBe(NEAR_VALID_AT.toISOString());

    expect(result.tcb).toEqual({ status: "UpToDate", allowedByOperator: false, advisoryIds: [] });
    expect(result.measurements).toMatchObject({
      mrtd: dstackInfo().tcb_info.mrtd,
      rtmr3: dstackInfo().tcb_info.rtmr3,
      composeHash: dstackInfo().compose_hash,
    });
    expect(result.gpus).toHaveLength(8);
    expect(result.signingAddress).toBeNull();
    expect(result.claimedSigningAddress).toBe(enclave.address);
    expect(result.nonce).toBe(Buffer.from(gpuNonce()).toString("hex"));
    expect(result.expiresAt).toBe(result.checkedAt);
    expect(result.evidence.report).toEqual(flatReportFromFixtures(enclave.address, gpuNonce()));
    expect(result.evidence.collateral?.tcb_info).toBe(nearCollateral().tcb_info);
    // The PCCS copy is kept 24 h (the cache's default cap), well before Intel's nextUpdate.
    expect(result.evidence.collateralExpiresAt).toBe("2025-09-16T00:00:00.000Z");
    expect(result.evidence.nras).toHaveLength(2);
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);

    expect(seenAuthorization).toBe("Bearer provider-key");
    expect(server.requests).toContain(
      `GET /v1/attestation/report?model=deepseek-ai%2FDeepSeek-V3.1&nonce=${result.nonce}&signing_algo=ecdsa`,
    );
  });

  it("is fail-closed: the gateway answers 503 tee_attestation_failed with the reason", async () => {
    reset();
    const result = await attest();
    expect(isAttestationUsable(result, NEAR_VALID_AT)).toBe(false);
    try {
      assertAttestationUsable(result, NEAR_VALID_AT);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TeeAttestationError);
      expect(error).toMatchObject({
        status: 503,
        code: "tee_attestation_failed",
        reason: "report_data_address_mismatch",
      });
    }
  });

  it("draws a fresh random nonce per attestation by default, which the captured GPU evidence cannot match", async () => {
    reset();
    const first = await attest({ nonce: undefined });
    const second = await attest({ nonce: undefined });
    expect(first.nonce).toMatch(/^[0-9a-f]{64}$/);
    expect(first.nonce).not.toBe(second.nonce);
    expect(byName(first).gpu_evidence).toMatchObject({ ok: false, reason: "gpu_nonce_mismatch" });
  });

  it("enforces the measurement allowlist", async () => {
    reset();
    const info = dstackInfo();
    const allowed = await attest({
      policy: { allowlist: { mrtd: [info.tcb_info.mrtd], compose_hash: [info.compose_hash] } },
    });
    expect(byName(allowed).measurements).toMatchObject({
      ok: true,
      detail: "mrtd, compose_hash on the allowlist",
    });
    const refused = await attest({ policy: { allowlist: { rtmr1: ["00".repeat(48)] } } });
    expect(byName(refused).measurements).toMatchObject({ ok: false, reason: "measurement_not_allowed" });
  });

  it("reports a signing key that changed since the previous attestation", async () => {
    reset();
    const previous = privateKeyToAccount(generatePrivateKey()).address;
    const result = await attest({ previousSigningAddress: previous });
    expect(byName(result).signing_key).toMatchObject({ ok: false, reason: "signing_key_changed" });
    const same = await attest({ previousSigningAddress: enclave.address });
    expect(byName(same).signing_key).toMatchObject({
      ok: true,
      detail: `signing key unchanged (${enclave.address})`,
    });
  });

  it("refuses expired collateral when the clock is past its nextUpdate", async () => {
    reset();
    now = new Date("2025-10-05T00:00:00Z");
    const result = await attest();
    expect(byName(result).tdx_quote).toMatchObject({ ok: false, reason: "tdx_collateral_expired" });
    expect(byName(result).gpu_evidence?.ok).toBe(true);
  });

  it("refuses a report that answers another nonce, and skips what depends on it", async () => {
    reset();
    mutateReport = (report) => ({ ...report, request_nonce: "00".repeat(32) });
    const result = await attest();
    expect(result.reason).toBe("report_nonce_mismatch");
    expect(result.checks.filter((check) => check.skipped).map((check) => check.name)).toHaveLength(8);
  });

  it("refuses an unreachable provider and a malformed report", async () => {
    reset();
    const down = await attest({ baseUrl: `${server.url}/nowhere` });
    expect(down).toMatchObject({ ok: false, reason: "report_unreachable", claimedSigningAddress: null });
    mutateReport = ({ intel_quote: _quote, ...rest }) => rest;
    expect((await attest()).reason).toBe("report_malformed");
  });

  it("requires GPU evidence unless the policy says otherwise", async () => {
    reset();
    mutateReport = ({ nvidia_payload: _payload, ...rest }) => rest;
    const required = await attest();
    expect(byName(required).gpu_evidence).toMatchObject({ ok: false, reason: "gpu_evidence_missing" });
    const optional = await attest({ policy: { requireGpuEvidence: false } });
    expect(byName(optional).gpu_evidence).toMatchObject({ ok: true, skipped: true });
  });

  it("skips NRAS when it is not configured or unreachable, unless the policy requires it", async () => {
    reset();
    expect(byName(await attest({ nras: undefined })).nras).toMatchObject({
      skipped: true,
      detail: "NRAS is not configured",
    });
    nrasUp = false;
    expect(byName(await attest()).nras).toMatchObject({ ok: true, skipped: true });
    expect(byName(await attest({ policy: { requireNras: true } })).nras).toMatchObject({
      ok: false,
      reason: "nras_unreachable",
    });
  });

  it("refuses a debug TD served by the provider", async () => {
    reset();
    mutateReport = (report) => {
      const quote = Buffer.from(report.intel_quote as string, "hex");
      quote[TDX_QUOTE_OFFSETS.tdAttributes] = 0x01;
      return { ...report, intel_quote: quote.toString("hex") };
    };
    const result = await attest();
    expect(byName(result).tdx_quote).toMatchObject({ ok: false, reason: "tdx_debug_td" });
  });
});
