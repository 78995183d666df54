import {
  type Address,
  keccak256,
  maxUint256,
  parseEventLogs,
  stringToHex,
  zeroAddress,
  zeroHash,
} from "viem";
import { describe, expect, it } from "vitest";
import { buybackBurner, uniswapV2Factory, vvv } from "../generated/index.ts";
import { prepareBuybackBatch } from "../keeper/prepare-buyback-batch.ts";
import { buildReceiptsTree } from "../keeper/receipts-tree.ts";
import {
  type ActorName,
  DEFAULT_ADMIN_ROLE,
  deployAs,
  deployRevertOf,
  expectRevert,
  revertOf,
  USDC,
  useChain,
  WAD,
} from "./fixture.ts";

const chain = useChain();
const HOUR = 3600n;

async function subscribe(actor: ActorName, tier: number, periods: bigint) {
  const c = chain.as(actor);
  await chain.mined(c.usdc.write.approve([chain.deployments.contracts.subscriptions, maxUint256]));
  return chain.mined(c.subscriptions.write.subscribe([tier, periods]));
}

/** Buys VVV with USDC through the router, as any market participant would. */
async function buyVvv(actor: ActorName, usdcIn: bigint) {
  const c = chain.as(actor);
  const { contracts } = chain.deployments;
  await chain.mined(c.usdc.write.approve([contracts.uniswapV2Router02, usdcIn]));
  await chain.mined(
    c.router.write.swapExactTokensForTokens([
      usdcIn,
      0n,
      [contracts.usdc, contracts.vvv],
      chain.accounts[actor].address,
      maxUint256,
    ]),
  );
}

function plan() {
  return prepareBuybackBatch({
    client: chain.publicClient,
    buybackBurner: chain.deployments.contracts.buybackBurner,
  });
}

