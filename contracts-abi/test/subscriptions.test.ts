import { tiers } from "@masque/shared";
import { keccak256, parseEventLogs, stringToHex, zeroAddress } from "viem";
import { describe, expect, it } from "vitest";
import { buybackBurner, mockUsdc, subscriptions } from "../generated/index.ts";
import { type ActorName, DAY, deployRevertOf, expectRevert, signPermit, USDC, useChain } from "./fixture.ts";

const chain = useChain();
const PERIOD = 30n * DAY;

async function approveUsdc(actor: ActorName, amount: bigint) {
  await chain.mined(chain.as(actor).usdc.write.approve([chain.deployments.contracts.subscriptions, amount]));
}

describe("Subscriptions: paying", () => {
  it("is priced from the shared tier table", async () => {
    const s = chain.as("alice").subscriptions;
    expect(await s.read.tiers([1])).toEqual([
      BigInt(tiers.pro.monthlyPriceUsd) * USDC,
      BigInt(tiers.pro.buybackUsd) * USDC,
    ]);
    expect(await s.read.tiers([2])).toEqual([60n * USDC, 5n * USDC]);
    expect(await s.read.tiers([3])).toEqual([200n * USDC, 10n * USDC]);
    expect(await s.read.quote([3, 12n])).toEqual([2_400n * USDC, 120n * USDC]);
    expect(
      chain.deployments.tiers.map((t) => [t.id, t.onChainId, t.pricePerPeriod, t.buybackPerPeriod]),
    ).toEqual([
      ["pro", 1, "18000000", "2000000"],
      ["pro_plus", 2, "60000000", "5000000"],
      ["max", 3, "200000000", "10000000"],
    ]);
  });

  it("sends the buyback share to the buyback contract and the rest to the treasury", async () => {
    const { alice, deployer } = chain.accounts;
    const { contracts } = chain.deployments;
    const c = chain.as("alice");
    await approveUsdc("alice", 36n * USDC);
    const treasuryBefore = await c.usdc.read.balanceOf([deployer.address]);
    const aliceBefore = await c.usdc.read.balanceOf([alice.address]);
    const receipt = await chain.mined(c.subscriptions.write.subscribe([1, 2n]));
    const at = await chain.timestampOf(receipt);

    const [event] = parseEventLogs({ abi: subscriptions.abi, logs: receipt.logs, eventName: "Subscribed" });
    expect(event?.args).toEqual({
      subscriber: alice.address,
      tier: 1,
      periods: 2n,
      paidUntil: at + 2n * PERIOD,
      amount: 36n * USDC,
      buybackAmount: 4n * USDC,
      receiptId: 1n,
    });
    const [funding] = parseEventLogs({
      abi: buybackBurner.abi,
      logs: receipt.logs,
      eventName: "FundingRecorded",
    });
    expect(funding?.args).toEqual({
      receiptId: 1n,
      funder: contracts.subscriptions,
      amount: 4n * USDC,
      cumulativeBudget: 4n * USDC,
    });
    expect(await c.usdc.read.balanceOf([alice.address])).toBe(aliceBefore - 36n * USDC);
    expect(await c.usdc.read.balanceOf([deployer.address])).toBe(treasuryBefore + 32n * USDC);
    expect(await c.usdc.read.balanceOf([contracts.buybackBurner])).toBe(4n * USDC);
    expect(await c.usdc.read.balanceOf([contracts.subscriptions])).toBe(0n);
    expect(await c.subscriptions.read.paidUntil([alice.address, 1])).toBe(at + 2n * PERIOD);
    expect(await c.subscriptions.read.isActive([alice.address, 1])).toBe(true);
    expect(await c.subscriptions.read.isActive([alice.address, 2])).toBe(false);
    expect(await c.buyback.read.unspentBudget()).toBe(4n * USDC);
    expect(await c.buyback.read.receiptAmount([1n])).toBe(4n * USDC);
  });

  it("extends an active subscription from its end and restarts an expired one from now", async () => {
    const { alice } = chain.accounts;
    const s = chain.as("alice").subscriptions;
    await approveUsdc("alice", 1_000n * USDC);
    const first = await chain.timestampOf(await chain.mined(s.write.subscribe([2, 1n])));
    await chain.warp(10n * DAY);
    await chain.mined(s.write.subscribe([2, 1n]));
    expect(await s.read.paidUntil([alice.address, 2])).toBe(first + 2n * PERIOD);
    await chain.warp(3n * PERIOD);
    expect(await s.read.isActive([alice.address, 2])).toBe(false);
    const restart = await chain.timestampOf(await chain.mined(s.write.subscribe([2, 1n])));
    expect(await s.read.paidUntil([alice.address, 2])).toBe(restart + PERIOD);
  });

  it("numbers receipts in order and keeps a running budget total", async () => {
    await approveUsdc("alice", 1_000n * USDC);
    await approveUsdc("bob", 1_000n * USDC);
    await chain.mined(chain.as("alice").subscriptions.write.subscribe([1, 1n]));
    await chain.mined(chain.as("bob").subscriptions.write.subscribe([3, 3n]));
    await chain.mined(chain.as("alice").subscriptions.write.subscribe([2, 1n]));
    const b = chain.as("alice").buyback;
    expect(await b.read.receiptCount()).toBe(3n);
    expect(await Promise.all([0n, 1n, 2n, 3n].map((id) => b.read.cumulativeBudgetAt([id])))).toEqual([
      0n,
      2n * USDC,
      32n * USDC,
      37n * USDC,
    ]);
    expect(await b.read.receiptAmount([2n])).toBe(30n * USDC);
    await expectRevert(b.read.receiptAmount([0n]), "UnknownReceipt", [0n]);
    await expectRevert(b.read.receiptAmount([4n]), "UnknownReceipt", [4n]);
    await expectRevert(b.read.cumulativeBudgetAt([4n]), "UnknownReceipt", [4n]);
  });

  it("refuses unknown tiers, bad period counts and missing allowance", async () => {
    const s = chain.as("alice").subscriptions;
    await expectRevert(s.write.subscribe([0, 1n]), "TierNotForSale", [0]);
    await expectRevert(s.write.subscribe([9, 1n]), "TierNotForSale", [9]);
    await expectRevert(s.write.subscribe([1, 0n]), "InvalidPeriods", [0n]);
    await expectRevert(s.write.subscribe([1, 37n]), "InvalidPeriods", [37n]);
    await expectRevert(s.write.subscribe([1, 1n]), "ERC20InsufficientAllowance", [
      chain.deployments.contracts.subscriptions,
      0n,
      2n * USDC,
    ]);
  });

  it("refuses a payment larger than the balance", async () => {
    const { eve } = chain.accounts;
    const c = chain.as("eve");
    const balance = await c.usdc.read.balanceOf([eve.address]);
    await chain.mined(c.usdc.write.transfer([chain.accounts.alice.address, balance - 10n * USDC]));
    await approveUsdc("eve", 1_000n * USDC);
    await expectRevert(c.subscriptions.write.subscribe([1, 1n]), "ERC20InsufficientBalance");
  });

  it("accepts an EIP-2612 permit instead of an approval, even if someone front-runs the permit", async () => {
    const { alice } = chain.accounts;
    const c = chain.as("alice");
    const token = { name: "USD Coin (Mock)", address: chain.deployments.contracts.usdc };
    const spender = chain.deployments.contracts.subscriptions;
    let deadline = (await chain.now()) + 3600n;
    let p = await signPermit(chain, "alice", token, spender, 18n * USDC, deadline);
    const receipt = await chain.mined(
      c.subscriptions.write.subscribeWithPermit([1, 1n, deadline, p.v, p.r, p.s]),
    );
    expect(
      parseEventLogs({ abi: subscriptions.abi, logs: receipt.logs, eventName: "Subscribed" }),
    ).toHaveLength(1);
    expect(await c.usdc.read.allowance([alice.address, spender])).toBe(0n);

    deadline = (await chain.now()) + 3600n;
    p = await signPermit(chain, "alice", token, spender, 18n * USDC, deadline);
    // Mallory submits Alice's permit first; Alice's subscription must still go through.
    await chain.mined(
      chain.as("mallory").usdc.write.permit([alice.address, spender, 18n * USDC, deadline, p.v, p.r, p.s]),
    );
    await chain.mined(c.subscriptions.write.subscribeWithPermit([1, 1n, deadline, p.v, p.r, p.s]));

    // A bad signature with no allowance fails on the transfer.
    await expectRevert(
      c.subscriptions.write.subscribeWithPermit([1, 1n, deadline, p.v, p.r, p.s]),
      "ERC20InsufficientAllowance",
    );
  });
});

