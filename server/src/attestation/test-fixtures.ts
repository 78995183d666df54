/**
 * Test support (not used at run time): loads the real TEE evidence in
 * `shared/fixtures/tee/` (see its SOURCE.md) and serves Intel collateral in the PCS v4
 * wire format, so tests run offline with fixed clocks inside the evidence's validity.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Collateral } from "@phala/dcap-qvl";
import {
  type CryptoKey,
  exportJWK,
  generateKeyPair,
  type JSONWebKeySet,
  type JWTPayload,
  SignJWT,
} from "jose";
import { describe } from "vitest";
import { TeeAttestationError } from "./attestation-error.ts";

const REPO_ROOT = path.resolve(import.meta.dirname, "../../..");

/** Where the TEE fixtures live: `$MASQUE_SHARED_DIR/fixtures/tee`, else `<repo>/../shared/fixtures/tee`. */
export const TEE_FIXTURES_DIR = path.join(
  process.env.MASQUE_SHARED_DIR ?? path.resolve(REPO_ROOT, "../shared"),
  "fixtures/tee",
);

/** Whether the fixtures folder is present. */
export const hasTeeFixtures = existsSync(TEE_FIXTURES_DIR);

/** `describe` that is skipped, with a message saying so, when the fixtures folder is absent. */
export function describeWithTeeFixtures(name: string, body: () => void): void {
  if (!hasTeeFixtures) {
    console.warn(`[attestation] skipping "${name}": TEE fixtures folder ${TEE_FIXTURES_DIR} is absent`);
  }
  describe.skipIf(!hasTeeFixtures)(name, body);
}

/** Inside near-tdx-quote.collateral.json's window (2025-09-03 … 2025-10-01). */
export const NEAR_VALID_AT = new Date("2025-09-15T00:00:00Z");
/** Inside phala-sample-tdx-quote.collateral.json's window. */
export const PHALA_VALID_AT = new Date("2025-06-25T00:00:00Z");

const read = (name: string) => readFileSync(path.join(TEE_FIXTURES_DIR, name));
const readJson = <T>(name: string): T => JSON.parse(read(name).toString("utf8")) as T;

/** The dstack inference-proxy sample: TDX quote (report_data = 0x01×64) and event log. */
export function dstackSample(): { quote: Uint8Array; quoteHex: string; eventLog: string } {
  const sample = readJson<{ quote: string; event_log: string }>("dstack-attestation-sample.json");
  return { quote: Buffer.from(sample.quote, "hex"), quoteHex: sample.quote, eventLog: sample.event_log };
}

/** dstack `info` for the same VM (app_compose, compose_hash, tcb_info …). */
export function dstackInfo(): {
  compose_hash: string;
  tcb_info: { app_compose: string; mrtd: string; rtmr0: string; rtmr1: string; rtmr2: string; rtmr3: string };
  [key: string]: unknown;
} {
  return readJson("dstack-info-sample.json");
}

/** Collateral for FMSPC 20a06f000000 (the NEAR and dstack quotes). */
export function nearCollateral(): Collateral {
  return readJson<Collateral>("near-tdx-quote.collateral.json");
}

/** The NEAR TDX quote. */
export function nearQuote(): Uint8Array {
  return Buffer.from(read("near-tdx-quote.hex").toString("utf8").trim(), "hex");
}

/** Phala's dcap-qvl sample quote and its collateral. */
export function phalaSample(): { quote: Uint8Array; collateral: Collateral } {
  return {
    quote: Uint8Array.from(read("phala-sample-tdx-quote.bin")),
    collateral: readJson<Collateral>("phala-sample-tdx-quote.collateral.json"),
  };
}

/** The `nvidia_payload` of 8 Hopper GPUs, as an object. */
export function gpuPayload(): {
  nonce: string;
  arch: string;
  evidence_list: { certificate: string; evidence: string; arch: string }[];
} {
  return readJson("nvidia-gpu-evidence-hopper.json");
}

/** The nonce the GPU evidence was made for. */
export function gpuNonce(): Uint8Array {
  return Buffer.from(gpuPayload().nonce, "hex");
}

