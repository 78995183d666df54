import { X509Certificate } from "node:crypto";
import { type Collateral, INTEL_PCS_URL, intel, PHALA_PCCS_URL, Quote, utils } from "@phala/dcap-qvl";
import { TeeAttestationError } from "./attestation-error.ts";

/** The `fetch` this folder uses; injectable so tests run offline. */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export { INTEL_PCS_URL, PHALA_PCCS_URL };

/** Collateral for one quote's platform, with when it stops being usable. */
export interface CollateralEntry {
  collateral: Collateral;
  /** FMSPC of the platform (hex, uppercase as Intel writes it). */
  fmspc: string;
  /** PCK issuing CA: `processor` or `platform`. */
  ca: string;
  fetchedAt: Date;
  /** Earliest `nextUpdate` of TCB info and QE identity, capped by the cache's max age. */
  expiresAt: Date;
}

/** Where attestation gets collateral from: a {@link createCollateralCache} or a fixed set. */
export interface CollateralSource {
  get(quote: Uint8Array): Promise<CollateralEntry>;
}

/** Options of {@link createCollateralCache}. */
export interface CollateralCacheOptions {
  /** PCCS or PCS base URL, e.g. {@link PHALA_PCCS_URL} or {@link INTEL_PCS_URL}. */
  pccsUrl: string;
  fetch?: FetchLike;
  now?: () => Date;
  /** Refetch after this long even if Intel's `nextUpdate` is later (default 24 h). */
  maxAgeMs?: number;
  /** Per-request timeout (default 15 s). */
  timeoutMs?: number;
}

/**
 * The moment a collateral set stops being valid: the earlier `nextUpdate` of its TCB
 * info and QE identity (after which DCAP verification refuses it).
 * @throws TeeAttestationError `tdx_collateral_unavailable` when the dates cannot be read
 * @see https://api.portal.trustedservices.intel.com/content/documentation.html#pcs-tcb-info-tdx-v4
 */
export function collateralExpiry(collateral: Collateral): Date {
  let expiry = Number.NaN;
  try {
    const tcbInfo = JSON.parse(collateral.tcb_info) as { nextUpdate?: unknown };
    const qeIdentity = JSON.parse(collateral.qe_identity) as { nextUpdate?: unknown };
    expiry = Math.min(Date.parse(String(tcbInfo.nextUpdate)), Date.parse(String(qeIdentity.nextUpdate)));
  } catch (error) {
    throw new TeeAttestationError("tdx_collateral_unavailable", "collateral is not JSON", { cause: error });
  }
  if (Number.isNaN(expiry)) {
    throw new TeeAttestationError("tdx_collateral_unavailable", "collateral has no valid nextUpdate");
  }
  return new Date(expiry);
}

/**
 * A collateral source keyed by platform (TEE type, FMSPC, CA) that fetches from a PCCS
 * and keeps each set until it expires ({@link collateralExpiry}, capped by `maxAgeMs`).
 * Concurrent requests for one platform share a fetch. No global state: one per process.
 */
export function createCollateralCache(options: CollateralCacheOptions): CollateralSource & {
  /** Number of PCCS fetches made, for tests and metrics. */
  readonly fetches: number;
  clear(): void;
} {
  const now = options.now ?? (() => new Date());
  const maxAgeMs = options.maxAgeMs ?? 24 * 60 * 60 * 1000;
  const entries = new Map<string, CollateralEntry>();
  const inFlight = new Map<string, Promise<CollateralEntry>>();
  let fetches = 0;

  return {
    get fetches() {
      return fetches;
    },
    clear() {
      entries.clear();
    },
    async get(quote) {
      const platform = quotePlatform(quote);
      const key = `${platform.tee}:${platform.fmspc}:${platform.ca}`;
      const cached = entries.get(key);
      if (cached && now().getTime() < cached.expiresAt.getTime()) return cached;
      const pending = inFlight.get(key);
      if (pending) return pending;
      const request = (async () => {
        fetches += 1;
        const collateral = await fetchCollateral(options.pccsUrl, platform, {
          fetch: options.fetch ?? fetch,
          timeoutMs: options.timeoutMs ?? 15_000,
        });
        const fetchedAt = now();
        const expiresAt = new Date(
          Math.min(collateralExpiry(collateral).getTime(), fetchedAt.getTime() + maxAgeMs),
        );
        const entry: CollateralEntry = {
          collateral,
          fmspc: platform.fmspc,
          ca: platform.ca,
          fetchedAt,
          expiresAt,
        };
        entries.set(key, entry);
        return entry;
      })().finally(() => inFlight.delete(key));
      inFlight.set(key, request);
      return request;
    },
  };
}

/**
 * A source that always returns the given collateral: for offline verification with
 * stored collateral (tests, or a user re-checking published evidence).
 */
export function staticCollateral(collateral: Collateral, fetchedAt: Date): CollateralSource {
  return {
    async get(quote) {
      const platform = quotePlatform(quote);
      return {
        collateral,
        fmspc: platform.fmspc,
        ca: platform.ca,
        fetchedAt,
        expiresAt: collateralExpiry(collateral),
      };
    },
  };
}

/** The platform a quote comes from, which selects its collateral. */
export interface QuotePlatform {
  tee: "sgx" | "tdx";
  fmspc: string;
  ca: string;
}

/**
 * Reads TEE type, FMSPC and PCK CA from a quote's embedded PCK certificate.
 * @throws TeeAttestationError `tdx_quote_malformed`
 */