describe("Subscriptions: owner functions", () => {
  it("lets the owner price, stop and validate tiers", async () => {
    const s = chain.as("deployer").subscriptions;
    const receipt = await chain.mined(s.write.setTier([4, 500n * USDC, 25n * USDC]));
    const [event] = parseEventLogs({ abi: subscriptions.abi, logs: receipt.logs, eventName: "TierUpdated" });
    expect(event?.args).toEqual({ tier: 4, pricePerPeriod: 500n * USDC, buybackPerPeriod: 25n * USDC });
    expect(await s.read.quote([4, 1n])).toEqual([500n * USDC, 25n * USDC]);
    await chain.mined(s.write.setTier([4, 0n, 0n]));
    await expectRevert(s.read.quote([4, 1n]), "TierNotForSale", [4]);
    await expectRevert(s.write.setTier([0, 1n, 1n]), "InvalidTier", [0]);
    await expectRevert(s.write.setTier([1, 10n, 11n]), "InvalidTierPricing", [10n, 11n]);
    await expectRevert(s.write.setTier([1, 10n, 0n]), "InvalidTierPricing", [10n, 0n]);
    await expectRevert(s.write.setTier([1, 0n, 1n]), "InvalidTierPricing", [0n, 1n]);
  });

  it("lets the owner move the treasury", async () => {
    const { bob, deployer } = chain.accounts;
    const s = chain.as("deployer").subscriptions;
    const receipt = await chain.mined(s.write.setTreasury([bob.address]));
    const [event] = parseEventLogs({
      abi: subscriptions.abi,
      logs: receipt.logs,
      eventName: "TreasuryUpdated",
    });
    expect(event?.args).toEqual({ previousTreasury: deployer.address, newTreasury: bob.address });
    expect(await s.read.treasury()).toBe(bob.address);
    await expectRevert(s.write.setTreasury([zeroAddress]), "ZeroAddress");
  });

  it("adds card payments to the buyback budget with a receipt naming what they fund", async () => {
    const { deployer } = chain.accounts;
    const c = chain.as("deployer");
    const fundsRef = keccak256(stringToHex("card-invoices/2026-05"));
    await chain.mined(c.usdc.write.approve([chain.deployments.contracts.subscriptions, 1_000n * USDC]));
    const receipt = await chain.mined(c.subscriptions.write.depositCardBudget([750n * USDC, fundsRef]));
    const [event] = parseEventLogs({
      abi: subscriptions.abi,
      logs: receipt.logs,
      eventName: "CardBudgetDeposited",
    });
    expect(event?.args).toEqual({
      receiptId: 1n,
      depositor: deployer.address,
      amount: 750n * USDC,
      fundsRef,
    });
    expect(await c.buyback.read.unspentBudget()).toBe(750n * USDC);
    expect(await c.usdc.read.balanceOf([chain.deployments.contracts.buybackBurner])).toBe(750n * USDC);
    await expectRevert(c.subscriptions.write.depositCardBudget([0n, fundsRef]), "ZeroAmount");
  });

  it("keeps every owner function from everyone else", async () => {
    const { alice } = chain.accounts;
    const s = chain.as("alice").subscriptions;
    const admin = await s.read.DEFAULT_ADMIN_ROLE();
    const denied = ["AccessControlUnauthorizedAccount", [alice.address, admin]] as const;
    await expectRevert(s.write.setTier([1, 1n, 1n]), ...denied);
    await expectRevert(s.write.setTreasury([alice.address]), ...denied);
    await expectRevert(s.write.depositCardBudget([1n, `0x${"00".repeat(32)}`]), ...denied);
    expect(await s.read.owner()).toBe(chain.accounts.deployer.address);
  });

  it("checks its constructor arguments", async () => {
    const { deployer } = chain.accounts;
    const { contracts } = chain.deployments;
    const args = [deployer.address, 0, contracts.usdc, contracts.buybackBurner, deployer.address] as const;
    for (const index of [2, 3, 4]) {
      const bad = [...args] as unknown[];
      bad[index] = zeroAddress;
      expect(await deployRevertOf(chain, subscriptions, bad)).toEqual({ errorName: "ZeroAddress", args: [] });
    }
    expect(await deployRevertOf(chain, subscriptions, [zeroAddress, 0, ...args.slice(2)])).toEqual({
      errorName: "AccessControlInvalidDefaultAdmin",
      args: [zeroAddress],
    });
  });
});

