import {
  type Abi,
  type Address,
  BaseError,
  type Chain,
  ContractFunctionRevertedError,
  createPublicClient,
  createTestClient,
  createWalletClient,
  decodeErrorResult,
  defineChain,
  encodeDeployData,
  getContract,
  type Hex,
  type PublicClient,
  parseSignature,
  type TestClient,
  type TransactionReceipt,
  type Transport,
  type WalletClient,
  zeroHash,
} from "viem";
import { type PrivateKeyAccount, privateKeyToAccount } from "viem/accounts";
import { afterAll, afterEach, beforeAll, beforeEach, expect } from "vitest";
import { type AnvilInstance, anvilAccounts, startAnvil } from "../deploy/anvil.ts";
import { type DeployAllOptions, deployAll } from "../deploy/deploy-all.ts";
import type { Deployments } from "../deploy/deployments.ts";
import { gasBufferedHttp } from "../deploy/gas-buffered-transport.ts";
import {
  buybackBurner,
  diem,
  mockUsdc,
  staking,
  subscriptions,
  uniswapV2Pair,
  uniswapV2Router02,
  vvv,
} from "../generated/index.ts";

const allErrors = [
  ...vvv.abi,
  ...staking.abi,
  ...diem.abi,
  ...subscriptions.abi,
  ...buybackBurner.abi,
  ...mockUsdc.abi,
].filter((item) => item.type === "error");

export const WAD = 10n ** 18n;
/** OpenZeppelin's DEFAULT_ADMIN_ROLE (bytes32 zero). */
export const DEFAULT_ADMIN_ROLE = zeroHash;
export const USDC = 10n ** 6n;
export const DAY = 86_400n;

const actorNames = ["deployer", "keeper", "alice", "bob", "carol", "dave", "eve", "mallory"] as const;
export type ActorName = (typeof actorNames)[number];

/** A wallet client that knows its account and chain, so contract writes need neither. */
export type ActorWallet = WalletClient<Transport, Chain, PrivateKeyAccount>;

function contractsFor(d: Deployments, publicClient: PublicClient, wallet: ActorWallet) {
  const client = { public: publicClient, wallet };
  return {
    vvv: getContract({ address: d.contracts.vvv, abi: vvv.abi, client }),
    staking: getContract({ address: d.contracts.staking, abi: staking.abi, client }),
    diem: getContract({ address: d.contracts.diem, abi: diem.abi, client }),
    subscriptions: getContract({ address: d.contracts.subscriptions, abi: subscriptions.abi, client }),
    buyback: getContract({ address: d.contracts.buybackBurner, abi: buybackBurner.abi, client }),
    usdc: getContract({ address: d.contracts.usdc, abi: mockUsdc.abi, client }),
    router: getContract({ address: d.contracts.uniswapV2Router02, abi: uniswapV2Router02.abi, client }),
    pair: getContract({ address: d.contracts.vvvUsdcPair, abi: uniswapV2Pair.abi, client }),
  };
}

export type Contracts = ReturnType<typeof contractsFor>;

export interface TestChain {
  anvil: AnvilInstance;
  deployments: Deployments;
  publicClient: PublicClient;
  testClient: TestClient<"anvil", Transport, Chain>;
  /** Accounts by role; all but deployer and keeper start with 100,000 VVV and 10,000 USDC. */
  accounts: Record<ActorName, PrivateKeyAccount>;
  /** Typed contract instances whose writes are sent by `actor`. */
  as(actor: ActorName): Contracts;
  /** The wallet client of `actor`, e.g. to deploy extra contracts. */
  wallet(actor: ActorName): ActorWallet;
  /** Waits for a write, asserts it succeeded and returns its receipt. */
  mined(write: Promise<Hex>): Promise<TransactionReceipt>;
  /** Timestamp of the latest block. */
  now(): Promise<bigint>;
  /** Timestamp of the block a transaction was mined in. */
  timestampOf(receipt: TransactionReceipt): Promise<bigint>;
  /** Moves time forward by `seconds` and mines a block. */
  warp(seconds: bigint): Promise<void>;
  /** Makes the next block carry `timestamp` (seconds). */
  setNextTimestamp(timestamp: bigint): Promise<void>;
}

