import { DIEM_BASE_MINT_RATE, emittedBetween } from "@masque/shared";
import fc from "fast-check";
import { type Address, type Hex, maxUint256, parseEventLogs, type TransactionReceipt } from "viem";
import { beforeAll, describe, expect, it } from "vitest";
import { buybackBurner, diem, staking, vvv } from "../generated/index.ts";
import { prepareBuybackBatch } from "../keeper/prepare-buyback-batch.ts";
import { revertOf, useChain, WAD } from "./fixture.ts";
import { StakingModel } from "./staking-model.ts";

const chain = useChain();

const users = ["alice", "bob", "carol"] as const;
type User = (typeof users)[number];
const GENESIS = 100_000_000n * WAD;

type Action =
  | { kind: "stake" | "initiateUnstake" | "mintDiem" | "burnDiem"; user: User; percent: number }
  | { kind: "finalizeUnstake" | "claim" | "claimAndStake"; user: User }
  | { kind: "subscribe"; user: User; tier: number; periods: number }
  | { kind: "buyback" }
  | { kind: "warp"; seconds: number };

const user = fc.constantFrom(...users);
const percent = fc.integer({ min: 1, max: 100 });
const action: fc.Arbitrary<Action> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant("stake" as const),
      user,
      percent: fc.integer({ min: 1, max: 60 }),
    }),
    weight: 4,
  },
  { arbitrary: fc.record({ kind: fc.constant("initiateUnstake" as const), user, percent }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("finalizeUnstake" as const), user }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant("claim" as const), user }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("claimAndStake" as const), user }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("mintDiem" as const), user, percent }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("burnDiem" as const), user, percent }), weight: 2 },
  {
    arbitrary: fc.record({
      kind: fc.constant("subscribe" as const),
      user,
      tier: fc.integer({ min: 1, max: 3 }),
      periods: fc.integer({ min: 1, max: 3 }),
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant("buyback" as const) }), weight: 2 },
  {
    arbitrary: fc.record({
      kind: fc.constant("warp" as const),
      seconds: fc.oneof(fc.integer({ min: 1, max: 7_200 }), fc.integer({ min: 7_200, max: 40 * 86_400 })),
    }),
    weight: 3,
  },
);

/** Reverts an action may legitimately hit when the random sequence asks for something impossible. */
const expectedRejections = new Set([
  "ZeroAmount",
  "NothingToClaim",
  "NothingToFinalize",
  "CooldownActive",
  "InsufficientUnlockedBalance",
  "ERC20InsufficientBalance",
  "RateLimited",
  "TwapWindowTooShort",
  "InsufficientOutput",
]);

describe("invariants under seeded random sequences", () => {
  let initialHolders: Address[] = [];

  beforeAll(async () => {
    const logs = await chain.publicClient.getContractEvents({
      address: chain.deployments.contracts.vvv,
      abi: vvv.abi,
      eventName: "Transfer",
      fromBlock: 0n,
    });
    initialHolders = [...new Set(logs.map((log) => log.args.to as Address))];
  });

  it("hold after every step of stake / unstake / claim / DIEM / subscribe / buyback / time warps", async () => {
    const successes = new Map<string, number>();
    const rejections = new Map<string, number>();

    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 20, maxLength: 40 }), async (actions) => {
        const snapshot = await chain.testClient.snapshot();
        try {
          await runSequence(actions, successes, rejections, initialHolders);
        } finally {
          await chain.testClient.revert({ id: snapshot });
        }
      }),
      { seed: 0x5eed, numRuns: 24, endOnFailure: true },
    );

    // The run must have exercised every action, not just rejected them.
    for (const kind of ["stake", "initiateUnstake", "finalizeUnstake", "claim", "claimAndStake"]) {
      expect(successes.get(kind) ?? 0, kind).toBeGreaterThan(0);
    }
    for (const kind of ["mintDiem", "burnDiem", "subscribe", "buyback", "warp"]) {
      expect(successes.get(kind) ?? 0, kind).toBeGreaterThan(0);
    }
    expect([...rejections.keys()].every((name) => expectedRejections.has(name))).toBe(true);
  });
});