/** A real NRAS answer (tokens signed by NVIDIA's key, which is not in the fixtures). */
export function nrasSample(): [[string, string], Record<string, string>] {
  return readJson("nras-response-sample.json");
}

/**
 * A flat attestation report assembled from the fixtures, as a TEE inference proxy
 * serves it. The quote is the real dstack one, so its report_data (0x01×64) binds no
 * signing address or nonce: verification of that binding must fail on it.
 */
export function flatReportFromFixtures(signingAddress: string, nonce: Uint8Array): Record<string, unknown> {
  const sample = dstackSample();
  return {
    signing_address: signingAddress,
    signing_algo: "ecdsa",
    request_nonce: Buffer.from(nonce).toString("hex"),
    intel_quote: sample.quoteHex,
    nvidia_payload: JSON.stringify(gpuPayload()),
    event_log: sample.eventLog,
    info: dstackInfo(),
    all_attestations: [],
  };
}

/** A PCS answer: status, headers and body. */
export interface PcsAnswer {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array | string;
}

/**
 * Answers Intel PCS/PCCS v4 collateral requests from a stored collateral set, in the
 * wire format (URL-encoded issuer-chain headers, `{tcbInfo, signature}` bodies, DER CRLs),
 * or undefined for any other path.
 * @see https://api.portal.trustedservices.intel.com/content/documentation.html
 */
export function pcsAnswer(collateral: Collateral, url: URL): PcsAnswer | undefined {
  const hexOf = (value: number[] | string) =>
    typeof value === "string" ? value : Buffer.from(value).toString("hex");
  const chain = (value: string) => encodeURIComponent(value);
  const json = { "content-type": "application/json" };
  switch (url.pathname.replace(/^.*\/(sgx|tdx)\/certification\/v4/, "/$1")) {
    case "/sgx/pckcrl":
      return {
        status: 200,
        headers: { "SGX-PCK-CRL-Issuer-Chain": chain(collateral.pck_crl_issuer_chain) },
        body: Buffer.from(hexOf(collateral.pck_crl), "hex"),
      };
    case "/tdx/tcb":
      return {
        status: 200,
        headers: { ...json, "TCB-Info-Issuer-Chain": chain(collateral.tcb_info_issuer_chain) },
        body: `{"tcbInfo":${collateral.tcb_info},"signature":"${hexOf(collateral.tcb_info_signature)}"}`,
      };
    case "/tdx/qe/identity":
      return {
        status: 200,
        headers: { ...json, "SGX-Enclave-Identity-Issuer-Chain": chain(collateral.qe_identity_issuer_chain) },
        body: `{"enclaveIdentity":${collateral.qe_identity},"signature":"${hexOf(collateral.qe_identity_signature)}"}`,
      };
    case "/sgx/rootcacrl":
      return { status: 200, headers: {}, body: hexOf(collateral.root_ca_crl) };
    default:
      return undefined;
  }
}

/** A `fetch` that answers from {@link pcsAnswer} and records the URLs it was asked for. */
export function fakePcsFetch(collateral: Collateral): {
  fetch: (input: string) => Promise<Response>;
  urls: string[];
} {
  const urls: string[] = [];
  return {
    urls,
    fetch: async (input: string) => {
      urls.push(input);
      const url = new URL(input);
      if (url.href === "https://certificates.trustedservices.intel.com/IntelSGXRootCA.der") {
        const crl = collateral.root_ca_crl;
        return new Response(
          Buffer.from(typeof crl === "string" ? crl : Buffer.from(crl).toString("hex"), "hex"),
        );
      }
      const answer = pcsAnswer(collateral, url);
      if (!answer) return new Response("not found", { status: 404 });
      return new Response(answer.body, { status: answer.status, headers: answer.headers });
    },
  };
}

/** The stable reason a check threw with (sync or async), or a failure if it did not throw one. */
export async function reasonOf(check: () => unknown): Promise<string> {
  try {
    await check();
  } catch (error) {
    if (error instanceof TeeAttestationError) return error.reason;
    throw error;
  }
  throw new Error("expected the check to fail, it passed");
}

