import {
  EMISSION_MONTH_SECONDS,
  emissionScheduleTable,
  emittedBetween,
  ratePerSecondAt,
} from "@masque/shared";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { useChain } from "./fixture.ts";

const chain = useChain();
const MONTHS = 24n;

describe("emission schedule: Solidity and @masque/shared agree to the wei", () => {
  it("at every month boundary and around it over the first 24 months", async () => {
    const s = chain.as("alice").staking;
    const start = await s.read.EMISSION_START();
    const points: bigint[] = [];
    for (let month = 0n; month <= MONTHS; month++) {
      const boundary = start + month * EMISSION_MONTH_SECONDS;
      points.push(boundary - 1n, boundary, boundary + 1n);
    }
    const onChain = await Promise.all(points.map((t) => s.read.scheduledEmission([start, t])));
    expect(onChain).toEqual(points.map((t) => emittedBetween(start, start, t)));
    const table = emissionScheduleTable(start, Number(MONTHS));
    expect(
      await Promise.all(table.map((row) => s.read.scheduledEmission([row.startsAt, row.endsAt]))),
    ).toEqual(table.map((row) => row.emission));
  });

  it("over random intervals and at random instants within the first 24 months", async () => {
    const s = chain.as("alice").staking;
    const start = await s.read.EMISSION_START();
    const time = fc.bigInt({
      min: start - EMISSION_MONTH_SECONDS,
      max: start + MONTHS * EMISSION_MONTH_SECONDS,
    });
    const intervals = fc.sample(fc.tuple(time, time), { seed: 24, numRuns: 150 });
    const onChain = await Promise.all(intervals.map(([t0, t1]) => s.read.scheduledEmission([t0, t1])));
    expect(onChain).toEqual(intervals.map(([t0, t1]) => emittedBetween(start, t0, t1)));
    const instants = intervals.map(([t]) => t);
    const rates = await Promise.all(instants.map((t) => s.read.emissionRateAt([t])));
    expect(rates).toEqual(instants.map((t) => ratePerSecondAt(start, t)));
  });

  it("including the cap VVV enforces on minting", async () => {
    const v = chain.as("alice").vvv;
    const start = await v.read.EMISSION_START();
    const now = await chain.now();
    expect(await v.read.mintableEmission()).toBe(emittedBetween(start, start, now));
  });
});
