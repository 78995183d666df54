import { describe, expect, it } from "vitest";
import { BoundedDiemCredit } from "./bounded-diem-credit.ts";
import type { DiemCredit, DiemCreditSource } from "./diem-credit.ts";

/** A chain read that answers, fails or never answers, as the test says. */
function chain() {
  const state = { mode: "up" as "up" | "hang" | "fail", reads: 0 };
  const source: DiemCreditSource = {
    creditFor: async () => {
      state.reads++;
      if (state.mode === "fail") throw new Error("rpc down");
      if (state.mode === "hang") return new Promise<DiemCredit>(() => {});
      return { micro: 3_000_000, stale: false, block: 7n };
    },
  };
  return { state, source };
}

describe("DIEM credit with a deadline", () => {
  it("never keeps a request waiting on a hung chain, and stops asking it for a while", async () => {
    let clock = 0;
    const { state, source } = chain();
    const credit = new BoundedDiemCredit(source, { deadlineMs: 50, cooldownMs: 1_000, clock: () => clock });
    const today = new Date("2026-01-02T10:00:00Z");
    expect(await credit.creditFor("a", today)).toEqual({ micro: 3_000_000, stale: false, block: 7n });

    state.mode = "hang";
    const started = performance.now();
    // The last value read today stands, marked stale; an account never read has none.
    expect(await credit.creditFor("a", today)).toEqual({ micro: 3_000_000, stale: true, block: 7n });
    expect(performance.now() - started).toBeLessThan(500);
    expect(await credit.creditFor("b", today)).toEqual({ micro: 0, stale: true });
    expect(state.reads).toBe(2); // b was not read: the chain is cooling down

    // Tomorrow, yesterday's value does not count.
    expect(await credit.creditFor("a", new Date("2026-01-03T10:00:00Z"))).toEqual({ micro: 0, stale: true });

    clock = 1_001;
    state.mode = "up";
    expect(await credit.creditFor("b", today)).toMatchObject({ micro: 3_000_000, stale: false });
  });

  it("treats a failed read like a late one", async () => {
    const { state, source } = chain();
    state.mode = "fail";
    const credit = new BoundedDiemCredit(source, { deadlineMs: 50, cooldownMs: 60_000 });
    expect(await credit.creditFor("a", new Date())).toEqual({ micro: 0, stale: true });
    expect(await credit.creditFor("a", new Date())).toEqual({ micro: 0, stale: true });
    expect(state.reads).toBe(1);
  });
});