/** A copy of `bytes` with `byte` XOR-ed into position `at`. */
export function flipped(bytes: Uint8Array, at: number, mask = 0x01): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[at] = (copy[at] as number) ^ mask;
  return copy;
}

/** Offsets in a TDX v4 quote: 48-byte header, then the TD report (TDX DCAP quote layout). */
export const TDX_QUOTE_OFFSETS = {
  tdAttributes: 48 + 16 + 48 + 48 + 8,
  mrtd: 48 + 16 + 48 + 48 + 8 + 8 + 8,
  reportData: 48 + 520,
  /** The ECDSA quote signature, after the 4-byte auth-data size. */
  signature: 48 + 584 + 4,
} as const;

/** A stand-in for NVIDIA's NRAS that signs EAT tokens with a fresh ES384 test key. */
export interface TestNras {
  jwks: JSONWebKeySet;
  /** Answers like NRAS `/v3/attest/gpu` for `gpuCount` GPUs and `nonce`, valid around `at`. */
  answer(options: {
    nonce: string;
    gpuCount: number;
    at: Date;
    verdict?: boolean;
    key?: "test" | "other";
  }): Promise<[[string, string], Record<string, string>]>;
}

/** Creates a {@link TestNras} with its own key (and a second, unpublished key for forgeries). */
export async function createTestNras(): Promise<TestNras> {
  const kid = "masque-test-nras-key";
  const published = await generateKeyPair("ES384", { extractable: true });
  const unpublished = await generateKeyPair("ES384", { extractable: true });
  const jwk = { ...(await exportJWK(published.publicKey)), kid, alg: "ES384", use: "sig" };
  const sign = (claims: JWTPayload, at: Date, key: CryptoKey) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: "ES384", kid })
      .setIssuer("https://nras.attestation.nvidia.com")
      .setIssuedAt(Math.floor(at.getTime() / 1000))
      .setNotBefore(Math.floor(at.getTime() / 1000))
      .setExpirationTime(Math.floor(at.getTime() / 1000) + 3600)
      .sign(key);
  return {
    jwks: { keys: [jwk] },
    async answer({ nonce, gpuCount, at, verdict = true, key = "test" }) {
      const signingKey = key === "test" ? published.privateKey : unpublished.privateKey;
      const gpus: Record<string, string> = {};
      const submods: Record<string, unknown> = {};
      for (let index = 0; index < gpuCount; index += 1) {
        const token = await sign(
          { eat_nonce: nonce, measres: "success", hwmodel: "GH100 A01 GSP BROM" },
          at,
          signingKey,
        );
        gpus[`GPU-${index}`] = token;
        submods[`GPU-${index}`] = ["DIGEST", ["SHA-256", createHash("sha256").update(token).digest("hex")]];
      }
      const overall = await sign(
        {
          sub: "NVIDIA-PLATFORM-ATTESTATION",
          eat_nonce: nonce,
          "x-nvidia-overall-att-result": verdict,
          submods,
        },
        at,
        signingKey,
      );
      return [["JWT", overall], gpus];
    },
  };
}

/** Starts an HTTP server on 127.0.0.1 at a random port; `close` stops it. */
export async function startTestServer(
  handler: (request: IncomingMessage, body: Buffer) => Promise<PcsAnswer | undefined> | PcsAnswer | undefined,
): Promise<{ url: string; requests: string[]; close: () => Promise<void> }> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", async () => {
      requests.push(`${request.method} ${request.url}`);
      try {
        const answer = await handler(request, Buffer.concat(chunks));
        if (!answer) {
          response.writeHead(404).end("not found");
          return;
        }
        response.writeHead(answer.status, answer.headers).end(answer.body);
      } catch (error) {
        response.writeHead(500).end(String(error));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

/** A JSON {@link PcsAnswer}. */
export function jsonAnswer(value: unknown, status = 200): PcsAnswer {
  return { status, headers: { "content-type": "application/json" }, body: JSON.stringify(value) };
}
