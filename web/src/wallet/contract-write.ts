import type { Abi, Address, Hex, PublicClient, TransactionReceipt } from "viem";
import type { Config } from "wagmi";
import {
  getConnection,
  getPublicClient,
  switchChain,
  waitForTransactionReceipt,
  writeContract,
} from "wagmi/actions";
import type { TokenUnit } from "./amounts.ts";
import { explainError } from "./explain-error.ts";

/** One contract call a page asks the wallet to send. */
export interface ContractCall {
  address: Address;
  abi: Abi;
  functionName: string;
  args: readonly unknown[];
}

/** A call with what to call it on screen, and the token its amounts are in (for error messages). */
export interface WriteStep {
  label: string;
  call: ContractCall;
  token?: TokenUnit;
}

/**
 * Where a write is: waiting for the wallet to sign, sent and pending (with its
 * hash), confirmed, or failed with a reason a person can read. `step` and
 * `steps` count a sequence (approve, then subscribe).
 */
export type WriteState =
  | { status: "idle" }
  | { status: "preparing"; label: string; step: number; steps: number }
  | { status: "wallet"; label: string; step: number; steps: number }
  | { status: "pending"; label: string; step: number; steps: number; hash: Hex }
  | { status: "confirmed"; label: string; hash: Hex; blockNumber: bigint }
  | { status: "failed"; label: string; reason: string; hash?: Hex };

/**
 * A gas estimate with the margin a wallet would add: 25% or 100,000 gas,
 * whichever is more. Staking and DIEM use more gas when the block lands a
 * second after the estimate (the emission accumulator settles), so an exact
 * estimate can revert out of gas. Unused gas is not charged.
 */
export function padGas(estimate: bigint): bigint {
  const proportional = (estimate * 25n) / 100n;
  return estimate + (proportional > 100_000n ? proportional : 100_000n);
}

/**
 * Sends each step in turn from the connected wallet and reports its state:
 * simulate first (a revert is explained before the wallet is ever asked),
 * estimate and pad the gas, send, and wait for the receipt. A receipt with
 * status `reverted` is a failure too, explained by replaying the call at the
 * block before. Stops at the first failure; resolves with the last receipt
 * when all confirmed.
 */
export async function runWriteSteps(
  config: Config,
  steps: WriteStep[],
  onState: (state: WriteState) => void,
): Promise<TransactionReceipt | undefined> {
  let last: TransactionReceipt | undefined;
  for (const [i, { label, call, token }] of steps.entries()) {
    const position = { label, step: i + 1, steps: steps.length };
    let hash: Hex | undefined;
    try {
      onState({ status: "preparing", ...position });
      const chainId = config.chains[0].id;
      const connection = getConnection(config);
      const account = connection.address;
      if (!account) throw new Error("Connect your wallet first.");
      if (connection.chainId !== chainId) {
        onState({ status: "wallet", ...position, label: `Switch your wallet to chain ${chainId}` });
        await switchChain(config, { chainId });
      }
      const client = getPublicClient(config, { chainId }) as PublicClient;
      const request = { ...call, account } as never;
      await client.simulateContract(request);
      const gas = padGas(await client.estimateContractGas(request));
      onState({ status: "wallet", ...position });
      hash = await writeContract(config, { ...call, account, chainId, gas } as never);
      onState({ status: "pending", ...position, hash });
      const receipt = await waitForTransactionReceipt(config, { hash, chainId });
      if (receipt.status === "reverted") {
        onState({ status: "failed", label, hash, reason: await revertReason(client, hash, receipt, token) });
        return undefined;
      }
      last = receipt;
      if (i === steps.length - 1)
        onState({ status: "confirmed", label, hash, blockNumber: receipt.blockNumber });
    } catch (error) {
      onState({ status: "failed", label, reason: explainError(error, { token }), ...(hash ? { hash } : {}) });
      return undefined;
    }
  }
  return last;
}

/**
 * Why a mined transaction reverted: out of gas when it used all it had, else
 * the revert its call gives when replayed on the state before its block.
 */
export async function revertReason(
  client: PublicClient,
  hash: Hex,
  receipt: TransactionReceipt,
  token?: TokenUnit,
): Promise<string> {
  try {
    const tx = await client.getTransaction({ hash });
    if (receipt.gasUsed >= tx.gas) return `It ran out of gas (used all ${tx.gas} it was given).`;
    try {
      await client.call({
        account: tx.from,
        to: tx.to,
        data: tx.input,
        value: tx.value,
        gas: tx.gas,
        blockNumber: receipt.blockNumber - 1n,
      });
    } catch (error) {
      return explainError(error, { token });
    }
    return "It reverted on-chain, though the same call succeeds now: the state it depended on changed. Try again.";
  } catch (error) {
    return `It reverted on-chain (${explainError(error)}).`;
  }
}