async function runSequence(
  actions: Action[],
  successes: Map<string, number>,
  rejections: Map<string, number>,
  initialHolders: Address[],
): Promise<void> {
  const { contracts } = chain.deployments;
  const s = chain.as("alice").staking;
  const model = new StakingModel(await s.read.EMISSION_START(), await s.read.lastUpdateTime());
  const holders = new Set<Address>(initialHolders);
  let claimedFromEvents = 0n;
  let burnedFromEvents = 0n;

  const track = async (receipt: TransactionReceipt): Promise<bigint> => {
    for (const log of parseEventLogs({ abi: vvv.abi, logs: receipt.logs, eventName: "Transfer" })) {
      if (log.address.toLowerCase() === contracts.vvv.toLowerCase()) holders.add(log.args.to);
    }
    for (const log of parseEventLogs({ abi: staking.abi, logs: receipt.logs, eventName: "RewardsClaimed" })) {
      claimedFromEvents += log.args.amount;
    }
    for (const log of parseEventLogs({
      abi: buybackBurner.abi,
      logs: receipt.logs,
      eventName: "BuybackBurned",
    })) {
      burnedFromEvents += log.args.vvvBurned;
    }
    return chain.timestampOf(receipt);
  };
  const attempt = async (kind: string, send: () => Promise<Hex>): Promise<TransactionReceipt | null> => {
    const sent = send();
    const outcome = await sent.then(
      (hash) => ({ hash }),
      (error: unknown) => ({ error }),
    );
    if ("error" in outcome) {
      const { errorName } = await revertOf(Promise.reject(outcome.error));
      rejections.set(errorName, (rejections.get(errorName) ?? 0) + 1);
      expect(expectedRejections.has(errorName), `${kind} reverted with ${errorName}`).toBe(true);
      return null;
    }
    successes.set(kind, (successes.get(kind) ?? 0) + 1);
    return chain.mined(Promise.resolve(outcome.hash));
  };

  // Each run starts by letting the users approve everything once.
  for (const name of users) {
    const c = chain.as(name);
    await chain.mined(c.vvv.write.approve([contracts.staking, maxUint256]));
    await chain.mined(c.usdc.write.approve([contracts.subscriptions, maxUint256]));
  }

  for (const step of actions) {
    const address =
      step.kind === "buyback" || step.kind === "warp" ? undefined : chain.accounts[step.user].address;
    const c = step.kind === "buyback" || step.kind === "warp" ? chain.as("keeper") : chain.as(step.user);
    const share = (amount: bigint) => ("percent" in step ? (amount * BigInt(step.percent)) / 100n : amount);

    switch (step.kind) {
      case "stake": {
        const amount = share(await c.vvv.read.balanceOf([address as Address]));
        const receipt = await attempt(step.kind, () => c.staking.write.stake([amount]));
        if (receipt) model.stake(address as string, amount, await track(receipt));
        break;
      }
      case "initiateUnstake": {
        const amount = share(await c.staking.read.unlockedBalanceOf([address as Address]));
        const receipt = await attempt(step.kind, () => c.staking.write.initiateUnstake([amount]));
        if (receipt) model.initiateUnstake(address as string, amount, await track(receipt));
        break;
      }
      case "finalizeUnstake": {
        const receipt = await attempt(step.kind, () => c.staking.write.finalizeUnstake());
        if (receipt) await track(receipt);
        break;
      }
      case "claim":
      case "claimAndStake": {
        const restake = step.kind === "claimAndStake";
        const receipt = await attempt(step.kind, () =>
          restake ? c.staking.write.claimAndStake() : c.staking.write.claim(),
        );
        if (receipt) {
          const [event] = parseEventLogs({
            abi: staking.abi,
            logs: receipt.logs,
            eventName: "RewardsClaimed",
          });
          const expected = model.claim(address as string, await track(receipt), restake);
          expect(event?.args.amount).toBe(expected);
        }
        break;
      }
      case "mintDiem": {
        const amount = share(await c.staking.read.unlockedBalanceOf([address as Address]));
        const receipt = await attempt(step.kind, () => c.diem.write.mintDiem([amount, 0n]));
        if (receipt) model.lock(address as string, amount, await track(receipt));
        break;
      }
      case "burnDiem": {
        const [, debt] = await c.diem.read.positions([address as Address]);
        const receipt = await attempt(step.kind, () => c.diem.write.burnDiem([share(debt)]));
        if (receipt) {
          const [event] = parseEventLogs({ abi: diem.abi, logs: receipt.logs, eventName: "DiemBurned" });
          const unlocked = event?.args.sVvvUnlocked ?? 0n;
          const at = await track(receipt);
          if (unlocked > 0n) model.unlock(address as string, unlocked, at);
        }
        break;
      }
      case "subscribe": {
        const receipt = await attempt(step.kind, () =>
          c.subscriptions.write.subscribe([step.tier, BigInt(step.periods)]),
        );
        if (receipt) await track(receipt);
        break;
      }
      case "buyback": {
        const batch = await prepareBuybackBatch({
          client: chain.publicClient,
          buybackBurner: contracts.buybackBurner,
        });
        if (!batch) break;
        const receipt = await attempt(step.kind, () => c.buyback.write.executeBuyback(batch.args));
        if (receipt) await track(receipt);
        break;
      }
      case "warp":
        await chain.warp(BigInt(step.seconds));
        successes.set("warp", (successes.get("warp") ?? 0) + 1);
        break;
    }

    await checkInvariants(model, holders, claimedFromEvents, burnedFromEvents);
  }
}

