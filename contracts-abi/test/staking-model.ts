import { emittedBetween } from "@masque/shared";

const PRECISION = 10n ** 27n;
const LOCKED_YIELD_BPS = 8_000n;
const BPS = 10_000n;

interface AccountState {
  balance: bigint;
  locked: bigint;
  weight: bigint;
  paid: bigint;
  accrued: bigint;
}

/**
 * A reference implementation of Staking's reward accounting in bigint, written from the spec (weights,
 * reward-per-weight accumulator, forfeiture with no stakers, rounding down). Tests drive it with the
 * same operations and block timestamps as the chain and expect identical numbers to the wei.
 */
export class StakingModel {
  rewardPerWeight = 0n;
  totalWeight = 0n;
  totalForfeited = 0n;
  totalClaimed = 0n;
  private readonly accounts = new Map<string, AccountState>();

  constructor(
    readonly emissionStart: bigint,
    public lastUpdate: bigint,
  ) {}

  account(address: string): AccountState {
    let state = this.accounts.get(address);
    if (!state) {
      state = { balance: 0n, locked: 0n, weight: 0n, paid: this.rewardPerWeight, accrued: 0n };
      // A fresh account has weight zero, so its starting `paid` value does not matter.
      this.accounts.set(address, state);
    }
    return state;
  }

  private settle(address: string, now: bigint): AccountState {
    if (now > this.lastUpdate) {
      const released = emittedBetween(this.emissionStart, this.lastUpdate, now);
      this.lastUpdate = now;
      if (released > 0n) {
        if (this.totalWeight === 0n) this.totalForfeited += released;
        else this.rewardPerWeight += (released * PRECISION) / this.totalWeight;
      }
    }
    const state = this.account(address);
    state.accrued += (state.weight * (this.rewardPerWeight - state.paid)) / PRECISION;
    state.paid = this.rewardPerWeight;
    return state;
  }

  private reweigh(state: AccountState): void {
    const weight = state.balance - state.locked + (state.locked * LOCKED_YIELD_BPS) / BPS;
    this.totalWeight += weight - state.weight;
    state.weight = weight;
  }

  stake(address: string, amount: bigint, now: bigint): void {
    const state = this.settle(address, now);
    state.balance += amount;
    this.reweigh(state);
  }

  initiateUnstake(address: string, amount: bigint, now: bigint): void {
    const state = this.settle(address, now);
    state.balance -= amount;
    this.reweigh(state);
  }

  claim(address: string, now: bigint, restake: boolean): bigint {
    const state = this.settle(address, now);
    const amount = state.accrued;
    state.accrued = 0n;
    this.totalClaimed += amount;
    if (restake) {
      state.balance += amount;
      this.reweigh(state);
    }
    return amount;
  }

  lock(address: string, amount: bigint, now: bigint): void {
    const state = this.settle(address, now);
    state.locked += amount;
    this.reweigh(state);
  }

  unlock(address: string, amount: bigint, now: bigint): void {
    const state = this.settle(address, now);
    state.locked -= amount;
    this.reweigh(state);
  }

  pending(address: string, now: bigint): bigint {
    const state = this.account(address);
    let accumulator = this.rewardPerWeight;
    if (now > this.lastUpdate && this.totalWeight > 0n) {
      accumulator +=
        (emittedBetween(this.emissionStart, this.lastUpdate, now) * PRECISION) / this.totalWeight;
    }
    return state.accrued + (state.weight * (accumulator - state.paid)) / PRECISION;
  }
}
