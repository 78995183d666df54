import {
  DIEM_BASE_MINT_RATE,
  DIEM_MAX_MINT,
  DIEM_TARGET_SUPPLY,
  diemAmountOut,
  diemMintCost,
  diemMintRate,
} from "@masque/shared";
import fc from "fast-check";
import { parseEventLogs, zeroAddress } from "viem";
import { describe, expect, it } from "vitest";
import { diem, staking } from "../generated/index.ts";
import { type ActorName, DAY, deployRevertOf, expectRevert, useChain, WAD } from "./fixture.ts";

const chain = useChain();

async function stakeVvv(actor: ActorName, amount: bigint) {
  const c = chain.as(actor);
  await chain.mined(c.vvv.write.approve([chain.deployments.contracts.staking, amount]));
  await chain.mined(c.staking.write.stake([amount]));
}

describe("DIEM: mint and burn", () => {
  it("locks sVVV and mints DIEM along the curve shared with TypeScript", async () => {
    const { alice } = chain.accounts;
    await stakeVvv("alice", 10_000n * WAD);
    const c = chain.as("alice");
    const expected = diemAmountOut(0n, 9_000n * WAD);
    expect(await c.diem.read.getDiemAmountOut([9_000n * WAD])).toBe(expected);
    const receipt = await chain.mined(c.diem.write.mintDiem([9_000n * WAD, expected]));

    const [minted] = parseEventLogs({ abi: diem.abi, logs: receipt.logs, eventName: "DiemMinted" });
    expect(minted?.args).toEqual({ account: alice.address, sVvvLocked: 9_000n * WAD, diemMinted: expected });
    const [locked] = parseEventLogs({ abi: staking.abi, logs: receipt.logs, eventName: "SVvvLocked" });
    expect(locked?.args).toEqual({
      account: alice.address,
      amount: 9_000n * WAD,
      lockedBalance: 9_000n * WAD,
    });
    expect(await c.diem.read.balanceOf([alice.address])).toBe(expected);
    expect(await c.diem.read.positions([alice.address])).toEqual([9_000n * WAD, expected]);
    expect(await c.staking.read.lockedBalanceOf([alice.address])).toBe(9_000n * WAD);
    expect(await c.staking.read.totalLocked()).toBe(9_000n * WAD);
    // A bit under 100 DIEM: 90 sVVV each plus the curve's rise.
    expect(expected).toBeLessThan(100n * WAD);
    expect(expected).toBeGreaterThan(99n * WAD);
    expect(await c.diem.read.mintRate()).toBe(diemMintRate(expected));
  });

  it("publishes the curve's parameters", async () => {
    const d = chain.as("alice").diem;
    expect(await d.read.BASE_MINT_RATE()).toBe(DIEM_BASE_MINT_RATE);
    expect(await d.read.TARGET_SUPPLY()).toBe(DIEM_TARGET_SUPPLY);
    expect(await d.read.mintRate()).toBe(90n * WAD);
    expect(await d.read.STAKING()).toBe(chain.deployments.contracts.staking);
  });

  it("agrees with the TypeScript curve to the wei at any supply", async () => {
    // Raise the supply step by step and compare every view at each level.
    await stakeVvv("alice", 90_000n * WAD);
    const c = chain.as("alice");
    const edges = [0n, 1n, 89n, 90n, 91n, 180n, 181n, WAD, 90n * WAD, 10n ** 40n, 2n ** 200n];
    const locks = [
      ...edges,
      ...fc.sample(fc.bigInt({ min: 1n, max: 20_000_000n * WAD }), { seed: 42, numRuns: 40 }),
    ];
    for (const step of [0n, 20_000n * WAD, 30_000n * WAD, 35_000n * WAD]) {
      if (step > 0n) await chain.mined(c.diem.write.mintDiem([step, 0n]));
      const supply = await c.diem.read.totalSupply();
      expect(await c.diem.read.mintRate()).toBe(diemMintRate(supply));
      for (const amount of locks) {
        expect(await c.diem.read.getDiemAmountOut([amount])).toBe(diemAmountOut(supply, amount));
        const diemOut = amount / 90n;
        if (diemOut > DIEM_MAX_MINT) {
          await expectRevert(c.diem.read.getSVvvAmountIn([diemOut]), "MintTooLarge", [
            diemOut,
            DIEM_MAX_MINT,
          ]);
          expect(() => diemMintCost(supply, diemOut)).toThrow(RangeError);
        } else {
          expect(await c.diem.read.getSVvvAmountIn([diemOut])).toBe(diemMintCost(supply, diemOut));
        }
      }
    }
  });

  it("makes each DIEM dearer as supply grows, and minting in steps costs the same as at once", async () => {
    await stakeVvv("alice", 50_000n * WAD);
    await stakeVvv("bob", 50_000n * WAD);
    await chain.mined(chain.as("alice").diem.write.mintDiem([40_000n * WAD, 0n]));
    for (let i = 0; i < 4; i++) await chain.mined(chain.as("bob").diem.write.mintDiem([10_000n * WAD, 0n]));
    const d = chain.as("alice").diem;
    const [, aliceDiem] = await d.read.positions([chain.accounts.alice.address]);
    const [, bobDiem] = await d.read.positions([chain.accounts.bob.address]);
    // Bob minted after Alice, so the same 40,000 sVVV bought him less.
    expect(bobDiem).toBeLessThan(aliceDiem);
    // Alice's single mint equals four quarter-size mints from the same supply, up to rounding.
    expect(diemAmountOut(0n, 40_000n * WAD)).toBe(aliceDiem);
    let supply = 0n;
    for (let i = 0; i < 4; i++) supply += diemAmountOut(supply, 10_000n * WAD);
    expect(aliceDiem - supply).toBeLessThanOrEqual(4n);
    expect(aliceDiem - supply).toBeGreaterThanOrEqual(0n);
  });

  it("refuses zero, dust, slippage and unbacked mints", async () => {
    const { alice } = chain.accounts;
    const c = chain.as("alice");
    await expectRevert(c.diem.write.mintDiem([0n, 0n]), "ZeroAmount");
    await expectRevert(c.diem.write.mintDiem([89n, 0n]), "ZeroAmount");
    await expectRevert(c.diem.write.mintDiem([900n * WAD, 0n]), "InsufficientUnlockedBalance", [
      0n,
      900n * WAD,
    ]);
    await stakeVvv("alice", 1_000n * WAD);
    const out = diemAmountOut(0n, 900n * WAD);
    await expectRevert(c.diem.write.mintDiem([900n * WAD, out + 1n]), "InsufficientDiemOut", [out, out + 1n]);
    await chain.mined(c.diem.write.mintDiem([900n * WAD, out]));
    await expectRevert(c.diem.write.mintDiem([101n * WAD, 0n]), "InsufficientUnlockedBalance", [
      100n * WAD,
      101n * WAD,
    ]);
    expect(await c.staking.read.unlockedBalanceOf([alice.address])).toBe(100n * WAD);
  });

  it("unlocks the proportional sVVV on burn, and all of it on full repayment", async () => {
    const { alice } = chain.accounts;
    await stakeVvv("alice", 1_000n * WAD);
    const c = chain.as("alice");
    await chain.mined(c.diem.write.mintDiem([999n * WAD, 0n]));
    const [locked, debt] = await c.diem.read.positions([alice.address]);
    const third = debt / 3n;
    const receipt = await chain.mined(c.diem.write.burnDiem([third]));
    const unlocked = (locked * third) / debt;
    const [burned] = parseEventLogs({ abi: diem.abi, logs: receipt.logs, eventName: "DiemBurned" });
    expect(burned?.args).toEqual({ account: alice.address, diemBurned: third, sVvvUnlocked: unlocked });
    const [event] = parseEventLogs({ abi: staking.abi, logs: receipt.logs, eventName: "SVvvUnlocked" });
    expect(event?.args).toEqual({
      account: alice.address,
      amount: unlocked,
      lockedBalance: locked - unlocked,
    });
    expect(await c.diem.read.positions([alice.address])).toEqual([locked - unlocked, debt - third]);
    expect(await c.diem.read.totalSupply()).toBe(debt - third);

    await chain.mined(c.diem.write.burnDiem([debt - third]));
    expect(await c.diem.read.positions([alice.address])).toEqual([0n, 0n]);
    expect(await c.staking.read.lockedBalanceOf([alice.address])).toBe(0n);
    expect(await c.staking.read.totalLocked()).toBe(0n);
    // Everything is unlocked again, so it can all be unstaked.
    await chain.mined(c.staking.write.initiateUnstake([1_000n * WAD]));
  });

  it("releases sVVV only to the account that locked it", async () => {
    const { alice, bob } = chain.accounts;
    await stakeVvv("alice", 1_000n * WAD);
    await chain.mined(chain.as("alice").diem.write.mintDiem([900n * WAD, 0n]));
    // DIEM is transferable: Alice sells some to Bob.
    await chain.mined(chain.as("alice").diem.write.transfer([bob.address, 5n * WAD]));
    expect(await chain.as("bob").diem.read.balanceOf([bob.address])).toBe(5n * WAD);
    await expectRevert(chain.as("bob").diem.write.burnDiem([5n * WAD]), "BurnExceedsDebt", [5n * WAD, 0n]);
    // Alice must buy it back to repay everything.
    const [, debt] = await chain.as("alice").diem.read.positions([alice.address]);
    await expectRevert(chain.as("alice").diem.write.burnDiem([debt]), "ERC20InsufficientBalance", [
      alice.address,
      debt - 5n * WAD,
      debt,
    ]);
    await expectRevert(chain.as("alice").diem.write.burnDiem([debt + 1n]), "BurnExceedsDebt", [
      debt + 1n,
      debt,
    ]);
    await expectRevert(chain.as("alice").diem.write.burnDiem([0n]), "ZeroAmount");
  });

  it("needs a staking contract", async () => {
    expect(await deployRevertOf(chain, diem, [zeroAddress])).toEqual({ errorName: "ZeroAddress", args: [] });
  });
});

