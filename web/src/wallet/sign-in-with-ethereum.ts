import type { Address, Hex } from "viem";
import { createSiweMessage } from "viem/siwe";
import { z } from "zod";
import { readApiError } from "../lib/api-error.ts";

const nonceSchema = z.object({ nonce: z.string(), expires_at: z.string(), chain_id: z.number() });
const verifiedSchema = z.object({
  account: z.object({ id: z.string(), tier: z.string(), wallet_address: z.string().nullable() }),
});

/** Options of {@link signInWithEthereum}. */
export interface SignInWithEthereumOptions {
  address: Address;
  chainId: number;
  /** Asks the wallet to sign (EIP-191 personal_sign). */
  signMessage: (message: string) => Promise<Hex>;
  /** Attach the wallet to the anonymous account signed in now, instead of the wallet's own account. */
  link: boolean;
  /** This page's origin; the message names it so it cannot be replayed on another site. */
  origin?: string;
  now?: Date;
  fetch?: typeof fetch;
}

/**
 * Signs in with the wallet: asks the gateway for a single-use nonce, has the
 * wallet sign an EIP-4361 message for this origin, chain and nonce (valid ten
 * minutes), and sends it to be verified. The gateway answers with the account
 * and sets the session cookie.
 * @see https://eips.ethereum.org/EIPS/eip-4361
 */
export async function signInWithEthereum(options: SignInWithEthereumOptions) {
  const call = options.fetch ?? fetch;
  const origin = new URL(options.origin ?? location.origin);
  const nonceRes = await call("/api/auth/siwe/nonce", { method: "POST" });
  if (!nonceRes.ok) throw await readApiError(nonceRes);
  const { nonce } = nonceSchema.parse(await nonceRes.json());
  const now = options.now ?? new Date();
  const message = createSiweMessage({
    address: options.address,
    chainId: options.chainId,
    domain: origin.host,
    uri: origin.origin,
    nonce,
    version: "1",
    statement: "Sign in to Masque. This costs nothing and sends no transaction.",
    issuedAt: now,
    expirationTime: new Date(now.getTime() + 10 * 60_000),
  });
  const signature = await options.signMessage(message);
  const res = await call("/api/auth/siwe/verify", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ message, signature, link: options.link }),
  });
  if (!res.ok) throw await readApiError(res);
  return verifiedSchema.parse(await res.json()).account;
}
