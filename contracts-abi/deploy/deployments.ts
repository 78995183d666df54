import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { type Address, getAddress, isAddress } from "viem";

/** Addresses of everything `deployAll` deploys or reuses. */
export interface DeployedContracts {
  vvv: Address;
  staking: Address;
  diem: Address;
  subscriptions: Address;
  buybackBurner: Address;
  /** MockUSDC on local chains, the real USDC elsewhere. */
  usdc: Address;
  weth9: Address;
  uniswapV2Factory: Address;
  uniswapV2Router02: Address;
  /** The VVV/USDC Uniswap V2 pair the buyback trades on. */
  vvvUsdcPair: Address;
}

/** A subscription tier as configured on-chain; amounts are USDC base units (6 decimals) as decimal strings. */
export interface DeployedTier {
  /** Tier id in `@masque/shared` (`pro`, `pro_plus`, `max`). */
  id: string;
  /** The `uint8` tier id used by the Subscriptions contract. */
  onChainId: number;
  pricePerPeriod: string;
  buybackPerPeriod: string;
}

/** What a deployment produced. Plain JSON (no bigint), written to `deployments.json`. */
export interface Deployments {
  /** Format version of this object. */
  version: 1;
  chainId: number;
  /** Block of the first deployment transaction: indexers start reading events here. */
  blockNumber: number;
  deployer: Address;
  keeper: Address;
  treasury: Address;
  /** Start of emission month 0, Unix seconds. */
  emissionStart: number;
  /** Whether `contracts.usdc` is the MockUSDC with an open faucet. */
  usdcIsMock: boolean;
  usdcDecimals: 6;
  /** Length of one paid subscription period, in seconds (30 days). */
  subscriptionPeriodSeconds: number;
  contracts: DeployedContracts;
  tiers: DeployedTier[];
  buyback: { minBatchInterval: number; minTwapWindow: number; maxDeviationBps: number };
}

const contractKeys = [
  "vvv",
  "staking",
  "diem",
  "subscriptions",
  "buybackBurner",
  "usdc",
  "weth9",
  "uniswapV2Factory",
  "uniswapV2Router02",
  "vvvUsdcPair",
] as const satisfies readonly (keyof DeployedContracts)[];

type Fields = Record<string, unknown>;

function fail(what: string): never {
  throw new Error(`invalid deployments: ${what}`);
}

function object(value: unknown, path: string): Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Fields)
    : fail(path);
}

function count(fields: Fields, key: string, path = key): number {
  const value = fields[key];
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : fail(path);
}

function address(fields: Fields, key: string, path = key): Address {
  const value = fields[key];
  return typeof value === "string" && isAddress(value) ? getAddress(value) : fail(path);
}

function decimalString(fields: Fields, key: string, path: string): string {
  const value = fields[key];
  return typeof value === "string" && /^\d+$/.test(value) ? value : fail(path);
}

/** Validates an untrusted value (e.g. a parsed deployments file) and returns it as `Deployments`. */
export function parseDeployments(value: unknown): Deployments {
  const v = object(value, "not an object");
  if (v.version !== 1) fail("unsupported version");
  if (v.usdcDecimals !== 6) fail("usdcDecimals");
  if (typeof v.usdcIsMock !== "boolean") fail("usdcIsMock");
  if (!Array.isArray(v.tiers)) fail("tiers");
  const contracts = object(v.contracts, "contracts");
  const buyback = object(v.buyback, "buyback");
  return {
    version: 1,
    chainId: count(v, "chainId"),
    blockNumber: count(v, "blockNumber"),
    deployer: address(v, "deployer"),
    keeper: address(v, "keeper"),
    treasury: address(v, "treasury"),
    emissionStart: count(v, "emissionStart"),
    usdcIsMock: v.usdcIsMock,
    usdcDecimals: 6,
    subscriptionPeriodSeconds: count(v, "subscriptionPeriodSeconds"),
    contracts: Object.fromEntries(
      contractKeys.map((key) => [key, address(contracts, key, `contracts.${key}`)]),
    ) as Record<(typeof contractKeys)[number], Address>,
    tiers: v.tiers.map((item: unknown, i: number) => {
      const tier = object(item, `tiers[${i}]`);
      return {
        id: typeof tier.id === "string" ? tier.id : fail(`tiers[${i}].id`),
        onChainId: count(tier, "onChainId", `tiers[${i}].onChainId`),
        pricePerPeriod: decimalString(tier, "pricePerPeriod", `tiers[${i}].pricePerPeriod`),
        buybackPerPeriod: decimalString(tier, "buybackPerPeriod", `tiers[${i}].buybackPerPeriod`),
      };
    }),
    buyback: {
      minBatchInterval: count(buyback, "minBatchInterval", "buyback.minBatchInterval"),
      minTwapWindow: count(buyback, "minTwapWindow", "buyback.minTwapWindow"),
      maxDeviationBps: count(buyback, "maxDeviationBps", "buyback.maxDeviationBps"),
    },
  };
}

/** Reads and validates a deployments file; `undefined` if it does not exist. */
export async function readDeployments(file: string): Promise<Deployments | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  return parseDeployments(JSON.parse(text));
}

/** Writes a deployments file atomically (temp file, then rename), creating its directory. */
export async function writeDeployments(file: string, deployments: Deployments): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(deployments, null, 2)}\n`);
  await rename(temporary, file);
}

/** Every contract address of a deployment, for code checks and indexers. */
export function deployedAddresses(deployments: Deployments): Address[] {
  return contractKeys.map((key) => deployments.contracts[key]);
}