describe("DIEM: staking for inference credits", () => {
  it("stakes, unstakes after a 1-day cooldown and reports staked balances", async () => {
    const { alice } = chain.accounts;
    await stakeVvv("alice", 1_000n * WAD);
    const d = chain.as("alice").diem;
    await chain.mined(d.write.mintDiem([900n * WAD, 0n]));
    const balance = await d.read.balanceOf([alice.address]);

    let receipt = await chain.mined(d.write.stake([4n * WAD]));
    const [event] = parseEventLogs({ abi: diem.abi, logs: receipt.logs, eventName: "DiemStaked" });
    expect(event?.args).toEqual({ account: alice.address, amount: 4n * WAD });
    expect(await d.read.stakedBalanceOf([alice.address])).toBe(4n * WAD);
    expect(await d.read.totalStaked()).toBe(4n * WAD);
    expect(await d.read.balanceOf([alice.address])).toBe(balance - 4n * WAD);
    expect(await d.read.balanceOf([chain.deployments.contracts.diem])).toBe(4n * WAD);

    receipt = await chain.mined(d.write.initiateUnstake([3n * WAD]));
    const at = await chain.timestampOf(receipt);
    const [initiated] = parseEventLogs({
      abi: diem.abi,
      logs: receipt.logs,
      eventName: "DiemUnstakeInitiated",
    });
    expect(initiated?.args).toEqual({
      account: alice.address,
      amount: 3n * WAD,
      totalPending: 3n * WAD,
      unlockTime: at + DAY,
    });
    expect(await d.read.stakedBalanceOf([alice.address])).toBe(1n * WAD);
    expect(await d.read.pendingUnstakes([alice.address])).toEqual([3n * WAD, at + DAY]);
    await expectRevert(d.write.unstake(), "CooldownActive", [at + DAY]);

    await chain.warp(DAY);
    receipt = await chain.mined(d.write.unstake());
    const [unstaked] = parseEventLogs({ abi: diem.abi, logs: receipt.logs, eventName: "DiemUnstaked" });
    expect(unstaked?.args).toEqual({ account: alice.address, amount: 3n * WAD });
    expect(await d.read.balanceOf([alice.address])).toBe(balance - 1n * WAD);
    expect(await d.read.totalPendingUnstake()).toBe(0n);
    await expectRevert(d.write.unstake(), "NothingToUnstake");
  });

  it("restarts the cooldown when more is added", async () => {
    await stakeVvv("alice", 1_000n * WAD);
    const d = chain.as("alice").diem;
    await chain.mined(d.write.mintDiem([900n * WAD, 0n]));
    await chain.mined(d.write.stake([4n * WAD]));
    await chain.mined(d.write.initiateUnstake([1n * WAD]));
    await chain.warp(DAY / 2n);
    const receipt = await chain.mined(d.write.initiateUnstake([1n * WAD]));
    const at = await chain.timestampOf(receipt);
    await chain.warp(DAY / 2n);
    await expectRevert(d.write.unstake(), "CooldownActive", [at + DAY]);
  });

  it("refuses zero, unfunded and excessive stakes and unstakes", async () => {
    const { alice } = chain.accounts;
    const d = chain.as("alice").diem;
    await expectRevert(d.write.stake([0n]), "ZeroAmount");
    await expectRevert(d.write.stake([1n]), "ERC20InsufficientBalance", [alice.address, 0n, 1n]);
    await expectRevert(d.write.initiateUnstake([0n]), "ZeroAmount");
    await expectRevert(d.write.initiateUnstake([1n]), "InsufficientStakedBalance", [0n, 1n]);
  });
});
