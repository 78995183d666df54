import { emittedBetween, ratePerSecondAt } from "@masque/shared";
import { getContract, parseEventLogs, zeroAddress } from "viem";
import { describe, expect, it } from "vitest";
import { staking, vvv } from "../generated/index.ts";
import {
  type ActorName,
  DAY,
  DEFAULT_ADMIN_ROLE,
  deployAs,
  deployRevertOf,
  expectRevert,
  useChain,
  WAD,
} from "./fixture.ts";
import { StakingModel } from "./staking-model.ts";

const chain = useChain();

async function approveAndStake(actor: ActorName, amount: bigint) {
  const c = chain.as(actor);
  await chain.mined(c.vvv.write.approve([chain.deployments.contracts.staking, amount]));
  return chain.mined(c.staking.write.stake([amount]));
}

async function freshModel(): Promise<StakingModel> {
  const s = chain.as("alice").staking;
  return new StakingModel(await s.read.EMISSION_START(), await s.read.lastUpdateTime());
}

describe("Staking: stake and sVVV", () => {
  it("takes VVV and mints the same amount of sVVV", async () => {
    const { alice } = chain.accounts;
    const c = chain.as("alice");
    const before = await c.vvv.read.balanceOf([alice.address]);
    const receipt = await approveAndStake("alice", 1_000n * WAD);
    expect(await c.staking.read.balanceOf([alice.address])).toBe(1_000n * WAD);
    expect(await c.staking.read.totalSupply()).toBe(1_000n * WAD);
    expect(await c.vvv.read.balanceOf([alice.address])).toBe(before - 1_000n * WAD);
    expect(await c.vvv.read.balanceOf([chain.deployments.contracts.staking])).toBe(1_000n * WAD);
    expect(await c.staking.read.weightOf([alice.address])).toBe(1_000n * WAD);
    const [staked] = parseEventLogs({ abi: staking.abi, logs: receipt.logs, eventName: "Staked" });
    expect(staked?.args).toEqual({ account: alice.address, amount: 1_000n * WAD });
    expect(await c.staking.read.symbol()).toBe("sVVV");
  });

  it("refuses zero and unapproved stakes", async () => {
    const c = chain.as("alice");
    await expectRevert(c.staking.write.stake([0n]), "ZeroAmount");
    await expectRevert(c.staking.write.stake([1n]), "ERC20InsufficientAllowance", [
      chain.deployments.contracts.staking,
      0n,
      1n,
    ]);
  });

  it("makes sVVV non-transferable", async () => {
    await approveAndStake("alice", 10n * WAD);
    const c = chain.as("alice");
    const { alice, bob } = chain.accounts;
    await expectRevert(c.staking.write.transfer([bob.address, 1n]), "NonTransferable");
    await expectRevert(c.staking.write.approve([bob.address, 1n]), "NonTransferable");
    await expectRevert(
      chain.as("bob").staking.write.transferFrom([alice.address, bob.address, 1n]),
      "NonTransferable",
    );
  });
});