describe("BuybackBurner: executeBuyback", () => {
  it("swaps the receipts' budget for VVV, burns all of it and commits to the receipts", async () => {
    const { contracts } = chain.deployments;
    await subscribe("alice", 1, 1n);
    await subscribe("bob", 2, 1n);
    await subscribe("carol", 3, 1n);
    await chain.warp(HOUR);
    const batch = await plan();
    if (!batch) throw new Error("expected a batch");
    const [usdcIn, minVvvOut, , root, count] = batch.args;
    expect(usdcIn).toBe(17n * USDC);
    expect(count).toBe(3n);
    expect(batch.twapBound).not.toBeNull();
    expect(minVvvOut).toBeGreaterThanOrEqual(batch.twapBound as bigint);

    const k = chain.as("keeper");
    const supplyBefore = await k.vvv.read.totalSupply();
    const receipt = await chain.mined(k.buyback.write.executeBuyback(batch.args));
    const at = await chain.timestampOf(receipt);
    const [event] = parseEventLogs({
      abi: buybackBurner.abi,
      logs: receipt.logs,
      eventName: "BuybackBurned",
    });
    const burned = event?.args.vvvBurned ?? 0n;
    expect(event?.args).toEqual({
      batchId: 1n,
      usdcIn,
      vvvBurned: burned,
      receiptsRoot: root,
      receiptCount: 3n,
    });
    // About 2 VVV per USDC in the seeded pool, less the 0.3% fee.
    expect(burned).toBeGreaterThan(33n * WAD);
    expect(burned).toBeLessThan(34n * WAD);
    expect(burned).toBeGreaterThanOrEqual(minVvvOut);
    const burns = parseEventLogs({ abi: vvv.abi, logs: receipt.logs, eventName: "Transfer" }).filter(
      (log) => log.args.to === zeroAddress,
    );
    expect(burns.map((log) => [log.args.from, log.args.value])).toEqual([[contracts.buybackBurner, burned]]);
    expect(await k.vvv.read.totalSupply()).toBe(supplyBefore - burned);
    expect(await k.vvv.read.balanceOf([contracts.buybackBurner])).toBe(0n);
    expect(await k.usdc.read.balanceOf([contracts.buybackBurner])).toBe(0n);

    expect(await k.buyback.read.batches([1n])).toEqual([root, 1n, 3n, at]);
    expect(await k.buyback.read.batchCount()).toBe(1n);
    expect(await k.buyback.read.receiptsSpent()).toBe(3n);
    expect(await k.buyback.read.unspentBudget()).toBe(0n);
    expect(await k.buyback.read.totalUsdcSpent()).toBe(17n * USDC);
    expect(await k.buyback.read.totalVvvBurned()).toBe(burned);
    expect(await k.buyback.read.lastBatchAt()).toBe(at);
    expect(await k.buyback.read.twapTimestamp()).toBe(at);
  });

  it("lets anyone prove that a receipt was burned", async () => {
    for (const [actor, tier] of [
      ["alice", 1],
      ["bob", 3],
      ["carol", 2],
      ["dave", 1],
      ["eve", 3],
    ] as const) {
      await subscribe(actor, tier, 2n);
    }
    await chain.warp(HOUR);
    const batch = await plan();
    if (!batch) throw new Error("expected a batch");
    await chain.mined(chain.as("keeper").buyback.write.executeBuyback(batch.args));
    const b = chain.as("mallory").buyback;
    for (const { receiptId, amount } of batch.receipts) {
      expect(await b.read.receiptLeaf([receiptId, amount])).toBe(batch.tree.leaves[Number(receiptId) - 1]);
      expect(await b.read.verifyReceiptBurned([1n, receiptId, batch.tree.proof(receiptId)])).toBe(true);
    }
    // Wrong batch, receipt outside the batch, or a forged proof: no.
    expect(await b.read.verifyReceiptBurned([2n, 1n, batch.tree.proof(1n)])).toBe(false);
    expect(await b.read.verifyReceiptBurned([1n, 2n, batch.tree.proof(1n)])).toBe(false);
    expect(await b.read.verifyReceiptBurned([1n, 6n, batch.tree.proof(5n)])).toBe(false);
    const tampered = batch.tree.proof(3n).map((hash, i) => (i === 0 ? keccak256(hash) : hash));
    expect(await b.read.verifyReceiptBurned([1n, 3n, tampered])).toBe(false);
  });

  it("exposes a root that misstates a receipt: its proof fails against the ledger", async () => {
    await subscribe("alice", 1, 1n);
    await subscribe("bob", 3, 1n);
    await chain.warp(HOUR);
    const batch = await plan();
    if (!batch) throw new Error("expected a batch");
    // A keeper commits to a tree claiming receipt 1 funded 999 USDC instead of 2.
    const forged = buildReceiptsTree([{ receiptId: 1n, amount: 999n * USDC }, ...batch.receipts.slice(1)]);
    const [usdcIn, minOut, deadline, , count] = batch.args;
    await chain.mined(
      chain.as("keeper").buyback.write.executeBuyback([usdcIn, minOut, deadline, forged.root, count]),
    );
    const b = chain.as("mallory").buyback;
    expect(await b.read.verifyReceiptBurned([1n, 1n, forged.proof(1n)])).toBe(false);
    expect(await b.read.verifyReceiptBurned([1n, 2n, forged.proof(2n)])).toBe(true);
  });

  it("spends receipts in order, batch after batch, no faster than the rate limit", async () => {
    await subscribe("alice", 3, 1n);
    await subscribe("bob", 3, 1n);
    await chain.warp(HOUR);
    const k = chain.as("keeper");
    let batch = await prepareBuybackBatch({
      client: chain.publicClient,
      buybackBurner: chain.deployments.contracts.buybackBurner,
      maxReceipts: 1,
    });
    if (!batch) throw new Error("expected a batch");
    expect(batch.args[0]).toBe(10n * USDC);
    const first = await chain.timestampOf(await chain.mined(k.buyback.write.executeBuyback(batch.args)));
    await subscribe("carol", 1, 1n);

    batch = await plan();
    if (!batch) throw new Error("expected a batch");
    expect(batch.receipts.map((r) => r.receiptId)).toEqual([2n, 3n]);
    expect(batch.executableAt).toBe(first + HOUR);
    await expectRevert(k.buyback.write.executeBuyback(batch.args), "RateLimited", [first + HOUR]);
    await chain.warp(HOUR);
    batch = await plan();
    if (!batch) throw new Error("expected a batch");
    await chain.mined(k.buyback.write.executeBuyback(batch.args));
    expect(await k.buyback.read.batches([2n])).toEqual([batch.args[3], 2n, 2n, expect.any(BigInt)]);
    expect(await plan()).toBeNull();
  });

  it("lets only keepers execute", async () => {
    await subscribe("alice", 1, 1n);
    await chain.warp(HOUR);
    const batch = await plan();
    if (!batch) throw new Error("expected a batch");
    const keeperRole = await chain.as("alice").buyback.read.KEEPER_ROLE();
    for (const actor of ["alice", "deployer"] as const) {
      await expectRevert(
        chain.as(actor).buyback.write.executeBuyback(batch.args),
        "AccessControlUnauthorizedAccount",
        [chain.accounts[actor].address, keeperRole],
      );
      await expectRevert(
        chain.as(actor).buyback.write.refreshTwapObservation(),
        "AccessControlUnauthorizedAccount",
        [chain.accounts[actor].address, keeperRole],
      );
    }
  });

  it("refuses malformed batches", async () => {
    await subscribe("alice", 1, 1n);
    await subscribe("bob", 2, 1n);
    await chain.warp(HOUR);
    const batch = await plan();
    if (!batch) throw new Error("expected a batch");
    const [usdcIn, minOut, deadline, root, count] = batch.args;
    const k = chain.as("keeper").buyback;
    const now = await chain.now();
    await expectRevert(k.write.executeBuyback([usdcIn, minOut, now - 1n, root, count]), "DeadlineExpired", [
      now - 1n,
    ]);
    await expectRevert(
      k.write.executeBuyback([usdcIn, minOut, deadline, zeroHash, count]),
      "EmptyReceiptsRoot",
    );
    await expectRevert(k.write.executeBuyback([usdcIn, minOut, deadline, root, 0n]), "NoReceipts");
    await expectRevert(k.write.executeBuyback([usdcIn, minOut, deadline, root, 3n]), "ReceiptsUnavailable", [
      3n,
      2n,
    ]);
    await expectRevert(
      k.write.executeBuyback([usdcIn + 1n, minOut, deadline, root, count]),
      "UsdcInMismatch",
      [usdcIn + 1n, usdcIn],
    );
    await expectRevert(k.write.executeBuyback([2n * USDC, minOut, deadline, root, count]), "UsdcInMismatch", [
      2n * USDC,
      usdcIn,
    ]);
  });
});

