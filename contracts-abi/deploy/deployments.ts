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

/** Validates an untrusted value (e.g. a parsed deployments file) and returns it as `Deployments`. */
export function parseDeployments(value: unknown): Deployments {
  const fail = (what: string): never => {
    throw new Error(`invalid deployments: ${what}`);
  };
  if (typeof value !== "object" || value === null) return fail("not an object");
  const v = value as Record<string, unknown>;
  if (v.version !== 1) fail("unsupported version");
  const integer = (key: string) =>
    Number.isSafeInteger(v[key]) && (v[key] as number) >= 0 ? v[key] : fail(key);
  const address = (x: unknown, key: string) =>
    typeof x === "string" && isAddress(x) ? getAddress(x) : fail(key);
  const contracts = (typeof v.contracts === "object" && v.contracts) || fail("contracts");
  const buyback = (typeof v.buyback === "object" && v.buyback) || fail("buyback");
  if (!Array.isArray(v.tiers)) fail("tiers");
  return {
    version: 1,
    chainId: integer("chainId") as number,
    blockNumber: integer("blockNumber") as number,
    deployer: address(v.deployer, "deployer"),
    keeper: address(v.keeper, "keeper"),
    treasury: address(v.treasury, "treasury"),
    emissionStart: integer("emissionStart") as number,
    usdcIsMock: typeof v.usdcIsMock === "boolean" ? v.usdcIsMock : fail("usdcIsMock"),
    usdcDecimals: v.usdcDecimals === 6 ? 6 : fail("usdcDecimals"),
    subscriptionPeriodSeconds: integer("subscriptionPeriodSeconds") as number,
    contracts: Object.fromEntries(
      contractKeys.map((key) => [
        key,
        address((contracts as Record<string, unknown>)[key], `contracts.${key}`),
      ]),
    ) as unknown as DeployedContracts,
    tiers: (v.tiers as unknown[]).map((tier, i) => {
      const t = (typeof tier === "object" && tier) || fail(`tiers[${i}]`);
      const { id, onChainId, pricePerPeriod, buybackPerPeriod } = t as Record<string, unknown>;
      if (typeof id !== "string" || !Number.isInteger(onChainId)) fail(`tiers[${i}]`);
      if (typeof pricePerPeriod !== "string" || !/^\d+$/.test(pricePerPeriod))
        fail(`tiers[${i}].pricePerPeriod`);
      if (typeof buybackPerPeriod !== "string" || !/^\d+$/.test(buybackPerPeriod))
        fail(`tiers[${i}].buybackPerPeriod`);
      return { id, onChainId, pricePerPeriod, buybackPerPeriod } as DeployedTier;
    }),
    buyback: (() => {
      const b = buyback as Record<string, unknown>;
      const n = (key: string) => (Number.isSafeInteger(b[key]) ? (b[key] as number) : fail(`buyback.${key}`));
      return {
        minBatchInterval: n("minBatchInterval"),
        minTwapWindow: n("minTwapWindow"),
        maxDeviationBps: n("maxDeviationBps"),
      };
    })(),
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
