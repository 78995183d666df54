import { AuthenticationError, InvalidRequestError } from "@masque/shared";
import { and, eq, gt, isNull } from "drizzle-orm";
import { type Address, type Hex, type PublicClient, verifyMessage } from "viem";
import { generateSiweNonce, parseSiweMessage, verifySiweMessage } from "viem/siwe";
import { applyPendingPayments } from "../billing/subscription-payments.ts";
import type { Db } from "../db/open-database.ts";
import { accounts, siweNonces } from "../db/schema.ts";
import { newId } from "./api-keys.ts";

const NONCE_TTL_MS = 10 * 60_000;

/** Issues a single-use nonce for a Sign-In with Ethereum message. */
export function issueSiweNonce(db: Db, now = new Date()): { nonce: string; expiresAt: Date } {
  const nonce = generateSiweNonce();
  const expiresAt = new Date(now.getTime() + NONCE_TTL_MS);
  db.insert(siweNonces).values({ nonce, expiresAt }).run();
  return { nonce, expiresAt };
}

export interface VerifySiweOptions {
  message: string;
  signature: Hex;
  /** Where users reach Masque: the message's domain and URI must be this origin. */
  publicUrl: string;
  chainId: number;
  /** With a chain client, contract wallets verify too (ERC-1271, ERC-6492). */
  client?: PublicClient;
  now?: Date;
}

/**
 * Verifies a Sign-In with Ethereum message and returns the signer's address.
 * Checks, each with its own answer: the domain and URI are ours, the chain is
 * ours, the message is in its validity window, the nonce is one we issued and
 * is consumed now (so the message cannot be replayed), and the signature is the
 * address's — an EOA's, or a contract wallet's through the chain.
 * @see https://eips.ethereum.org/EIPS/eip-4361
 */
export async function verifySiwe(db: Db, o: VerifySiweOptions): Promise<Address> {
  const now = o.now ?? new Date();
  const fields = parseSiweMessage(o.message);
  const origin = new URL(o.publicUrl);
  const refuse = (why: string) => new AuthenticationError(`Sign-in refused: ${why}.`, "siwe_invalid");
  if (!fields.address || !fields.nonce || fields.version !== "1") {
    throw new InvalidRequestError("The message is not an EIP-4361 sign-in message.", { param: "message" });
  }
  if (fields.domain !== origin.host)
    throw refuse(`the message is for ${fields.domain ?? "no domain"}, not ${origin.host}`);
  if (!fields.uri || new URL(fields.uri).origin !== origin.origin)
    throw refuse("the message's URI is not this site");
  if (fields.chainId !== o.chainId)
    throw refuse(`the message is for chain ${fields.chainId}, not ${o.chainId}`);
  if (fields.expirationTime && fields.expirationTime <= now) throw refuse("the message has expired");
  if (fields.notBefore && fields.notBefore > now) throw refuse("the message is not valid yet");

  const signed = o.client
    ? await verifySiweMessage(o.client, {
        message: o.message,
        signature: o.signature,
        domain: origin.host,
        time: now,
      })
    : await verifyMessage({ address: fields.address, message: o.message, signature: o.signature }).catch(
        () => false,
      );
  if (!signed) throw refuse("the signature is not this address's");

  // Consume the nonce last, atomically: a replay finds it used.
  const consumed = db
    .update(siweNonces)
    .set({ usedAt: now })
    .where(and(eq(siweNonces.nonce, fields.nonce), isNull(siweNonces.usedAt), gt(siweNonces.expiresAt, now)))
    .run();
  if (consumed.changes !== 1) throw refuse("the nonce is unknown, expired or already used");
  return fields.address;
}

/**
 * The account for a verified wallet: the one it is linked to, or — when the
 * user asks to link and the current (anonymous) account has no wallet yet —
 * the current account, or else a new one.
 */
export function accountForWallet(db: Db, address: Address, link: { accountId: string } | undefined): string {
  const wallet = address.toLowerCase();
  return db.transaction(
    (tx) => {
      const existing = tx
        .select({ id: accounts.id })
        .from(accounts)
        .where(eq(accounts.walletAddress, wallet))
        .get();
      if (existing) return existing.id;
      let id: string;
      const current =
        link &&
        tx
          .select({ wallet: accounts.walletAddress })
          .from(accounts)
          .where(eq(accounts.id, link.accountId))
          .get();
      if (link && current && current.wallet === null) {
        id = link.accountId;
        tx.update(accounts).set({ walletAddress: wallet }).where(eq(accounts.id, id)).run();
      } else {
        id = newId("acct");
        tx.insert(accounts).values({ id, walletAddress: wallet }).run();
      }
      // Payments the wallet made before it had an account take effect now.
      applyPendingPayments(tx, wallet);
      return id;
    },
    { behavior: "immediate" },
  );
}