describe("BuybackBurner: price protection", () => {
  it("quotes the TWAP and bounds minVvvOut to within maxDeviationBps of it", async () => {
    await subscribe("alice", 3, 2n);
    await chain.warp(HOUR);
    const b = chain.as("keeper").buyback;
    const [twapOut, window] = await b.read.twapAmountOut([20n * USDC]);
    expect(window).toBeGreaterThanOrEqual(HOUR);
    // The pool has sat at 2 VVV per USDC for the whole window.
    expect(twapOut).toBeGreaterThan(39_999n * (WAD / 1000n));
    expect(twapOut).toBeLessThanOrEqual(40n * WAD);
    expect(await b.read.minVvvOutBound([20n * USDC])).toBe((twapOut * 9_500n) / 10_000n);
  });

  it("refuses a keeper's minVvvOut far below the TWAP bound", async () => {
    await subscribe("alice", 3, 2n);
    await chain.warp(HOUR);
    const batch = await plan();
    if (!batch) throw new Error("expected a batch");
    const [usdcIn, , deadline, root, count] = batch.args;
    const bound = batch.twapBound as bigint;
    const k = chain.as("keeper").buyback;
    await expectRevert(k.write.executeBuyback([usdcIn, 1n, deadline, root, count]), "MinOutBelowTwapBound", [
      1n,
      bound,
    ]);
    await expectRevert(
      k.write.executeBuyback([usdcIn, bound - 1n, deadline, root, count]),
      "MinOutBelowTwapBound",
      [bound - 1n, bound],
    );
  });

  it("reverts on minVvvOut when a trade front-runs the batch", async () => {
    await subscribe("alice", 3, 3n);
    await chain.warp(HOUR);
    const batch = await plan();
    if (!batch) throw new Error("expected a batch");
    const [usdcIn, minVvvOut] = batch.args;
    // Mallory buys VVV right before the keeper's transaction, moving the price against the buyback.
    await buyVvv("mallory", 5_000n * USDC);
    const spotNow = await chain.as("keeper").buyback.read.spotAmountOut([usdcIn]);
    expect(spotNow).toBeLessThan(minVvvOut);
    await expectRevert(chain.as("keeper").buyback.write.executeBuyback(batch.args), "InsufficientOutput", [
      spotNow,
      minVvvOut,
    ]);
    expect(await chain.as("keeper").buyback.read.unspentBudget()).toBe(usdcIn);
  });

  it("keeps a compromised keeper from selling into a manipulated pool", async () => {
    await subscribe("alice", 3, 3n);
    await chain.warp(HOUR);
    const b = chain.as("keeper").buyback;
    const usdcIn = 30n * USDC;
    const boundBefore = await b.read.minVvvOutBound([usdcIn]);
    // Mallory, funded by a whale, doubles the pool's USDC side (a 4x VVV price) right before the buyback.
    await chain.mined(
      chain.as("deployer").usdc.write.transfer([chain.accounts.mallory.address, 1_000_000n * USDC]),
    );
    await buyVvv("mallory", 1_000_000n * USDC);
    const spot = await b.read.spotAmountOut([usdcIn]);
    const boundAfter = await b.read.minVvvOutBound([usdcIn]);
    expect(spot).toBeLessThan(boundBefore / 3n);
    // The TWAP barely noticed a few seconds of manipulation.
    expect(boundAfter).toBeGreaterThan((boundBefore * 995n) / 1000n);
    const batch = await plan();
    if (!batch) throw new Error("expected a batch");
    const [, , deadline, root, count] = batch.args;
    await expectRevert(
      b.write.executeBuyback([usdcIn, spot, deadline, root, count]),
      "MinOutBelowTwapBound",
      [spot, boundAfter],
    );
  });

  it("needs a TWAP window of at least minTwapWindow", async () => {
    await subscribe("alice", 1, 1n);
    await chain.warp(HOUR);
    const k = chain.as("keeper").buyback;
    const receipt = await chain.mined(k.write.refreshTwapObservation());
    const at = await chain.timestampOf(receipt);
    const [observed] = parseEventLogs({
      abi: buybackBurner.abi,
      logs: receipt.logs,
      eventName: "TwapObserved",
    });
    expect(observed?.args.timestamp).toBe(at);
    expect(await k.read.twapTimestamp()).toBe(at);
    const batch = await plan();
    if (!batch) throw new Error("expected a batch");
    expect(batch.twapBound).toBeNull();
    const reverted = await revertOf(k.write.executeBuyback(batch.args));
    expect(reverted.errorName).toBe("TwapWindowTooShort");
    expect(reverted.args[1]).toBe(1800n);
    await chain.warp(1800n);
    const ready = await plan();
    if (!ready) throw new Error("expected a batch");
    await chain.mined(k.write.executeBuyback(ready.args));
  });

  it("cannot price anything before its pool has liquidity", async () => {
    const { deployer, keeper } = chain.accounts;
    const { contracts } = chain.deployments;
    // A second VVV with an empty pool.
    const token = await deployAs(chain, "deployer", vvv, [deployer.address, 0n, deployer.address, 0]);
    await chain.mined(
      chain.wallet("deployer").writeContract({
        address: contracts.uniswapV2Factory,
        abi: uniswapV2Factory.abi,
        functionName: "createPair",
        args: [token, contracts.usdc],
      }),
    );
    const pair = (await chain.publicClient.readContract({
      address: contracts.uniswapV2Factory,
      abi: uniswapV2Factory.abi,
      functionName: "getPair",
      args: [token, contracts.usdc],
    })) as Address;
    const address = await deployAs(chain, "deployer", buybackBurner, [
      deployer.address,
      0,
      contracts.usdc,
      token,
      pair,
      keeper.address,
      3600n,
      1800n,
      500n,
    ]);
    const read = (functionName: "twapTimestamp") =>
      chain.publicClient.readContract({ address, abi: buybackBurner.abi, functionName });
    expect(await read("twapTimestamp")).toBe(0n);
    await expectRevert(
      chain.publicClient.readContract({
        address,
        abi: buybackBurner.abi,
        functionName: "minVvvOutBound",
        args: [1n],
      }),
      "TwapNotInitialized",
    );
    await expectRevert(
      chain.publicClient.readContract({
        address,
        abi: buybackBurner.abi,
        functionName: "spotAmountOut",
        args: [1n],
      }),
      "NoLiquidity",
    );
    await expectRevert(
      chain.publicClient.simulateContract({
        address,
        abi: buybackBurner.abi,
        functionName: "refreshTwapObservation",
        account: keeper,
      }),
      "NoLiquidity",
    );
    // A funded batch on it still fails on the missing price reference.
    const funder = await chain.publicClient.readContract({
      address,
      abi: buybackBurner.abi,
      functionName: "FUNDER_ROLE",
    });
    const admin = chain.wallet("deployer");
    await chain.mined(
      admin.writeContract({
        address,
        abi: buybackBurner.abi,
        functionName: "grantRole",
        args: [funder, deployer.address],
      }),
    );
    await chain.mined(chain.as("deployer").usdc.write.transfer([address, 5n * USDC]));
    await chain.mined(
      admin.writeContract({
        address,
        abi: buybackBurner.abi,
        functionName: "recordFunding",
        args: [5n * USDC],
      }),
    );
    await expectRevert(
      chain.publicClient.simulateContract({
        address,
        abi: buybackBurner.abi,
        functionName: "executeBuyback",
        args: [5n * USDC, 1n, maxUint256, keccak256(stringToHex("r")), 1n],
        account: keeper,
      }),
      "TwapNotInitialized",
    );
  });
});

