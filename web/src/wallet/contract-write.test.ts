import { describe, expect, it } from "vitest";
import { padGas } from "./contract-write.ts";

describe("padGas", () => {
  it("adds 25% or 100,000 gas, whichever is more, as a wallet would", () => {
    expect(padGas(21_000n)).toBe(121_000n);
    expect(padGas(400_000n)).toBe(500_000n);
    expect(padGas(1_000_000n)).toBe(1_250_000n);
  });
});