describe("Staking: rewards", () => {
  it("gives a lone staker the whole scheduled emission, to within a wei", async () => {
    const model = await freshModel();
    const receipt = await approveAndStake("alice", 5_000n * WAD);
    const stakedAt = await chain.timestampOf(receipt);
    model.stake(chain.accounts.alice.address, 5_000n * WAD, stakedAt);
    await chain.warp(10n * DAY);
    const now = await chain.now();
    const pending = await chain.as("alice").staking.read.pendingRewards([chain.accounts.alice.address]);
    const emitted = emittedBetween(model.emissionStart, stakedAt, now);
    expect(pending).toBe(model.pending(chain.accounts.alice.address, now));
    expect(emitted - pending).toBeGreaterThanOrEqual(0n);
    expect(emitted - pending).toBeLessThanOrEqual(1n);
  });

  it("splits emissions pro rata, exactly as the reference model does", async () => {
    const { alice, bob, carol } = chain.accounts;
    const model = await freshModel();
    for (const [actor, amount] of [
      ["alice", 1_000n * WAD],
      ["bob", 3_000n * WAD],
      ["carol", 7n],
    ] as const) {
      const receipt = await approveAndStake(actor, amount);
      model.stake(chain.accounts[actor].address, amount, await chain.timestampOf(receipt));
    }
    await chain.warp(3n * DAY);
    const now = await chain.now();
    const s = chain.as("alice").staking;
    for (const account of [alice, bob, carol]) {
      expect(await s.read.pendingRewards([account.address])).toBe(model.pending(account.address, now));
    }
    // Bob holds three times Alice's stake for all but the seconds between their stakes.
    const ratio = Number(model.pending(bob.address, now)) / Number(model.pending(alice.address, now));
    expect(ratio).toBeGreaterThan(2.99);
    expect(ratio).toBeLessThan(3);
  });

  it("mints claims from VVV, never from the stakers' principal", async () => {
    const { alice } = chain.accounts;
    const model = await freshModel();
    let receipt = await approveAndStake("alice", 2_000n * WAD);
    model.stake(alice.address, 2_000n * WAD, await chain.timestampOf(receipt));
    await chain.warp(2n * DAY);
    const c = chain.as("alice");
    const supplyBefore = await c.vvv.read.totalSupply();
    const balanceBefore = await c.vvv.read.balanceOf([alice.address]);
    receipt = await chain.mined(c.staking.write.claim());
    const expected = model.claim(alice.address, await chain.timestampOf(receipt), false);
    expect(expected).toBeGreaterThan(0n);
    const [claimed] = parseEventLogs({ abi: staking.abi, logs: receipt.logs, eventName: "RewardsClaimed" });
    expect(claimed?.args).toEqual({ account: alice.address, amount: expected, restaked: false });
    const [minted] = parseEventLogs({ abi: vvv.abi, logs: receipt.logs, eventName: "EmissionMinted" });
    expect(minted?.args).toEqual({ to: alice.address, amount: expected, totalEmitted: expected });
    expect(await c.vvv.read.balanceOf([alice.address])).toBe(balanceBefore + expected);
    expect(await c.vvv.read.totalSupply()).toBe(supplyBefore + expected);
    expect(await c.vvv.read.balanceOf([chain.deployments.contracts.staking])).toBe(2_000n * WAD);
    expect(await c.staking.read.totalClaimed()).toBe(expected);
    expect(await c.vvv.read.totalEmitted()).toBe(expected);
    expect(await c.staking.read.accruedRewards([alice.address])).toBe(0n);
  });

  it("cannot pay the same rewards twice, even within one block", async () => {
    await approveAndStake("alice", 2_000n * WAD);
    await chain.warp(DAY);
    const c = chain.as("alice");
    await chain.testClient.setAutomine(false);
    try {
      const first = await c.staking.write.claim({ gas: 300_000n });
      const second = await c.staking.write.claim({ gas: 300_000n });
      await chain.testClient.mine({ blocks: 1 });
      const [r1, r2] = await Promise.all(
        [first, second].map((hash) => chain.publicClient.waitForTransactionReceipt({ hash })),
      );
      expect(r1?.blockNumber).toBe(r2?.blockNumber);
      expect(r1?.status).toBe("success");
      expect(r2?.status).toBe("reverted");
    } finally {
      await chain.testClient.setAutomine(true);
    }
    await expectRevert(c.staking.simulate.claim({ blockTag: "latest" }), "NothingToClaim");
  });

  it("refuses a claim with nothing accrued", async () => {
    await expectRevert(chain.as("alice").staking.write.claim(), "NothingToClaim");
    await expectRevert(chain.as("alice").staking.write.claimAndStake(), "NothingToClaim");
  });

  it("compounds with claimAndStake without moving VVV out", async () => {
    const { alice } = chain.accounts;
    const model = await freshModel();
    let receipt = await approveAndStake("alice", 2_000n * WAD);
    model.stake(alice.address, 2_000n * WAD, await chain.timestampOf(receipt));
    await chain.warp(DAY);
    const c = chain.as("alice");
    const walletBefore = await c.vvv.read.balanceOf([alice.address]);
    receipt = await chain.mined(c.staking.write.claimAndStake());
    const reward = model.claim(alice.address, await chain.timestampOf(receipt), true);
    const [claimed] = parseEventLogs({ abi: staking.abi, logs: receipt.logs, eventName: "RewardsClaimed" });
    expect(claimed?.args).toEqual({ account: alice.address, amount: reward, restaked: true });
    expect(await c.staking.read.balanceOf([alice.address])).toBe(2_000n * WAD + reward);
    expect(await c.vvv.read.balanceOf([alice.address])).toBe(walletBefore);
    expect(await c.vvv.read.balanceOf([chain.deployments.contracts.staking])).toBe(2_000n * WAD + reward);
    await chain.warp(DAY);
    const now = await chain.now();
    expect(await c.staking.read.pendingRewards([alice.address])).toBe(model.pending(alice.address, now));
  });

  it("forfeits emission released while nobody stakes instead of handing it to the next staker", async () => {
    const { alice } = chain.accounts;
    const s = chain.as("alice").staking;
    const lastUpdate = await s.read.lastUpdateTime();
    const start = await s.read.EMISSION_START();
    await chain.warp(5n * DAY);
    const receipt = await approveAndStake("alice", 100n * WAD);
    const stakedAt = await chain.timestampOf(receipt);
    const forfeited = emittedBetween(start, lastUpdate, stakedAt);
    const [event] = parseEventLogs({ abi: staking.abi, logs: receipt.logs, eventName: "EmissionForfeited" });
    expect(event?.args).toEqual({ from: lastUpdate, to: stakedAt, amount: forfeited });
    expect(await s.read.totalForfeited()).toBe(forfeited);
    await chain.warp(1n);
    expect(await s.read.pendingRewards([alice.address])).toBeLessThanOrEqual(
      emittedBetween(start, stakedAt, await chain.now()),
    );
  });

  it("keeps rounding dust unminted: credited rewards never exceed the emission", async () => {
    const model = await freshModel();
    // Odd weights make every accumulator step and every accrual round.
    const stakes = [
      ["alice", 1n],
      ["bob", 3n * WAD + 7n],
      ["carol", 333_333_333_333_333_333n],
    ] as const;
    let firstStake = 0n;
    for (const [actor, amount] of stakes) {
      const receipt = await approveAndStake(actor, amount);
      const at = await chain.timestampOf(receipt);
      if (firstStake === 0n) firstStake = at;
      model.stake(chain.accounts[actor].address, amount, at);
    }
    for (let i = 0; i < 3; i++) {
      await chain.warp(7_777n);
      for (const [actor] of stakes) {
        const receipt = await chain.mined(chain.as(actor).staking.write.claim());
        model.claim(chain.accounts[actor].address, await chain.timestampOf(receipt), false);
      }
    }
    const s = chain.as("alice").staking;
    const now = await chain.now();
    const emitted = emittedBetween(model.emissionStart, firstStake, now);
    const claimed = await s.read.totalClaimed();
    expect(claimed).toBe(model.totalClaimed);
    let pending = 0n;
    for (const [actor] of stakes) pending += await s.read.pendingRewards([chain.accounts[actor].address]);
    expect(claimed + pending).toBeLessThanOrEqual(emitted);
    // The dust is a handful of wei per update.
    expect(emitted - claimed - pending).toBeLessThan(100n);
  });

  it("ignores VVV sent to it directly", async () => {
    const { alice, bob } = chain.accounts;
    const model = await freshModel();
    const receipt = await approveAndStake("alice", 100n * WAD);
    model.stake(alice.address, 100n * WAD, await chain.timestampOf(receipt));
    await chain.mined(
      chain.as("bob").vvv.write.transfer([chain.deployments.contracts.staking, 50_000n * WAD]),
    );
    await chain.warp(DAY);
    const now = await chain.now();
    expect(await chain.as("alice").staking.read.pendingRewards([alice.address])).toBe(
      model.pending(alice.address, now),
    );
    expect(await chain.as("bob").staking.read.pendingRewards([bob.address])).toBe(0n);
    expect(await chain.as("bob").staking.read.totalSupply()).toBe(100n * WAD);
  });

  it("reports the schedule's rate and amounts", async () => {
    const s = chain.as("alice").staking;
    const start = await s.read.EMISSION_START();
    const now = await chain.now();
    expect(await s.read.emissionRatePerSecond()).toBe(ratePerSecondAt(start, now));
    expect(await s.read.emissionRateAt([start + 100n * DAY])).toBe(
      ratePerSecondAt(start, start + 100n * DAY),
    );
    expect(await s.read.scheduledEmission([start, start + 30n * DAY])).toBe(6_000_000n * WAD);
  });
});

