import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { buybackBurner, mockUsdc, subscriptions, uniswapV2Router02, vvv } from "@masque/contracts-abi";
import {
  type AnvilInstance,
  anvilAccounts,
  type Deployments,
  gasBufferedHttp,
} from "@masque/contracts-abi/deploy";
import {
  type ReceiptProof,
  receiptProofSchema,
  tokenBurnsPageSchema,
  tokenStatsSchema,
} from "@masque/shared";
import { eq } from "drizzle-orm";
import {
  type Account,
  concat,
  createPublicClient,
  createTestClient,
  createWalletClient,
  type Hex,
  http as httpTransport,
  keccak256,
  type PublicClient,
  parseGwei,
  parseUnits,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyCardPayment } from "../billing/card-payments.ts";
import { startLocalTestChain } from "../chain/local-test-chain.ts";
import { startChainJobs } from "../chain/start-chain-jobs.ts";
import { indexTokenEvents } from "../chain/token-indexer.ts";
import { type Db, openDatabase } from "../db/open-database.ts";
import { accounts, cardPayments, chainTransactions } from "../db/schema.ts";
import { createLogger } from "../logging/logger.ts";
import { tokenRoutes } from "../routes/token.ts";
import { type BuybackJobOptions, runBuybackJob } from "./buyback-job.ts";

// The buyback-and-burn job against a real anvil with the real contracts and Uniswap V2 pair.
// The tests share one chain and one store and run in order, each leaving no receipt unspent.

const silent = createLogger("silent", new Writable({ write: (_c, _e, cb) => cb() }));
const dev = (i: number): Account => privateKeyToAccount(anvilAccounts(10)[i]?.privateKey ?? "0x");
// The local deployment's admin (#0) and keeper (#1); payers and a front-runner from the funded ones.
const [treasury, keeper, proPayer, plusPayer, maxPayer, attacker] = [0, 1, 3, 4, 5, 6].map(dev) as [
  Account,
  Account,
  Account,
  Account,
  Account,
  Account,
];
let anvil: AnvilInstance;
let deployments: Deployments;
let client: PublicClient;
let db: Db;

beforeAll(async () => {
  ({ anvil, deployments, client } = await startLocalTestChain());
  db = openDatabase(fs.mkdtempSync(path.join(os.tmpdir(), "masque-buyback-db-")));
}, 120_000);

afterAll(async () => {
  await anvil?.stop();
});

const testClient = () => createTestClient({ mode: "anvil", transport: httpTransport(anvil.url) });

async function advance(seconds: number) {
  await testClient().increaseTime({ seconds });
  await testClient().mine({ blocks: 1 });
}

async function write(
  account: Account,
  call: { address: Hex; abi: unknown; functionName: string; args: readonly unknown[] },
) {
  const wallet = createWalletClient({ account, transport: gasBufferedHttp(anvil.url) });
  const hash = await wallet.writeContract({ ...call, account, chain: null } as never);
  const receipt = await client.waitForTransactionReceipt({ hash });
  expect(receipt.status).toBe("success");
}

/** Pays one month of `tierId` in USDC from `account`; returns the buyback budget it funds. */
async function pay(account: Account, tierId: string): Promise<bigint> {
  const tier = deployments.tiers.find((t) => t.id === tierId);
  if (!tier) throw new Error(`no tier ${tierId}`);
  const usdc = { address: deployments.contracts.usdc, abi: mockUsdc.abi } as const;
  await write(account, {
    ...usdc,
    functionName: "approve",
    args: [deployments.contracts.subscriptions, BigInt(tier.pricePerPeriod)],
  });
  await write(account, {
    address: deployments.contracts.subscriptions,
    abi: subscriptions.abi,
    functionName: "subscribe",
    args: [tier.onChainId, 1n],
  });
  return BigInt(tier.buybackPerPeriod);
}

function job(overrides: Partial<BuybackJobOptions> = {}) {
  return runBuybackJob({
    db,
    client,
    deployments,
    keeper,
    treasury,
    confirmations: 0,
    slippageBps: 100,
    maxReceipts: 500,
    waitMs: 10_000,
    logger: silent,
    ...overrides,
  });
}

const read = <T>(address: Hex, abi: unknown, functionName: string, args: unknown[] = []) =>
  client.readContract({ address, abi, functionName, args } as never) as Promise<T>;
const supply = () => read<bigint>(deployments.contracts.vvv, vvv.abi, "totalSupply");
const unspent = () => read<bigint>(deployments.contracts.buybackBurner, buybackBurner.abi, "unspentBudget");
const burnEvents = () =>
  client.getContractEvents({
    address: deployments.contracts.buybackBurner,
    abi: buybackBurner.abi,
    eventName: "BuybackBurned",
    fromBlock: BigInt(deployments.blockNumber),
  });

function api() {
  return tokenRoutes({ deployments, db, client, confirmations: 0 });
}

