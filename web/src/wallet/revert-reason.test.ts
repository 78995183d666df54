import { staking } from "@masque/contracts-abi";
import {
  encodeErrorResult,
  type Hex,
  type PublicClient,
  RawContractError,
  type TransactionReceipt,
} from "viem";
import { describe, expect, it } from "vitest";
import { revertReason } from "./contract-write.ts";

const hash = `0x${"11".repeat(32)}` as Hex;
const receipt = (gasUsed: bigint) =>
  ({ status: "reverted", gasUsed, blockNumber: 50n }) as TransactionReceipt;

/** Just enough of a public client for revertReason: the transaction, and a replay of its call. */
function client(gas: bigint, replay: () => Promise<unknown>, calls: unknown[] = []): PublicClient {
  return {
    getTransaction: async () => ({ from: "0x1", to: "0x2", input: "0x", value: 0n, gas }),
    call: async (args: unknown) => {
      calls.push(args);
      return replay();
    },
  } as unknown as PublicClient;
}

describe("revertReason (a mined transaction with status 'reverted')", () => {
  it("says it ran out of gas when it used all it was given", async () => {
    expect(
      await revertReason(
        client(200_000n, async () => ({})),
        hash,
        receipt(200_000n),
      ),
    ).toBe("It ran out of gas (used all 200000 it was given).");
  });

  it("replays the call on the state before its block and reads the revert", async () => {
    const calls: unknown[] = [];
    const data = encodeErrorResult({ abi: staking.abi, errorName: "NothingToClaim" });
    const reason = await revertReason(
      client(
        500_000n,
        async () => {
          throw new RawContractError({ data });
        },
        calls,
      ),
      hash,
      receipt(40_000n),
    );
    expect(reason).toBe("There are no rewards to claim yet.");
    expect(calls[0]).toMatchObject({ blockNumber: 49n, gas: 500_000n });
  });

  it("says so when the call succeeds on replay (the state moved)", async () => {
    expect(
      await revertReason(
        client(500_000n, async () => ({ data: "0x" })),
        hash,
        receipt(40_000n),
      ),
    ).toMatch(/same call succeeds now/);
  });
});