describe("Staking: unstake", () => {
  it("burns sVVV at once, stops its rewards and pays out after 7 days", async () => {
    const { alice } = chain.accounts;
    const c = chain.as("alice");
    await approveAndStake("alice", 1_000n * WAD);
    let receipt = await chain.mined(c.staking.write.initiateUnstake([400n * WAD]));
    const at = await chain.timestampOf(receipt);
    const [event] = parseEventLogs({ abi: staking.abi, logs: receipt.logs, eventName: "UnstakeInitiated" });
    expect(event?.args).toEqual({
      account: alice.address,
      amount: 400n * WAD,
      totalPending: 400n * WAD,
      unlockTime: at + 7n * DAY,
    });
    expect(await c.staking.read.balanceOf([alice.address])).toBe(600n * WAD);
    expect(await c.staking.read.weightOf([alice.address])).toBe(600n * WAD);
    expect(await c.staking.read.totalPendingUnstake()).toBe(400n * WAD);
    expect(await c.staking.read.pendingUnstakes([alice.address])).toEqual([400n * WAD, at + 7n * DAY]);

    await chain.warp(7n * DAY - 10n);
    await expectRevert(c.staking.write.finalizeUnstake(), "CooldownActive", [at + 7n * DAY]);
    await chain.warp(10n);
    const before = await c.vvv.read.balanceOf([alice.address]);
    receipt = await chain.mined(c.staking.write.finalizeUnstake());
    const [finalized] = parseEventLogs({
      abi: staking.abi,
      logs: receipt.logs,
      eventName: "UnstakeFinalized",
    });
    expect(finalized?.args).toEqual({ account: alice.address, amount: 400n * WAD });
    expect(await c.vvv.read.balanceOf([alice.address])).toBe(before + 400n * WAD);
    expect(await c.staking.read.totalPendingUnstake()).toBe(0n);
    await expectRevert(c.staking.write.finalizeUnstake(), "NothingToFinalize");
  });

  it("restarts the cooldown when more is added to a pending unstake", async () => {
    const c = chain.as("alice");
    await approveAndStake("alice", 1_000n * WAD);
    await chain.mined(c.staking.write.initiateUnstake([100n * WAD]));
    await chain.warp(5n * DAY);
    const receipt = await chain.mined(c.staking.write.initiateUnstake([50n * WAD]));
    const at = await chain.timestampOf(receipt);
    expect(await c.staking.read.pendingUnstakes([chain.accounts.alice.address])).toEqual([
      150n * WAD,
      at + 7n * DAY,
    ]);
    await chain.warp(3n * DAY);
    await expectRevert(c.staking.write.finalizeUnstake(), "CooldownActive", [at + 7n * DAY]);
  });

  it("refuses zero, excessive and nothing-pending unstakes", async () => {
    const c = chain.as("alice");
    await expectRevert(c.staking.write.finalizeUnstake(), "NothingToFinalize");
    await approveAndStake("alice", 10n * WAD);
    await expectRevert(c.staking.write.initiateUnstake([0n]), "ZeroAmount");
    await expectRevert(c.staking.write.initiateUnstake([10n * WAD + 1n]), "InsufficientUnlockedBalance", [
      10n * WAD,
      10n * WAD + 1n,
    ]);
  });

  it("earns nothing during the cooldown", async () => {
    const { alice, bob } = chain.accounts;
    const model = await freshModel();
    for (const actor of ["alice", "bob"] as const) {
      const receipt = await approveAndStake(actor, 100n * WAD);
      model.stake(chain.accounts[actor].address, 100n * WAD, await chain.timestampOf(receipt));
    }
    const receipt = await chain.mined(chain.as("alice").staking.write.initiateUnstake([100n * WAD]));
    model.initiateUnstake(alice.address, 100n * WAD, await chain.timestampOf(receipt));
    const aliceBefore = model.pending(alice.address, await chain.timestampOf(receipt));
    await chain.warp(3n * DAY);
    const now = await chain.now();
    const s = chain.as("alice").staking;
    expect(await s.read.pendingRewards([alice.address])).toBe(aliceBefore);
    expect(await s.read.pendingRewards([bob.address])).toBe(model.pending(bob.address, now));
  });
});

