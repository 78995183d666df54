import { buybackBurner, diem, mockUsdc, staking, subscriptions, vvv } from "@masque/contracts-abi";
import {
  type Abi,
  BaseError,
  ContractFunctionRevertedError,
  decodeErrorResult,
  type Hex,
  InsufficientFundsError,
  UserRejectedRequestError,
} from "viem";
import { DIEM, formatToken, SVVV, type TokenUnit, USDC } from "./amounts.ts";

/** Every custom error our contracts (and the tokens they call) can revert with, to decode any revert. */
export const contractErrorsAbi: Abi = dedupeErrors([
  ...staking.abi,
  ...diem.abi,
  ...vvv.abi,
  ...subscriptions.abi,
  ...buybackBurner.abi,
  ...mockUsdc.abi,
]);

type AbiError = Extract<Abi[number], { type: "error" }>;

function dedupeErrors(abi: readonly unknown[]): Abi {
  const seen = new Map<string, AbiError>();
  for (const item of abi as Abi) {
    if (item.type !== "error") continue;
    const key = `${item.name}(${item.inputs.map((i) => i.type).join(",")})`;
    if (!seen.has(key)) seen.set(key, item);
  }
  return [...seen.values()];
}

const when = (seconds: unknown) => new Date(Number(seconds) * 1000).toLocaleString();
const big = (v: unknown) => (typeof v === "bigint" ? v : 0n);

type Explain = (args: readonly unknown[], token: TokenUnit | undefined) => string;

/** Plain-language readings of the contracts' custom errors. */
const explanations: Record<string, Explain> = {
  ZeroAmount: () => "The amount must be above zero.",
  ZeroAddress: () => "An address was missing.",
  ERC20InsufficientBalance: ([, balance, needed], token) =>
    token
      ? `Your balance is too low: you have ${formatToken(big(balance), token)} and this needs ${formatToken(big(needed), token)}.`
      : "Your token balance is too low for this.",
  ERC20InsufficientAllowance: ([, allowance, needed], token) =>
    token
      ? `The contract may spend only ${formatToken(big(allowance), token)} of yours and needs ${formatToken(big(needed), token)}: approve it first.`
      : "The contract is not approved to spend enough of your tokens: approve it first.",
  InsufficientUnlockedBalance: ([available, requested]) =>
    `Only ${formatToken(big(available), SVVV)} of your stake is unlocked; this needs ${formatToken(big(requested), SVVV)}.`,
  InsufficientLockedBalance: ([locked, requested]) =>
    `Only ${formatToken(big(locked), SVVV)} is locked; this needs ${formatToken(big(requested), SVVV)}.`,
  NothingToFinalize: () => "Nothing is waiting to be unstaked.",
  CooldownActive: ([unlockTime]) => `Still cooling down: this is possible from ${when(unlockTime)}.`,
  NothingToClaim: () => "There are no rewards to claim yet.",
  NonTransferable: () => "sVVV cannot be transferred.",
  InsufficientDiemOut: ([out, min]) =>
    `The mint would now give ${formatToken(big(out), DIEM)}, under the ${formatToken(big(min), DIEM)} you accepted: the DIEM supply moved. Check the new amount and try again.`,
  BurnExceedsDebt: ([amount, debt]) =>
    `You can burn at most the ${formatToken(big(debt), DIEM)} you minted; this burns ${formatToken(big(amount), DIEM)}.`,
  InsufficientStakedBalance: ([staked, requested]) =>
    `You have ${formatToken(big(staked), DIEM)} staked; this needs ${formatToken(big(requested), DIEM)}.`,
  NothingToUnstake: () => "No DIEM is waiting to be unstaked.",
  MintTooLarge: ([out, max]) =>
    `That mints ${formatToken(big(out), DIEM)}, over the ${formatToken(big(max), DIEM)} one mint may make.`,
  InvalidTier: ([tier]) => `Tier ${String(tier)} does not exist on-chain.`,
  TierNotForSale: ([tier]) => `Tier ${String(tier)} is not for sale on-chain.`,
  InvalidPeriods: ([periods]) => `${String(periods)} months is not a number of months you can pay for.`,
  FaucetLimitExceeded: ([requested, limit]) =>
    `The test faucet gives at most ${formatToken(big(limit), USDC)} at a time (asked ${formatToken(big(requested), USDC)}).`,
};

/** Options of {@link explainError}. */
export interface ExplainErrorOptions {
  /** The token whose amounts ERC-20 errors talk about. */
  token?: TokenUnit;
}

/**
 * A failed wallet request or contract call, in words a person can act on: a
 * declined request, a decoded custom error from the revert data, a require
 * message, missing gas money, else viem's short message.
 */
export function explainError(error: unknown, options: ExplainErrorOptions = {}): string {
  if (!(error instanceof BaseError)) {
    if (error instanceof Error) {
      if (/rejected|denied/i.test(error.message)) return "You declined the request in your wallet.";
      if (/provider not found|no injected/i.test(error.message)) return noWallet;
      return error.message;
    }
    return String(error);
  }
  if (error.walk((e) => e instanceof UserRejectedRequestError || (e as { code?: unknown }).code === 4001))
    return "You declined the request in your wallet.";
  if (error.walk((e) => e instanceof InsufficientFundsError))
    return "Your wallet does not have enough ETH to pay for gas.";
  if (error.walk((e) => (e as Error).name === "ProviderNotFoundError")) return noWallet;
  const reverted = error.walk(
    (e) => e instanceof ContractFunctionRevertedError,
  ) as ContractFunctionRevertedError | null;
  if (reverted) {
    const decoded = reverted.data ?? decodeRevertData(reverted.raw);
    if (decoded) return explainDecoded(decoded.errorName, decoded.args ?? [], options.token);
    if (reverted.reason) return `The contract refused: ${reverted.reason}.`;
    return "The contract refused this without giving a reason.";
  }
  const raw = revertDataIn(error);
  const decoded = decodeRevertData(raw);
  if (decoded) return explainDecoded(decoded.errorName, decoded.args ?? [], options.token);
  return error.shortMessage || error.message;
}

const noWallet = "No browser wallet was found. Install one (MetaMask, Rabby, Coinbase Wallet…) and reload.";

function explainDecoded(name: string, args: readonly unknown[], token: TokenUnit | undefined): string {
  if (name === "Error" && typeof args[0] === "string") return `The contract refused: ${args[0]}.`;
  const explain = explanations[name];
  return explain
    ? explain(args, token)
    : `The contract refused: ${name}(${args.map((a) => String(a)).join(", ")}).`;
}

/** Decodes revert data against every error our contracts define; undefined when it is none of them. */
export function decodeRevertData(
  data: Hex | undefined,
): { errorName: string; args: readonly unknown[] | undefined } | undefined {
  if (!data || data === "0x") return undefined;
  try {
    const decoded = decodeErrorResult({ abi: contractErrorsAbi, data });
    return { errorName: decoded.errorName, args: decoded.args as readonly unknown[] | undefined };
  } catch {
    return undefined;
  }
}

function revertDataIn(error: BaseError): Hex | undefined {
  let found: Hex | undefined;
  error.walk((e) => {
    const data = (e as { data?: unknown }).data;
    const hex = typeof data === "string" ? data : (data as { data?: unknown } | undefined)?.data;
    if (typeof hex === "string" && /^0x[0-9a-fA-F]{8,}$/.test(hex)) {
      found = hex as Hex;
      return true;
    }
    return false;
  });
  return found;
}