async function checkInvariants(
  model: StakingModel,
  holders: Set<Address>,
  claimedFromEvents: bigint,
  burnedFromEvents: bigint,
): Promise<void> {
  const { contracts } = chain.deployments;
  const c = chain.as("keeper");
  const addresses = users.map((name) => chain.accounts[name].address);
  const [now, supply, totalEmitted, emissionStart, totalClaimed, totalForfeited] = await Promise.all([
    chain.now(),
    c.vvv.read.totalSupply(),
    c.vvv.read.totalEmitted(),
    c.vvv.read.EMISSION_START(),
    c.staking.read.totalClaimed(),
    c.staking.read.totalForfeited(),
  ]);
  const scheduled = emittedBetween(emissionStart, emissionStart, now);

  // VVV totalSupply equals the sum of balances.
  const balances = await Promise.all([...holders].map((holder) => c.vvv.read.balanceOf([holder])));
  expect(balances.reduce((sum, x) => sum + x, 0n)).toBe(supply);

  // Total emissions minted never exceed the schedule, and only claims mint.
  expect(totalEmitted).toBeLessThanOrEqual(scheduled);
  expect(totalEmitted).toBe(totalClaimed);

  // Claimed plus pending never exceed what was emitted to stakers; every account matches the model.
  const pending = await Promise.all(addresses.map((a) => c.staking.read.pendingRewards([a])));
  for (const [i, address] of addresses.entries()) expect(pending[i]).toBe(model.pending(address, now));
  expect(totalClaimed + pending.reduce((sum, x) => sum + x, 0n)).toBeLessThanOrEqual(
    scheduled - totalForfeited,
  );
  expect(totalForfeited).toBe(model.totalForfeited);

  // No double claim: every claim event matches a model claim, counted once.
  expect(claimedFromEvents).toBe(totalClaimed);
  expect(model.totalClaimed).toBe(totalClaimed);

  // Locked sVVV always backs outstanding DIEM.
  const [positions, locks, sVvv, weights] = await Promise.all([
    Promise.all(addresses.map((a) => c.diem.read.positions([a]))),
    Promise.all(addresses.map((a) => c.staking.read.lockedBalanceOf([a]))),
    Promise.all(addresses.map((a) => c.staking.read.balanceOf([a]))),
    Promise.all(addresses.map((a) => c.staking.read.weightOf([a]))),
  ]);
  const [diemSupply, totalLocked, totalWeight, sVvvSupply, pendingUnstake, stakingVvv] = await Promise.all([
    c.diem.read.totalSupply(),
    c.staking.read.totalLocked(),
    c.staking.read.totalWeight(),
    c.staking.read.totalSupply(),
    c.staking.read.totalPendingUnstake(),
    c.vvv.read.balanceOf([contracts.staking]),
  ]);
  let lockedSum = 0n;
  let debtSum = 0n;
  for (const [i, [locked, debt]] of positions.entries()) {
    expect(locks[i]).toBe(locked);
    expect(locked).toBeGreaterThanOrEqual(debt * DIEM_BASE_MINT_RATE);
    expect(sVvv[i]).toBeGreaterThanOrEqual(locked);
    lockedSum += locked;
    debtSum += debt;
  }
  expect(totalLocked).toBe(lockedSum);
  expect(diemSupply).toBe(debtSum);
  expect(totalWeight).toBe(weights.reduce((sum, x) => sum + x, 0n));
  expect(stakingVvv).toBeGreaterThanOrEqual(sVvvSupply + pendingUnstake);

  // Total burned equals the sum of BuybackBurned.vvvBurned, and explains the whole supply change.
  const [totalVvvBurned, unspent, buybackUsdc] = await Promise.all([
    c.buyback.read.totalVvvBurned(),
    c.buyback.read.unspentBudget(),
    c.usdc.read.balanceOf([contracts.buybackBurner]),
  ]);
  expect(totalVvvBurned).toBe(burnedFromEvents);
  expect(supply).toBe(GENESIS + totalEmitted - burnedFromEvents);
  expect(buybackUsdc).toBeGreaterThanOrEqual(unspent);
}