/** Recomputes a Merkle root from a leaf and its proof, as OpenZeppelin's `MerkleProof` does. */
function rootFrom(proof: ReceiptProof): Hex {
  return proof.proof.reduce<Hex>(
    (node, sibling) =>
      keccak256(
        node.toLowerCase() < sibling.toLowerCase()
          ? concat([node, sibling as Hex])
          : concat([sibling as Hex, node]),
      ),
    proof.leaf as Hex,
  );
}

describe("the buyback-and-burn job", () => {
  it("burns every tier's budget and the card budget in one batch, provable receipt by receipt", async () => {
    // A card payment for Pro, whose budget the treasury deposits from its USDC.
    db.insert(accounts).values({ id: "acct_card" }).run();
    applyCardPayment(db, { eventId: "evt_card_1", accountId: "acct_card", tier: "pro", amountCents: 1800 });
    await write(treasury, {
      address: deployments.contracts.usdc,
      abi: mockUsdc.abi,
      functionName: "faucet",
      args: [treasury.address, parseUnits("100", 6)],
    });
    const budgets = [
      await pay(proPayer, "pro"),
      await pay(plusPayer, "pro_plus"),
      await pay(maxPayer, "max"),
    ];
    expect(budgets).toEqual([parseUnits("2", 6), parseUnits("5", 6), parseUnits("10", 6)]);

    // The contract only trusts a price averaged over 30 minutes since deployment.
    expect(await job()).toMatchObject({ status: "waiting" });
    await advance(31 * 60);
    const before = await supply();
    const run = await job();
    expect(run).toMatchObject({
      status: "burned",
      batchId: 1,
      receiptCount: 4,
      usdcIn: String(parseUnits("19", 6)),
    });
    if (run.status !== "burned") return;
    expect(before - (await supply())).toBe(BigInt(run.vvvBurned));
    expect(await unspent()).toBe(0n);
    const card = db.select().from(cardPayments).where(eq(cardPayments.eventId, "evt_card_1")).get();
    expect(card?.depositedAt).toBeInstanceOf(Date);
    expect(card?.buybackReceiptId).toBeGreaterThan(0);

    await indexTokenEvents({ db, client, deployments, logger: silent });
    const page = tokenBurnsPageSchema.parse(await (await api().request("/burns")).json());
    expect(page.data).toHaveLength(1);
    expect(page.data[0]).toMatchObject({
      batch_id: 1,
      tx_hash: run.txHash,
      usdc_in: run.usdcIn,
      vvv_burned: run.vvvBurned,
      first_receipt_id: 1,
      receipt_count: 4,
      confirmed: true,
    });
    // $0.50 per VVV in the seeded pool, a little more after the swap's own impact and fee.
    expect(page.data[0]?.average_price_usdc).toBeGreaterThan(0.5);
    expect(page.data[0]?.average_price_usdc).toBeLessThan(0.51);

    for (const id of [1, 2, 3, 4]) {
      const proof = receiptProofSchema.parse(await (await api().request(`/proof/${id}`)).json());
      expect(rootFrom(proof)).toBe(proof.receipts_root);
      expect(proof.receipts_root).toBe(page.data[0]?.receipts_root);
      const onChain = await read<boolean>(
        deployments.contracts.buybackBurner,
        buybackBurner.abi,
        "verifyReceiptBurned",
        [BigInt(proof.batch_id), BigInt(id), proof.proof],
      );
      expect(onChain).toBe(true);
    }
    // A tampered amount does not verify.
    const proof = receiptProofSchema.parse(await (await api().request("/proof/2")).json());
    expect(rootFrom({ ...proof, leaf: keccak256("0x01") })).not.toBe(proof.receipts_root);

    const stats = tokenStatsSchema.parse(await (await api().request("/stats")).json());
    expect(stats.vvv.burned_by_buybacks).toBe(run.vvvBurned);
    expect(BigInt(stats.vvv.burned)).toBeGreaterThanOrEqual(BigInt(run.vvvBurned));
    expect(stats.vvv.total_supply).toBe(String(await supply()));
    expect(stats.buyback).toMatchObject({
      unspent_budget_usdc: "0",
      pending_card_budget_usdc: "0",
      batches: 1,
    });
    expect(stats.staking.next_emission_step?.rate_per_second).toBeDefined();
  });

  it("never sends a batch twice: a run that stops after sending is resolved by the next, from the chain", async () => {
    await pay(proPayer, "pro");
    await advance(61 * 60); // the contract's one-hour rate limit
    const burnsBefore = (await burnEvents()).length;
    await testClient().setAutomine(false);
    try {
      const first = await job({ waitMs: 300 });
      expect(first).toMatchObject({ status: "pending" });
      if (first.status !== "pending") return;
      // The node forgets the transaction (as a restarted node or an evicting pool might).
      await testClient().dropTransaction({ hash: first.txHash });
      const second = await job({ waitMs: 300 });
      expect(second).toEqual({ status: "pending", txHash: first.txHash });
      expect((await client.getTransaction({ hash: first.txHash })).hash).toBe(first.txHash);
      await testClient().mine({ blocks: 1 });
      expect(await job()).toMatchObject({ status: "burned", txHash: first.txHash });
    } finally {
      await testClient().setAutomine(true);
    }
    expect((await burnEvents()).length).toBe(burnsBefore + 1);
    expect(await job()).toEqual({ status: "nothing_to_do" });
    await expectKeeperNoncesWithoutGaps();
  });

  it("a batch front-run past its minVvvOut reverts, keeps its budget, and the next run burns it", async () => {
    const budget = await pay(maxPayer, "max");
    const usdc = { address: deployments.contracts.usdc, abi: mockUsdc.abi } as const;
    const swapIn = parseUnits("15000", 6);
    // Funded with 10,000 USDC at deployment; the faucet gives at most 10,000 more a call.
    await write(attacker, {
      ...usdc,
      functionName: "faucet",
      args: [attacker.address, parseUnits("10000", 6)],
    });
    await write(attacker, {
      ...usdc,
      functionName: "approve",
      args: [deployments.contracts.uniswapV2Router02, swapIn],
    });
    await advance(61 * 60);
    await testClient().setAutomine(false);
    let sent: Awaited<ReturnType<typeof job>>;
    try {
      sent = await job({ waitMs: 300 });
      expect(sent).toMatchObject({ status: "pending" });
      // Someone buys VVV first, paying a far higher tip: the pool's price moves about 3%.
      await frontRun(swapIn);
      await testClient().mine({ blocks: 1 });
      expect(await unspent()).toBe(budget);
    } finally {
      await testClient().setAutomine(true);
    }
    if (sent.status !== "pending") return;

    // The next run records why the batch failed, then spends the same receipts at the new price.
    const next = await job();
    expect(next).toMatchObject({ status: "burned", usdcIn: String(budget), receiptCount: 1 });
    const failed = db.select().from(chainTransactions).where(eq(chainTransactions.hash, sent.txHash)).get();
    expect(failed).toMatchObject({ state: "failed", purpose: "buyback" });
    expect(failed?.failureReason).toMatch(/^InsufficientOutput\(\d+, \d+\)$/);
    expect(await unspent()).toBe(0n);
    await expectKeeperNoncesWithoutGaps();
  });

  it("an RPC outage delays the scheduled job and the indexer, and loses nothing", async () => {
    const budget = await pay(plusPayer, "pro_plus");
    await advance(61 * 60);
    const proxy = await toggleableProxy(anvil.url);
    const proxied = createPublicClient({ transport: httpTransport(proxy.url, { retryCount: 0 }) });
    const burnsBefore = (await burnEvents()).length;
    const stop = startChainJobs({
      db,
      client: proxied,
      deployments,
      confirmations: 0,
      pollMs: 100,
      logger: silent,
      buyback: { keeper, treasury, slippageBps: 100, maxReceipts: 500, waitMs: 5_000, intervalMs: 200 },
    });
    try {
      await new Promise((r) => setTimeout(r, 1_500));
      expect(await unspent()).toBe(budget);
      expect(proxy.refused).toBeGreaterThan(0);
      proxy.up = true;
      await expect.poll(() => unspent(), { timeout: 30_000, interval: 200 }).toBe(0n);
      await expect
        .poll(
          async () => tokenBurnsPageSchema.parse(await (await api().request("/burns")).json()).data.length,
          {
            timeout: 30_000,
            interval: 200,
          },
        )
        .toBe(burnsBefore + 1);
    } finally {
      stop();
      await proxy.close();
    }
  });
});