export function quotePlatform(quote: Uint8Array): QuotePlatform {
  try {
    const parsed = Quote.parse(quote);
    const [pck] = utils.extractCerts(Buffer.from(parsed.rawCertChain()));
    if (!pck) throw new Error("the quote carries no PCK certificate");
    // dcap-qvl 0.3.9's intel.getCa compares the DER issuer as hex against plain text and
    // so always answers "processor"; read the issuer CN ourselves.
    const issuer = new X509Certificate(pck).issuer;
    const ca = /CN=Intel SGX PCK Platform CA/.test(issuer)
      ? "platform"
      : /CN=Intel SGX PCK Processor CA/.test(issuer)
        ? "processor"
        : undefined;
    if (!ca) throw new Error(`unexpected PCK issuer ${issuer.replaceAll("\n", ", ")}`);
    return {
      tee: parsed.header.isSgx() ? "sgx" : "tdx",
      fmspc: Buffer.from(intel.getFmspc(parsed)).toString("hex").toUpperCase(),
      ca,
    };
  } catch (error) {
    throw new TeeAttestationError(
      "tdx_quote_malformed",
      `cannot read the platform (FMSPC) from the quote's PCK certificate: ${String(error)}`,
      { cause: error },
    );
  }
}

/**
 * Fetches the collateral for a platform from a PCCS/PCS (API v4), with the same URLs
 * `@phala/dcap-qvl`'s `getCollateral` builds (which cannot take an injected `fetch`).
 * Only quotes carrying their PCK certificate chain (cert type 5, as dstack's do) are
 * supported; the chain then comes from the quote during verification.
 * @throws TeeAttestationError `tdx_collateral_unavailable`
 * @see https://api.portal.trustedservices.intel.com/content/documentation.html (Intel PCS API v4)
 */
export async function fetchCollateral(
  pccsUrl: string,
  platform: QuotePlatform,
  options: { fetch: FetchLike; timeoutMs: number },
): Promise<Collateral> {
  const base = pccsUrl.replace(/\/$/, "").replace(/\/(sgx|tdx)\/certification\/v4$/, "");
  const url = (tee: string, path: string) => `${base}/${tee}/certification/v4/${path}`;
  const get = async (target: string): Promise<Response> => {
    let response: Response;
    try {
      response = await options.fetch(target, { signal: AbortSignal.timeout(options.timeoutMs) });
    } catch (error) {
      throw new TeeAttestationError("tdx_collateral_unavailable", `GET ${target} failed: ${String(error)}`, {
        cause: error,
      });
    }
    if (!response.ok) {
      throw new TeeAttestationError(
        "tdx_collateral_unavailable",
        `GET ${target} answered ${response.status}`,
      );
    }
    return response;
  };
  const header = (response: Response, ...names: string[]): string => {
    for (const name of names) {
      const value = response.headers.get(name);
      if (value) return decodeURIComponent(value);
    }
    throw new TeeAttestationError("tdx_collateral_unavailable", `PCCS answer lacks the ${names[0]} header`);
  };

  try {
    const pckCrlResponse = await get(url("sgx", `pckcrl?ca=${platform.ca}&encoding=der`));
    const pckCrlIssuerChain = header(pckCrlResponse, "SGX-PCK-CRL-Issuer-Chain");
    const pckCrl = Buffer.from(await pckCrlResponse.arrayBuffer());

    const tcbResponse = await get(url(platform.tee, `tcb?fmspc=${platform.fmspc}`));
    const tcbInfoIssuerChain = header(tcbResponse, "SGX-TCB-Info-Issuer-Chain", "TCB-Info-Issuer-Chain");
    const tcbBody = JSON.parse(await tcbResponse.text()) as { tcbInfo: unknown; signature: string };

    const qeResponse = await get(url(platform.tee, "qe/identity?update=standard"));
    const qeIdentityIssuerChain = header(qeResponse, "SGX-Enclave-Identity-Issuer-Chain");
    const qeBody = JSON.parse(await qeResponse.text()) as { enclaveIdentity: unknown; signature: string };

    // A PCCS serves the root CA CRL as hex; Intel's PCS does not, and the CRL is then
    // fetched from the distribution point named in the root certificate.
    let rootCaCrl: Buffer | undefined;
    if (!base.startsWith(INTEL_PCS_URL)) {
      try {
        const text = (await (await get(url("sgx", "rootcacrl"))).text()).trim();
        if (/^[0-9a-fA-F]+$/.test(text)) rootCaCrl = Buffer.from(text, "hex");
      } catch {
        rootCaCrl = undefined;
      }
    }
    if (!rootCaCrl) {
      const certs = utils.extractCerts(Buffer.from(qeIdentityIssuerChain));
      const root = certs[certs.length - 1];
      const crlUrl = root ? utils.extractCrlUrl(root) : null;
      if (!crlUrl)
        throw new TeeAttestationError("tdx_collateral_unavailable", "no root CA CRL distribution point");
      rootCaCrl = Buffer.from(await (await get(crlUrl)).arrayBuffer());
    }

    // Intel signs the exact JSON text of tcbInfo / enclaveIdentity; its bodies are
    // compact, so re-serialising reproduces the signed bytes (as dcap-qvl does).
    return {
      pck_crl_issuer_chain: pckCrlIssuerChain,
      root_ca_crl: rootCaCrl.toString("hex"),
      pck_crl: pckCrl.toString("hex"),
      tcb_info_issuer_chain: tcbInfoIssuerChain,
      tcb_info: JSON.stringify(tcbBody.tcbInfo),
      tcb_info_signature: tcbBody.signature,
      qe_identity_issuer_chain: qeIdentityIssuerChain,
      qe_identity: JSON.stringify(qeBody.enclaveIdentity),
      qe_identity_signature: qeBody.signature,
    };
  } catch (error) {
    if (error instanceof TeeAttestationError) throw error;
    throw new TeeAttestationError("tdx_collateral_unavailable", `unusable PCCS answer: ${String(error)}`, {
      cause: error,
    });
  }
}
