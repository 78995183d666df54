import fs from "node:fs";
import path from "node:path";
import { buybackBurner, mockUsdc, subscriptions, vvv } from "@masque/contracts-abi";
import { anvilAccounts, gasBufferedHttp } from "@masque/contracts-abi/deploy";
import { receiptProofSchema, tokenBurnsPageSchema, tokenStatsSchema } from "@masque/shared";
import {
  type Address,
  concat,
  createPublicClient,
  createTestClient,
  createWalletClient,
  type Hex,
  http,
  keccak256,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MasqueProcess, runCli, spawnCli, startMasque, tempDataDir } from "./support/masque-process.ts";

// The buyback-and-burn job on the `pnpm start` stack: a wallet pays for Pro in USDC, the operator
// runs `pnpm masque jobs run buyback`, is killed after the swap is sent and before it is mined, runs
// it again, and exactly one burn happens; token holders then see it and prove the payment was in it.

let masque: MasqueProcess;
let chain: {
  rpc_url: string;
  contracts: Record<string, Address>;
  tiers: Array<{ id: string; on_chain_id: number; price_per_period_usdc: string }>;
};
const payer = privateKeyToAccount(anvilAccounts(10)[8]?.privateKey ?? "0x");
const keeper = anvilAccounts(10)[1]?.address as Address;

beforeAll(async () => {
  const dataDir = tempDataDir();
  masque = await startMasque({
    entry: "launcher/start.ts",
    dataDir,
    env: {
      MASQUE_MODELS_DIR: fs.mkdtempSync(path.join(dataDir, "models-")),
      MASQUE_CHAIN_POLL_MS: "200",
      // The server's own schedule stays out of the way: the operator runs the job here.
      MASQUE_BUYBACK_INTERVAL_MS: "3600000",
    },
    timeoutMs: 120_000,
  });
  chain = (await (await fetch(`${masque.url}/api/chain`)).json()) as typeof chain;
}, 150_000);

afterAll(async () => {
  await masque?.stop();
});

const client = () => createPublicClient({ transport: http(chain.rpc_url) });
const testClient = () => createTestClient({ mode: "anvil", transport: http(chain.rpc_url) });
const cliEnv = () => ({ MASQUE_CHAIN_RPC: chain.rpc_url, MASQUE_LOG_LEVEL: "warn" });
const lastLine = (stdout: string) => JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}");

async function payForPro(): Promise<void> {
  const pro = chain.tiers.find((t) => t.id === "pro");
  if (!pro) throw new Error("no pro tier");
  const wallet = createWalletClient({ account: payer, transport: gasBufferedHttp(chain.rpc_url) });
  for (const send of [
    () =>
      wallet.writeContract({
        chain: null,
        address: chain.contracts.usdc as Address,
        abi: mockUsdc.abi,
        functionName: "approve",
        args: [chain.contracts.subscriptions as Address, BigInt(pro.price_per_period_usdc)],
      }),
    () =>
      wallet.writeContract({
        chain: null,
        address: chain.contracts.subscriptions as Address,
        abi: subscriptions.abi,
        functionName: "subscribe",
        args: [pro.on_chain_id, 1n],
      }),
  ]) {
    expect((await client().waitForTransactionReceipt({ hash: await send() })).status).toBe("success");
  }
}

describe("buyback and burn on the local stack", () => {
  it("burns exactly once though the job is killed between send and confirm; the proof verifies", async () => {
    await payForPro();
    // The contract prices against a 30-minute average since deployment.
    await testClient().increaseTime({ seconds: 31 * 60 });
    await testClient().mine({ blocks: 1 });
    const supplyBefore = await client().readContract({
      address: chain.contracts.vvv as Address,
      abi: vvv.abi,
      functionName: "totalSupply",
    });

    await testClient().setAutomine(false);
    try {
      const job = spawnCli(["jobs", "run", "buyback"], masque.dataDir, cliEnv());
      // Killed once its transaction is in the pool: sent, not yet mined.
      await expect
        .poll(
          async () => {
            const pool = (await testClient().request({ method: "txpool_content" } as never)) as {
              pending: Record<string, unknown>;
            };
            return Object.keys(pool.pending).map((a) => a.toLowerCase());
          },
          { timeout: 30_000, interval: 100 },
        )
        .toContain(keeper.toLowerCase());
      job.kill("SIGKILL");
      await new Promise((r) => job.once("exit", r));

      // Restarted while the transaction is still unmined: it waits for the same one.
      const again = lastLine(
        (
          await runCli(["jobs", "run", "buyback"], masque.dataDir, {
            ...cliEnv(),
            MASQUE_BUYBACK_WAIT_MS: "500",
          })
        ).stdout,
      );
      expect(again.status).toBe("pending");
      await testClient().mine({ blocks: 1 });
    } finally {
      await testClient().setAutomine(true);
    }

    const done = lastLine((await runCli(["jobs", "run", "buyback"], masque.dataDir, cliEnv())).stdout);
    expect(done).toMatchObject({ status: "burned", batchId: 1, receiptCount: 1, usdcIn: "2000000" });
    const burns = await client().getContractEvents({
      address: chain.contracts.buybackBurner as Address,
      abi: buybackBurner.abi,
      eventName: "BuybackBurned",
      fromBlock: 0n,
    });
    expect(burns).toHaveLength(1);
    expect(await client().getTransactionCount({ address: keeper })).toBe(1);
    const supplyAfter = await client().readContract({
      address: chain.contracts.vvv as Address,
      abi: vvv.abi,
      functionName: "totalSupply",
    });
    expect(supplyBefore - supplyAfter).toBe(BigInt(done.vvvBurned));

    // Token holders, with no account: the burn, its proof, and the figures.
    await expect
      .poll(
        async () =>
          tokenBurnsPageSchema.parse(await (await fetch(`${masque.url}/api/token/burns`)).json()).data,
        {
          timeout: 15_000,
        },
      )
      .toHaveLength(1);
    const proof = receiptProofSchema.parse(await (await fetch(`${masque.url}/api/token/proof/1`)).json());
    expect(proof).toMatchObject({ batch_id: 1, tx_hash: done.txHash, amount_usdc: "2000000" });
    // The README's check: recompute the root, then ask the contract.
    const root = proof.proof.reduce<Hex>(
      (node, sibling) =>
        keccak256(node < sibling ? concat([node, sibling as Hex]) : concat([sibling as Hex, node])),
      proof.leaf as Hex,
    );
    expect(root).toBe(proof.receipts_root);
    const verified = await client().readContract({
      address: proof.buyback_burner as Address,
      abi: buybackBurner.abi,
      functionName: "verifyReceiptBurned",
      args: [BigInt(proof.batch_id), BigInt(proof.receipt_id), proof.proof as Hex[]],
    });
    expect(verified).toBe(true);

    const stats = tokenStatsSchema.parse(await (await fetch(`${masque.url}/api/token/stats`)).json());
    expect(stats.vvv.burned_by_buybacks).toBe(done.vvvBurned);
    expect(stats.buyback).toMatchObject({
      batches: 1,
      unspent_budget_usdc: "0",
      total_usdc_spent: "2000000",
    });

    const missing = await fetch(`${masque.url}/api/token/proof/99`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("cache-control") ?? "").not.toMatch(/max-age/);
    expect(await missing.json()).toMatchObject({
      error: { code: "receipt_not_found", type: expect.any(String) },
    });
    const bad = await fetch(`${masque.url}/api/token/proof/abc`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { param: "receiptId" } });
  });
});