/**
 * Starts a private anvil for the current test file (own free port on 127.0.0.1), deploys everything once
 * with `deployAll`, and wraps every test in `evm_snapshot` / `evm_revert` so tests own their chain state.
 * Returns an object whose fields are filled in `beforeAll`.
 */
export function useChain(overrides: Partial<DeployAllOptions> = {}): TestChain {
  const chain = {} as TestChain;
  let snapshot: Hex | undefined;

  beforeAll(async () => {
    const anvil = await startAnvil();
    const devAccounts = anvilAccounts(actorNames.length);
    const accounts = Object.fromEntries(
      actorNames.map((name, i) => [
        name,
        privateKeyToAccount((devAccounts[i] as { privateKey: Hex }).privateKey),
      ]),
    ) as Record<ActorName, PrivateKeyAccount>;
    const deployments = await deployAll({
      rpcUrl: anvil.url,
      deployerKey: (devAccounts[0] as { privateKey: Hex }).privateKey,
      keeper: accounts.keeper.address,
      fundAccounts: actorNames.slice(2).map((name) => accounts[name].address),
      ...overrides,
    });
    const localChain = defineChain({
      id: deployments.chainId,
      name: "anvil",
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [anvil.url] } },
    });
    // Gas estimates get a margin, as a wallet would add: see gasBufferedHttp.
    const transport = gasBufferedHttp(anvil.url);
    const publicClient = createPublicClient({
      chain: localChain,
      transport,
      pollingInterval: 10,
    }) as PublicClient;
    const testClient = createTestClient({ chain: localChain, mode: "anvil", transport });
    const wallets = new Map<ActorName, ActorWallet>();
    const contracts = new Map<ActorName, Contracts>();
    for (const name of actorNames) {
      const wallet = createWalletClient({
        account: accounts[name],
        chain: localChain,
        transport,
        pollingInterval: 10,
      });
      wallets.set(name, wallet);
      contracts.set(name, contractsFor(deployments, publicClient, wallet));
    }

    Object.assign(chain, {
      anvil,
      deployments,
      publicClient,
      testClient,
      accounts,
      as: (actor: ActorName) => contracts.get(actor) as Contracts,
      wallet: (actor: ActorName) => wallets.get(actor) as ActorWallet,
      async mined(write: Promise<Hex>) {
        const receipt = await publicClient.waitForTransactionReceipt({ hash: await write });
        expect(receipt.status).toBe("success");
        return receipt;
      },
      async now() {
        return (await publicClient.getBlock()).timestamp;
      },
      async timestampOf(receipt: TransactionReceipt) {
        return (await publicClient.getBlock({ blockNumber: receipt.blockNumber })).timestamp;
      },
      async warp(seconds: bigint) {
        await testClient.increaseTime({ seconds: Number(seconds) });
        await testClient.mine({ blocks: 1 });
      },
      async setNextTimestamp(timestamp: bigint) {
        await testClient.setNextBlockTimestamp({ timestamp });
      },
    } satisfies Partial<TestChain>);
  });

  beforeEach(async () => {
    snapshot = await chain.testClient.snapshot();
  });

  afterEach(async () => {
    if (snapshot) await chain.testClient.revert({ id: snapshot });
  });

  afterAll(async () => {
    await chain.anvil?.stop();
  });

  return chain;
}