describe("BuybackBurner: funding", () => {
  it("records funding only from funders, and only when the USDC has arrived", async () => {
    const { alice, deployer } = chain.accounts;
    const b = chain.as("deployer").buyback;
    const funder = await b.read.FUNDER_ROLE();
    expect(await b.read.hasRole([funder, chain.deployments.contracts.subscriptions])).toBe(true);
    await expectRevert(
      chain.as("alice").buyback.write.recordFunding([1n]),
      "AccessControlUnauthorizedAccount",
      [alice.address, funder],
    );
    await chain.mined(b.write.grantRole([funder, deployer.address]));
    await expectRevert(b.write.recordFunding([5n * USDC]), "InsufficientFunding", [0n, 5n * USDC]);
    await expectRevert(b.write.recordFunding([0n]), "ZeroAmount");
    await chain.mined(
      chain.as("deployer").usdc.write.transfer([chain.deployments.contracts.buybackBurner, 5n * USDC]),
    );
    await chain.mined(b.write.recordFunding([5n * USDC]));
    // The same USDC cannot back a second receipt.
    await expectRevert(b.write.recordFunding([1n]), "InsufficientFunding", [5n * USDC, 5n * USDC + 1n]);
  });
});

describe("MockUSDC", () => {
  it("has 6 decimals and a capped open faucet", async () => {
    const { eve } = chain.accounts;
    const u = chain.as("eve").usdc;
    expect(await u.read.decimals()).toBe(6);
    expect(await u.read.symbol()).toBe("USDC");
    const before = await u.read.balanceOf([eve.address]);
    const receipt = await chain.mined(u.write.faucet([eve.address, 10_000n * USDC]));
    const [event] = parseEventLogs({ abi: mockUsdc.abi, logs: receipt.logs, eventName: "FaucetDrip" });
    expect(event?.args).toEqual({ to: eve.address, amount: 10_000n * USDC });
    expect(await u.read.balanceOf([eve.address])).toBe(before + 10_000n * USDC);
    await expectRevert(u.write.faucet([eve.address, 10_000n * USDC + 1n]), "FaucetLimitExceeded", [
      10_000n * USDC + 1n,
      10_000n * USDC,
    ]);
  });
});