describe("BuybackBurner: admin", () => {
  it("lets the admin tune the limits only within hard bounds", async () => {
    const b = chain.as("deployer").buyback;
    const receipt = await chain.mined(b.write.setBuybackParams([7_200n, 900n, 300n]));
    const [event] = parseEventLogs({
      abi: buybackBurner.abi,
      logs: receipt.logs,
      eventName: "BuybackParamsUpdated",
    });
    expect(event?.args).toEqual({ minBatchInterval: 7_200n, minTwapWindow: 900n, maxDeviationBps: 300n });
    expect([
      await b.read.minBatchInterval(),
      await b.read.minTwapWindow(),
      await b.read.maxDeviationBps(),
    ]).toEqual([7_200n, 900n, 300n]);
    for (const params of [
      [599n, 900n, 300n],
      [30n * 86_400n + 1n, 900n, 300n],
      [7_200n, 299n, 300n],
      [7_200n, 7n * 86_400n + 1n, 300n],
      [7_200n, 900n, 2_001n],
    ] as const) {
      await expectRevert(b.write.setBuybackParams(params), "InvalidBuybackParams");
    }
    const { alice } = chain.accounts;
    await expectRevert(
      chain.as("alice").buyback.write.setBuybackParams([7_200n, 900n, 300n]),
      "AccessControlUnauthorizedAccount",
      [alice.address, DEFAULT_ADMIN_ROLE],
    );
  });

  it("checks its constructor arguments", async () => {
    const { deployer, keeper } = chain.accounts;
    const { contracts } = chain.deployments;
    const args = [
      deployer.address,
      0,
      contracts.usdc,
      contracts.vvv,
      contracts.vvvUsdcPair,
      keeper.address,
      3600n,
      1800n,
      500n,
    ] as const;
    const withArg = (index: number, value: unknown) => args.map((arg, i) => (i === index ? value : arg));
    for (const index of [2, 3, 4]) {
      expect((await deployRevertOf(chain, buybackBurner, withArg(index, zeroAddress))).errorName).toBe(
        "ZeroAddress",
      );
    }
    expect((await deployRevertOf(chain, buybackBurner, withArg(3, contracts.weth9))).errorName).toBe(
      "PairTokenMismatch",
    );
    expect((await deployRevertOf(chain, buybackBurner, withArg(8, 2_001n))).errorName).toBe(
      "InvalidBuybackParams",
    );
    // Without a keeper it deploys, and the admin can grant one later.
    await deployAs(chain, "deployer", buybackBurner, withArg(5, zeroAddress));
  });
});
