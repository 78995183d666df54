import fs from "node:fs";
import path from "node:path";
import { diem, mockUsdc, staking, subscriptions, vvv } from "@masque/contracts-abi";
import { anvilAccounts, gasBufferedHttp } from "@masque/contracts-abi/deploy";
import { type Abi, type Address, createPublicClient, createWalletClient, http, parseEther } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MasqueProcess, startMasque, tempDataDir } from "./support/masque-process.ts";
import { writeProvidersFile } from "./support/stand-in-providers.ts";
import { StandInUpstream } from "./support/stand-in-upstream.ts";

// The whole `pnpm start` stack with its local chain: a wallet signs in with
// SIWE, pays for Pro in USDC through the Subscriptions contract and sees its
// tier change; stakes DIEM and sees today's credit, which is spent first.

let upstream: StandInUpstream;
let masque: MasqueProcess;
let chain: {
  rpc_url: string;
  contracts: Record<string, Address>;
  tiers: Array<{ id: string; on_chain_id: number; price_per_period_usdc: string }>;
};
let cookie = "";
const wallet = privateKeyToAccount(anvilAccounts(10)[2]?.privateKey ?? "0x");

beforeAll(async () => {
  upstream = await new StandInUpstream().start();
  const dataDir = tempDataDir();
  const models = fs.mkdtempSync(path.join(dataDir, "models-"));
  const file = writeProvidersFile(dataDir, {
    providers: [{ id: "frontier", kind: "openai", baseUrl: upstream.baseUrl, privacy: "anonymized" }],
    models: [
      {
        id: "pricey",
        provider: "frontier",
        upstreamId: "echo",
        contextLength: 8192,
        pricing: { inputPerMTok: 1000, outputPerMTok: 1000 },
      },
    ],
  });
  masque = await startMasque({
    entry: "launcher/start.ts",
    dataDir,
    env: {
      MASQUE_PROVIDERS: file,
      MASQUE_MODELS_DIR: models,
      MASQUE_CHAIN_POLL_MS: "200",
      MASQUE_DIEM_REFRESH_MS: "500",
    },
    timeoutMs: 120_000,
  });
  chain = (await (await fetch(`${masque.url}/api/chain`)).json()) as typeof chain;
});

afterAll(async () => {
  await masque?.stop();
  await upstream?.stop();
});

const api = async (p: string, init: RequestInit = {}) =>
  fetch(`${masque.url}${p}`, {
    ...init,
    headers: { "content-type": "application/json", cookie, ...init.headers },
  });

/** Sends one contract call from the test wallet and expects it to succeed. */
async function write(call: { address: Address; abi: Abi; functionName: string; args: readonly unknown[] }) {
  // As a wallet would, pad gas estimates: Staking's gas depends on the second the tx lands in.
  const client = createWalletClient({ account: wallet, transport: gasBufferedHttp(chain.rpc_url) });
  const hash = await client.writeContract({ ...call, chain: null, account: wallet } as never);
  const receipt = await createPublicClient({ transport: http(chain.rpc_url) }).waitForTransactionReceipt({
    hash,
  });
  expect(receipt.status).toBe("success");
}

describe("paying and staking on the local chain", () => {
  it("signs the wallet in with SIWE", async () => {
    const { nonce } = (await (await api("/api/auth/siwe/nonce", { method: "POST", body: "{}" })).json()) as {
      nonce: string;
    };
    const message = createSiweMessage({
      address: wallet.address,
      chainId: 31337,
      domain: new URL(masque.url).host,
      nonce,
      uri: `${masque.url}/`,
      version: "1",
    });
    const res = await api("/api/auth/siwe/verify", {
      method: "POST",
      body: JSON.stringify({ message, signature: await wallet.signMessage({ message }) }),
    });
    expect(res.status).toBe(200);
    cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const account = (await (await api("/api/account")).json()) as { tier: string; wallet_address: string };
    expect(account).toMatchObject({ tier: "free", wallet_address: wallet.address.toLowerCase() });
  });

  it("activates Pro once a USDC subscription is on-chain", async () => {
    const pro = chain.tiers.find((t) => t.id === "pro");
    if (!pro) throw new Error("no pro tier on-chain");
    const usdc = chain.contracts.usdc as Address;
    await write({
      address: usdc,
      abi: mockUsdc.abi,
      functionName: "approve",
      args: [chain.contracts.subscriptions as Address, BigInt(pro.price_per_period_usdc)],
    });
    await write({
      address: chain.contracts.subscriptions as Address,
      abi: subscriptions.abi,
      functionName: "subscribe",
      args: [pro.on_chain_id, 1n],
    });
    await expect
      .poll(async () => ((await (await api("/api/account")).json()) as { tier: string }).tier, {
        timeout: 15_000,
      })
      .toBe("pro");
    const account = (await (await api("/api/account")).json()) as {
      paid_until: string;
      balances: { plan_credit: number };
    };
    const days = (Date.parse(account.paid_until) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29);
    expect(days).toBeLessThanOrEqual(30);
  });

  it("turns staked DIEM into today's credit, spent before the plan's", async () => {
    const sVvv = parseEther("400");
    await write({
      address: chain.contracts.vvv as Address,
      abi: vvv.abi,
      functionName: "approve",
      args: [chain.contracts.staking as Address, sVvv],
    });
    await write({
      address: chain.contracts.staking as Address,
      abi: staking.abi,
      functionName: "stake",
      args: [sVvv],
    });
    await write({
      address: chain.contracts.diem as Address,
      abi: diem.abi,
      functionName: "mintDiem",
      args: [sVvv, 1n],
    });
    const reader = createPublicClient({ transport: http(chain.rpc_url) });
    const minted = await reader.readContract({
      address: chain.contracts.diem as Address,
      abi: diem.abi,
      functionName: "balanceOf",
      args: [wallet.address],
    });
    expect(minted).toBeGreaterThan(parseEther("1"));
    await write({
      address: chain.contracts.diem as Address,
      abi: diem.abi,
      functionName: "stake",
      args: [minted],
    });
    const expectedCredit = Number((minted * 1_000_000n) / 10n ** 18n) / 1_000_000;
    await expect
      .poll(
        async () =>
          ((await (await api("/api/account")).json()) as { diem: { credit_today: number } }).diem
            .credit_today,
        { timeout: 15_000, interval: 500 },
      )
      .toBeCloseTo(expectedCredit, 5);

    const res = await api("/v1/chat/completions", {
      method: "POST",
      body: JSON.stringify({ model: "pricey", messages: [{ role: "user", content: "hi" }], max_tokens: 20 }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-masque-cost-usd")).toBe("0.018000");
    // $0.018 came out of the DIEM credit; the plan's $10 is untouched.
    expect(Number(res.headers.get("x-masque-balance-diem"))).toBeCloseTo(expectedCredit - 0.018, 5);
    expect(res.headers.get("x-masque-balance-usd")).toBe("10.000000");
  }, 120_000);
});
