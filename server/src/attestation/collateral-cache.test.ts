import { verify } from "@phala/dcap-qvl";
import { expect, it } from "vitest";
import {
  collateralExpiry,
  createCollateralCache,
  INTEL_PCS_URL,
  PHALA_PCCS_URL,
  staticCollateral,
} from "./collateral-cache.ts";
import {
  describeWithTeeFixtures,
  dstackSample,
  fakePcsFetch,
  NEAR_VALID_AT,
  nearCollateral,
  reasonOf,
} from "./test-fixtures.ts";

const clock = (start: Date) => {
  let time = start.getTime();
  return { now: () => new Date(time), advance: (ms: number) => (time += ms) };
};

describeWithTeeFixtures("collateral cache", () => {
  it("fetches collateral from a PCCS in the v4 wire format that verifies the real quote", async () => {
    const pcs = fakePcsFetch(nearCollateral());
    const cache = createCollateralCache({
      pccsUrl: PHALA_PCCS_URL,
      fetch: pcs.fetch,
      now: () => NEAR_VALID_AT,
    });
    const entry = await cache.get(dstackSample().quote);

    expect(entry.fmspc).toBe("20A06F000000");
    expect(entry.ca).toBe("platform");
    expect(pcs.urls).toEqual([
      `${PHALA_PCCS_URL}/sgx/certification/v4/pckcrl?ca=platform&encoding=der`,
      `${PHALA_PCCS_URL}/tdx/certification/v4/tcb?fmspc=20A06F000000`,
      `${PHALA_PCCS_URL}/tdx/certification/v4/qe/identity?update=standard`,
      `${PHALA_PCCS_URL}/sgx/certification/v4/rootcacrl`,
    ]);
    const verified = verify(dstackSample().quote, entry.collateral, NEAR_VALID_AT.getTime() / 1000);
    expect(verified.status).toBe("UpToDate");
  });

  it("gets the root CA CRL from its distribution point when talking to Intel's PCS", async () => {
    const pcs = fakePcsFetch(nearCollateral());
    const cache = createCollateralCache({
      pccsUrl: `${INTEL_PCS_URL}/tdx/certification/v4/`,
      fetch: pcs.fetch,
    });
    const entry = await cache.get(dstackSample().quote);
    expect(pcs.urls.at(-1)).toBe("https://certificates.trustedservices.intel.com/IntelSGXRootCA.der");
    expect(pcs.urls[0]).toBe(`${INTEL_PCS_URL}/sgx/certification/v4/pckcrl?ca=platform&encoding=der`);
    expect(verify(dstackSample().quote, entry.collateral, NEAR_VALID_AT.getTime() / 1000).status).toBe(
      "UpToDate",
    );
  });

  it("keeps collateral until its nextUpdate, then fetches again", async () => {
    const pcs = fakePcsFetch(nearCollateral());
    const time = clock(NEAR_VALID_AT);
    const cache = createCollateralCache({
      pccsUrl: PHALA_PCCS_URL,
      fetch: pcs.fetch,
      now: time.now,
      maxAgeMs: 1e12,
    });
    const first = await cache.get(dstackSample().quote);
    expect(first.expiresAt.toISOString()).toBe("2025-10-02T07:10:03.000Z");
    expect(first.expiresAt).toEqual(collateralExpiry(nearCollateral()));

    await cache.get(dstackSample().quote);
    expect(cache.fetches).toBe(1);

    time.advance(first.expiresAt.getTime() - NEAR_VALID_AT.getTime());
    await cache.get(dstackSample().quote);
    expect(cache.fetches).toBe(2);
  });

  it("caps the cache lifetime at maxAgeMs and shares one fetch between concurrent callers", async () => {
    const pcs = fakePcsFetch(nearCollateral());
    const time = clock(NEAR_VALID_AT);
    const cache = createCollateralCache({
      pccsUrl: PHALA_PCCS_URL,
      fetch: pcs.fetch,
      now: time.now,
      maxAgeMs: 60_000,
    });
    const [a, b] = await Promise.all([cache.get(dstackSample().quote), cache.get(dstackSample().quote)]);
    expect(a).toBe(b);
    expect(cache.fetches).toBe(1);
    expect(a.expiresAt.getTime()).toBe(NEAR_VALID_AT.getTime() + 60_000);
    time.advance(60_000);
    await cache.get(dstackSample().quote);
    expect(cache.fetches).toBe(2);
  });

  it("fails with tdx_collateral_unavailable when the PCCS fails, and does not cache the failure", async () => {
    let up = false;
    const pcs = fakePcsFetch(nearCollateral());
    const cache = createCollateralCache({
      pccsUrl: PHALA_PCCS_URL,
      fetch: async (url) => (up ? pcs.fetch(url) : new Response("down", { status: 503 })),
      now: () => NEAR_VALID_AT,
    });
    expect(await reasonOf(() => cache.get(dstackSample().quote))).toBe("tdx_collateral_unavailable");
    up = true;
    expect((await cache.get(dstackSample().quote)).fmspc).toBe("20A06F000000");
  });

  it("refuses a PCCS answer without its issuer-chain header", async () => {
    const pcs = fakePcsFetch(nearCollateral());
    const cache = createCollateralCache({
      pccsUrl: PHALA_PCCS_URL,
      fetch: async (url) => {
        const response = await pcs.fetch(url);
        return url.includes("/tcb?") ? new Response(await response.text()) : response;
      },
    });
    expect(await reasonOf(() => cache.get(dstackSample().quote))).toBe("tdx_collateral_unavailable");
  });

  it("serves stored collateral offline with its own expiry", async () => {
    const source = staticCollateral(nearCollateral(), NEAR_VALID_AT);
    const entry = await source.get(dstackSample().quote);
    expect(entry).toMatchObject({ fmspc: "20A06F000000", ca: "platform", fetchedAt: NEAR_VALID_AT });
    expect(entry.expiresAt.toISOString()).toBe("2025-10-02T07:10:03.000Z");
  });

  it("refuses collateral whose dates cannot be read", async () => {
    expect(await reasonOf(() => collateralExpiry({ ...nearCollateral(), tcb_info: "{}" }))).toBe(
      "tdx_collateral_unavailable",
    );
  });
});