/** The keeper's transactions use one nonce sequence, 0, 1, 2, …, and the chain agrees. */
async function expectKeeperNoncesWithoutGaps() {
  const nonces = db
    .select({ nonce: chainTransactions.nonce })
    .from(chainTransactions)
    .where(eq(chainTransactions.sender, keeper.address.toLowerCase()))
    .all()
    .map((r) => r.nonce)
    .filter((n) => n !== null)
    .sort((a, b) => (a as number) - (b as number));
  expect(nonces).toEqual(nonces.map((_, i) => i));
  expect(await client.getTransactionCount({ address: keeper.address })).toBe(nonces.length);
}

async function frontRun(usdcIn: bigint) {
  const wallet = createWalletClient({ account: attacker, transport: gasBufferedHttp(anvil.url) });
  await wallet.writeContract({
    chain: null,
    address: deployments.contracts.uniswapV2Router02,
    abi: uniswapV2Router02.abi,
    functionName: "swapExactTokensForTokens",
    args: [usdcIn, 0n, [deployments.contracts.usdc, deployments.contracts.vvv], attacker.address, 2n ** 48n],
    maxPriorityFeePerGas: parseGwei("100"),
    maxFeePerGas: parseGwei("200"),
  });
}

/** A JSON-RPC proxy that refuses every call until `up` is set, like an RPC provider's outage. */
async function toggleableProxy(target: string) {
  const state = { up: false, refused: 0 };
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (!state.up) {
      state.refused++;
      res.writeHead(503).end("down");
      return;
    }
    const upstream = await fetch(target, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: Buffer.concat(chunks),
    });
    res.writeHead(upstream.status, { "content-type": "application/json" }).end(await upstream.text());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  });
}
