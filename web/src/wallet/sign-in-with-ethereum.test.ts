import { verifyMessage } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { parseSiweMessage } from "viem/siwe";
import { describe, expect, it } from "vitest";
import { signInWithEthereum } from "./sign-in-with-ethereum.ts";

// anvil's account #7 (a well-known test key).
const account = privateKeyToAccount("0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356");

describe("signInWithEthereum", () => {
  it("signs an EIP-4361 message for this origin, chain and the gateway's nonce, and sends it to be verified", async () => {
    const sent: Array<{ url: string; body?: string }> = [];
    const fetch = (async (url: string, init?: RequestInit) => {
      sent.push({ url, body: init?.body as string | undefined });
      if (url === "/api/auth/siwe/nonce")
        return Response.json({
          nonce: "abcdefgh12345678",
          expires_at: "x",
          domain: "127.0.0.1:8080",
          chain_id: 31337,
        });
      return Response.json({
        account: { id: "acct_1", tier: "free", wallet_address: account.address.toLowerCase() },
      });
    }) as typeof globalThis.fetch;
    const now = new Date("2026-01-02T03:04:05Z");
    const result = await signInWithEthereum({
      address: account.address,
      chainId: 31337,
      link: true,
      origin: "http://127.0.0.1:8080",
      now,
      fetch,
      signMessage: (message) => account.signMessage({ message }),
    });
    expect(result.id).toBe("acct_1");
    const body = JSON.parse(sent[1]?.body ?? "{}") as {
      message: string;
      signature: `0x${string}`;
      link: boolean;
    };
    expect(body.link).toBe(true);
    const fields = parseSiweMessage(body.message);
    expect(fields).toMatchObject({
      domain: "127.0.0.1:8080",
      uri: "http://127.0.0.1:8080",
      chainId: 31337,
      nonce: "abcdefgh12345678",
      version: "1",
      address: account.address,
    });
    expect(fields.expirationTime?.getTime()).toBe(now.getTime() + 10 * 60_000);
    expect(
      await verifyMessage({ address: account.address, message: body.message, signature: body.signature }),
    ).toBe(true);
  });

  it("passes on the gateway's refusal", async () => {
    const fetch = (async (url: string) =>
      url.endsWith("/nonce")
        ? Response.json({ nonce: "abcdefgh12345678", expires_at: "x", chain_id: 31337 })
        : Response.json(
            {
              error: {
                message: "Sign-in refused: the nonce is unknown, expired or already used.",
                type: "x",
                code: "siwe_invalid",
              },
            },
            { status: 401 },
          )) as typeof globalThis.fetch;
    await expect(
      signInWithEthereum({
        address: account.address,
        chainId: 31337,
        link: false,
        origin: "http://127.0.0.1:8080",
        fetch,
        signMessage: (message) => account.signMessage({ message }),
      }),
    ).rejects.toThrow(/nonce is unknown/);
  });
});