/** The decoded custom error a write or read reverted with. */
export async function revertOf(
  call: Promise<unknown>,
): Promise<{ errorName: string; args: readonly unknown[] }> {
  try {
    await call;
  } catch (error) {
    if (error instanceof BaseError) {
      const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
      if (reverted instanceof ContractFunctionRevertedError && reverted.data) {
        return { errorName: reverted.data.errorName, args: reverted.data.args ?? [] };
      }
      // An error raised by a contract called further down (e.g. Staking under DIEM) is not in the
      // caller's ABI; decode it against all of ours.
      if (reverted instanceof ContractFunctionRevertedError && reverted.raw) {
        const decoded = decodeErrorResult({ abi: allErrors, data: reverted.raw });
        return { errorName: decoded.errorName, args: decoded.args ?? [] };
      }
      if (reverted instanceof ContractFunctionRevertedError && reverted.reason) {
        return { errorName: "Error", args: [reverted.reason] };
      }
    }
    throw error;
  }
  throw new Error("expected the call to revert, but it succeeded");
}

/** Signs an EIP-2612 permit and returns it split into (v, r, s). */
export async function signPermit(
  chain: TestChain,
  owner: ActorName,
  token: { name: string; address: Address },
  spender: Address,
  value: bigint,
  deadline: bigint,
): Promise<{ v: number; r: Hex; s: Hex }> {
  const account = chain.accounts[owner];
  const nonce = await chain.publicClient.readContract({
    address: token.address,
    abi: vvv.abi,
    functionName: "nonces",
    args: [account.address],
  });
  const signature = await account.signTypedData({
    domain: {
      name: token.name,
      version: "1",
      chainId: chain.deployments.chainId,
      verifyingContract: token.address,
    },
    types: {
      Permit: [
        { name: "owner", type: "address" },
        { name: "spender", type: "address" },
        { name: "value", type: "uint256" },
        { name: "nonce", type: "uint256" },
        { name: "deadline", type: "uint256" },
      ],
    },
    primaryType: "Permit",
    message: { owner: account.address, spender, value, nonce, deadline },
  });
  const { r, s, yParity } = parseSignature(signature);
  return { v: yParity + 27, r, s };
}

/** Deploys `artifact` from `actor` and returns its address. */
export async function deployAs(
  chain: TestChain,
  actor: ActorName,
  artifact: { abi: Abi; bytecode: Hex },
  args: readonly unknown[],
): Promise<Address> {
  const hash = await chain
    .wallet(actor)
    .deployContract({ abi: artifact.abi, bytecode: artifact.bytecode, args });
  const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
  expect(receipt.status).toBe("success");
  return receipt.contractAddress as Address;
}

/** The custom error a deployment of `artifact` with `args` reverts with (simulated, nothing is sent). */
export async function deployRevertOf(
  chain: TestChain,
  artifact: { abi: Abi; bytecode: Hex },
  args: readonly unknown[],
): Promise<{ errorName: string; args: readonly unknown[] }> {
  const data = encodeDeployData({ abi: artifact.abi, bytecode: artifact.bytecode, args });
  try {
    await chain.publicClient.call({ account: chain.accounts.deployer.address, data });
  } catch (error) {
    const withData =
      error instanceof BaseError
        ? error.walk((e) => typeof (e as { data?: unknown }).data === "string")
        : null;
    const raw = (withData as { data?: Hex } | null)?.data;
    if (!raw) throw error;
    const decoded = decodeErrorResult({ abi: allErrors, data: raw });
    return { errorName: decoded.errorName, args: decoded.args ?? [] };
  }
  throw new Error("expected the deployment to revert, but it succeeded");
}

/** Asserts that `call` reverts with the custom error `errorName` (and `args`, when given). */
export async function expectRevert(
  call: Promise<unknown>,
  errorName: string,
  args?: readonly unknown[],
): Promise<void> {
  const reverted = await revertOf(call);
  expect(reverted.errorName).toBe(errorName);
  if (args) expect(reverted.args).toEqual(args);
}

/** `address`'s role check failure, as OpenZeppelin AccessControl reports it. */
export function unauthorized(account: Address, role: Hex): [string, readonly unknown[]] {
  return ["AccessControlUnauthorizedAccount", [account, role]];
}
