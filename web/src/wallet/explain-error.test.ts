import { diem, staking, subscriptions } from "@masque/contracts-abi";
import {
  BaseError,
  ContractFunctionExecutionError,
  ContractFunctionRevertedError,
  encodeErrorResult,
  UserRejectedRequestError,
} from "viem";
import { describe, expect, it } from "vitest";
import { USDC } from "./amounts.ts";
import { decodeRevertData, explainError } from "./explain-error.ts";

/** A revert as viem reports a failed simulateContract / writeContract. */
function reverted(abi: readonly unknown[], functionName: string, data: `0x${string}`) {
  const cause = new ContractFunctionRevertedError({ abi: abi as never, data, functionName });
  return new ContractFunctionExecutionError(cause, { abi: abi as never, functionName, args: [] });
}

describe("explainError", () => {
  it("reads a contract's custom error in words, with amounts in their token", () => {
    const data = encodeErrorResult({
      abi: staking.abi,
      errorName: "InsufficientUnlockedBalance",
      args: [5n * 10n ** 18n, 7n * 10n ** 18n],
    });
    expect(explainError(reverted(staking.abi, "initiateUnstake", data))).toBe(
      "Only 5 sVVV of your stake is unlocked; this needs 7 sVVV.",
    );
    const slip = encodeErrorResult({
      abi: diem.abi,
      errorName: "InsufficientDiemOut",
      args: [9n * 10n ** 18n, 10n ** 19n],
    });
    expect(explainError(reverted(diem.abi, "mintDiem", slip))).toMatch(
      /would now give 9 DIEM, under the 10 DIEM/,
    );
  });

  it("decodes a token's error raised inside another contract's call (USDC under subscribe)", () => {
    const data = encodeErrorResult({
      abi: [
        {
          type: "error",
          name: "ERC20InsufficientAllowance",
          inputs: [
            { name: "spender", type: "address" },
            { name: "allowance", type: "uint256" },
            { name: "needed", type: "uint256" },
          ],
        },
      ],
      errorName: "ERC20InsufficientAllowance",
      args: ["0x0000000000000000000000000000000000000001", 0n, 18_000_000n],
    });
    expect(explainError(reverted(subscriptions.abi, "subscribe", data), { token: USDC })).toBe(
      "The contract may spend only 0 USDC of yours and needs 18 USDC: approve it first.",
    );
  });

  it("says when the user declined in the wallet", () => {
    const error = new BaseError("request failed", {
      cause: new UserRejectedRequestError(new Error("User rejected")),
    });
    expect(explainError(error)).toBe("You declined the request in your wallet.");
  });

  it("gives require messages and unknown data as they are", () => {
    const data = encodeErrorResult({
      abi: [{ type: "error", name: "Error", inputs: [{ name: "message", type: "string" }] }],
      errorName: "Error",
      args: ["UniswapV2: K"],
    });
    expect(explainError(reverted(staking.abi, "stake", data))).toBe("The contract refused: UniswapV2: K.");
    expect(decodeRevertData("0x12345678")).toBeUndefined();
    expect(explainError(new Error("boom"))).toBe("boom");
  });
});
