import { createHash } from "node:crypto";
import { DstackClient } from "@phala/dstack-sdk";
import { hexToBytes } from "viem";
import { generatePrivateKey, type PrivateKeyAccount, privateKeyToAccount } from "viem/accounts";

/** What the node needs from the dstack guest agent: a quote over 64 bytes of report data, and its info. */
export interface QuoteSource {
  getQuote(reportData: Uint8Array): Promise<{ quote: string; event_log: string }>;
  info(): Promise<unknown>;
}

/** The flat attestation report TEE inference proxies serve. */
export interface AttestationReport {
  signing_address: string;
  signing_algo: "ecdsa";
  request_nonce: string;
  /** Hex TDX quote; `null` outside a TEE, which makes the gateway refuse it as `tee`. */
  intel_quote: string | null;
  nvidia_payload: string | null;
  event_log: string | null;
  info: unknown;
  in_tee: boolean;
}

/** The 64 bytes of TDX report_data: the signing address zero-padded to 32 bytes, then the caller's nonce. */
export function reportData(address: string, nonce: Uint8Array): Uint8Array {
  const data = new Uint8Array(64);
  data.set(hexToBytes(address as `0x${string}`), 0);
  data.set(nonce, 32);
  return data;
}

/**
 * The node's identity as an enclave: a secp256k1 key made in memory at boot
 * (it never touches disk, so only this process can sign), a quote binding it
 * to the caller's nonce when the node runs in a dstack confidential VM, and a
 * signature over every exchange in the format TEE inference proxies use.
 */
export class EnclaveIdentity {
  private readonly account: PrivateKeyAccount = privateKeyToAccount(generatePrivateKey());

  constructor(private readonly quotes: QuoteSource | undefined) {}

  /** Looks for the dstack guest agent; outside a confidential VM there is none. */
  static async detect(): Promise<EnclaveIdentity> {
    let client: DstackClient;
    try {
      // The constructor throws when no agent socket (or DSTACK_SIMULATOR_ENDPOINT) exists.
      client = new DstackClient();
    } catch {
      return new EnclaveIdentity(undefined);
    }
    if (!(await client.isReachable().catch(() => false))) return new EnclaveIdentity(undefined);
    return new EnclaveIdentity({
      getQuote: (data) => client.getQuote(Buffer.from(data)),
      info: () => client.info(),
    });
  }

  get address(): string {
    return this.account.address;
  }

  get inTee(): boolean {
    return this.quotes !== undefined;
  }

  /** `GET /v1/attestation/report`: a fresh quote over our address and the caller's nonce. */
  async report(nonce: Uint8Array): Promise<AttestationReport> {
    const base = {
      signing_address: this.address,
      signing_algo: "ecdsa" as const,
      request_nonce: Buffer.from(nonce).toString("hex"),
      nvidia_payload: null,
    };
    if (!this.quotes) return { ...base, intel_quote: null, event_log: null, info: null, in_tee: false };
    const quote = await this.quotes.getQuote(reportData(this.address, nonce));
    return {
      ...base,
      intel_quote: quote.quote.replace(/^0x/, ""),
      event_log: quote.event_log,
      info: await this.quotes.info(),
      in_tee: true,
    };
  }

  /** Signs one exchange: EIP-191 over `sha256hex(request bytes):sha256hex(response bytes)`. */
  async sign(requestBody: Uint8Array | string, responseBody: Uint8Array | string) {
    const sha = (b: Uint8Array | string) => createHash("sha256").update(b).digest("hex");
    const text = `${sha(requestBody)}:${sha(responseBody)}`;
    return {
      text,
      signature: await this.account.signMessage({ message: text }),
      signing_address: this.address,
      signing_algo: "ecdsa" as const,
    };
  }
}