describe("Staking: wiring and DIEM hooks", () => {
  it("names DIEM as its locker once and for all", async () => {
    const s = chain.as("deployer").staking;
    expect(await s.read.diem()).toBe(chain.deployments.contracts.diem);
    await expectRevert(s.write.setDiem([chain.accounts.alice.address]), "DiemAlreadySet", [
      chain.deployments.contracts.diem,
    ]);
    await expectRevert(
      chain.as("alice").staking.write.setDiem([chain.accounts.alice.address]),
      "AccessControlUnauthorizedAccount",
      [chain.accounts.alice.address, DEFAULT_ADMIN_ROLE],
    );
  });

  it("lets only DIEM lock and unlock sVVV", async () => {
    const { alice } = chain.accounts;
    await approveAndStake("alice", 10n * WAD);
    for (const actor of ["alice", "deployer"] as const) {
      const s = chain.as(actor).staking;
      await expectRevert(s.write.lock([alice.address, 1n]), "NotDiem", [chain.accounts[actor].address]);
      await expectRevert(s.write.unlock([alice.address, 1n]), "NotDiem", [chain.accounts[actor].address]);
    }
  });

  it("pays locked sVVV 80% of the yield of unlocked sVVV", async () => {
    const { alice, bob } = chain.accounts;
    const model = await freshModel();
    for (const actor of ["alice", "bob"] as const) {
      const receipt = await approveAndStake(actor, 9_000n * WAD);
      model.stake(chain.accounts[actor].address, 9_000n * WAD, await chain.timestampOf(receipt));
    }
    const receipt = await chain.mined(chain.as("alice").diem.write.mintDiem([9_000n * WAD, 0n]));
    model.lock(alice.address, 9_000n * WAD, await chain.timestampOf(receipt));
    const s = chain.as("alice").staking;
    expect(await s.read.lockedBalanceOf([alice.address])).toBe(9_000n * WAD);
    expect(await s.read.weightOf([alice.address])).toBe(7_200n * WAD);
    const aliceAtLock = model.pending(alice.address, await chain.timestampOf(receipt));
    const bobAtLock = model.pending(bob.address, await chain.timestampOf(receipt));
    await chain.warp(10n * DAY);
    const now = await chain.now();
    const aliceEarned = (await s.read.pendingRewards([alice.address])) - aliceAtLock;
    const bobEarned = (await s.read.pendingRewards([bob.address])) - bobAtLock;
    expect(aliceEarned + aliceAtLock).toBe(model.pending(alice.address, now));
    // alice : bob = 4 : 5, up to the accumulator's rounding.
    const gap = aliceEarned * 5n - bobEarned * 4n;
    expect(gap < 0n ? -gap : gap).toBeLessThan(100n);
    await expectRevert(s.write.initiateUnstake([1n]), "InsufficientUnlockedBalance", [0n, 1n]);
  });

  it("checks the lock hooks' own arguments (with an account standing in for DIEM)", async () => {
    const { deployer, alice, bob } = chain.accounts;
    const token = await deployAs(chain, "deployer", vvv, [deployer.address, 0n, deployer.address, 0]);
    const stakingAddress = await deployAs(chain, "deployer", staking, [token, deployer.address, 0]);
    const client = (actor: "deployer" | "alice" | "bob") => ({
      public: chain.publicClient,
      wallet: chain.wallet(actor),
    });
    const s = getContract({ address: stakingAddress, abi: staking.abi, client: client("deployer") });
    await expectRevert(s.write.setDiem([zeroAddress]), "ZeroAddress");
    const receipt = await chain.mined(s.write.setDiem([alice.address]));
    const [event] = parseEventLogs({ abi: staking.abi, logs: receipt.logs, eventName: "DiemSet" });
    expect(event?.args).toEqual({ diem: alice.address });

    const t = getContract({ address: token, abi: vvv.abi, client: client("deployer") });
    await chain.mined(t.write.transfer([bob.address, 100n * WAD]));
    const asBob = getContract({ address: token, abi: vvv.abi, client: client("bob") });
    await chain.mined(asBob.write.approve([stakingAddress, 100n * WAD]));
    await chain.mined(
      getContract({ address: stakingAddress, abi: staking.abi, client: client("bob") }).write.stake([
        100n * WAD,
      ]),
    );

    const hooks = getContract({ address: stakingAddress, abi: staking.abi, client: client("alice") });
    await expectRevert(hooks.write.lock([bob.address, 0n]), "ZeroAmount");
    await expectRevert(hooks.write.unlock([bob.address, 0n]), "ZeroAmount");
    await expectRevert(hooks.write.lock([bob.address, 100n * WAD + 1n]), "InsufficientUnlockedBalance", [
      100n * WAD,
      100n * WAD + 1n,
    ]);
    await chain.mined(hooks.write.lock([bob.address, 40n * WAD]));
    await expectRevert(hooks.write.unlock([bob.address, 40n * WAD + 1n]), "InsufficientLockedBalance", [
      40n * WAD,
      40n * WAD + 1n,
    ]);
    await chain.mined(hooks.write.unlock([bob.address, 40n * WAD]));
    expect(await hooks.read.weightOf([bob.address])).toBe(100n * WAD);
  });

  it("checks its constructor arguments", async () => {
    const { deployer } = chain.accounts;
    expect(await deployRevertOf(chain, staking, [zeroAddress, deployer.address, 0])).toEqual({
      errorName: "ZeroAddress",
      args: [],
    });
  });
});
