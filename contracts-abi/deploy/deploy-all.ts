import { tiers as sharedTiers, type TierId } from "@masque/shared";
import {
  type Address,
  createPublicClient,
  createWalletClient,
  defineChain,
  getAddress,
  type Hex,
  http,
  isAddressEqual,
  maxUint256,
  type PublicClient,
  parseUnits,
  type TransactionReceipt,
  zeroAddress,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  buybackBurner,
  diem,
  mockUsdc,
  staking,
  subscriptions,
  uniswapV2Factory,
  uniswapV2Router02,
  vvv,
  weth9,
} from "../generated/index.ts";
import type { DeployedTier, Deployments } from "./deployments.ts";
import { gasBufferedHttp } from "./gas-buffered-transport.ts";

/** Price and buyback budget of one tier per 30-day period, in USDC base units (6 decimals). */
export interface TierPricing {
  id: string;
  onChainId: number;
  pricePerPeriod: bigint;
  buybackPerPeriod: bigint;
}

/** Rate limit and price bound of the buyback (see BuybackBurner). */
export interface BuybackParams {
  /** Seconds between batches (at least 600). */
  minBatchInterval: number;
  /** Minimum TWAP window in seconds (at least 300). */
  minTwapWindow: number;
  /** How far `minVvvOut` may sit below the TWAP quote, in basis points (at most 2,000). */
  maxDeviationBps: number;
}

export interface DeployAllOptions {
  rpcUrl: string;
  /** Key of the deploying account, which becomes default admin of every contract. */
  deployerKey: Hex;
  /** Account allowed to execute buybacks; keep it separate from the deployer. */
  keeper: Address;
  /** Receives subscription revenue, the remaining genesis VVV and the pool's LP tokens (default: deployer). */
  treasury?: Address;
  /** Delay of the two-step default admin transfer, in seconds (default 1 day). */
  adminDelaySeconds?: number;
  /** Start of emission month 0, Unix seconds (default: the latest block's timestamp). */
  emissionStart?: number;
  /** An existing USDC; by default a MockUSDC with a faucet is deployed. */
  usdc?: Address;
  /** An existing Uniswap V2 Router02; by default WETH9, the factory and Router02 are deployed. */
  uniswapV2Router02?: Address;
  /** Initial VVV/USDC liquidity; default 2,000,000 VVV + 1,000,000 USDC with MockUSDC, none otherwise. */
  seedPool?: { vvv: bigint; usdc: bigint } | null;
  /** Tier prices; default: the paid tiers of `@masque/shared`. */
  tiers?: TierPricing[];
  /** Buyback tuning; default 1 hour between batches, 30-minute TWAP, 5% deviation. */
  buyback?: Partial<BuybackParams>;
  /** Accounts to hand 100,000 VVV and (MockUSDC only) 10,000 USDC each, for local use. */
  fundAccounts?: Address[];
  /** Progress messages, one per transaction. */
  log?: (message: string) => void;
}

const onChainTierIds: Partial<Record<TierId, number>> = { pro: 1, pro_plus: 2, max: 3 };

/** The paid tiers of `@masque/shared` priced in USDC base units, with their on-chain ids. */
export function defaultTierPricing(): TierPricing[] {
  return Object.values(sharedTiers).flatMap((tier) => {
    const onChainId = onChainTierIds[tier.id];
    if (onChainId === undefined || tier.monthlyPriceUsd === 0) return [];
    return [
      {
        id: tier.id,
        onChainId,
        pricePerPeriod: parseUnits(String(tier.monthlyPriceUsd), 6),
        buybackPerPeriod: parseUnits(String(tier.buybackUsd), 6),
      },
    ];
  });
}

/** Buyback tuning used unless `deployAll` is told otherwise: 1 hour between batches, 30-minute TWAP, 5%. */
export const defaultBuybackParams: BuybackParams = {
  minBatchInterval: 3600,
  minTwapWindow: 1800,
  maxDeviationBps: 500,
};

const MOCK_USDC_SUPPLY = parseUnits("10000000", 6);
const DEFAULT_SEED = { vvv: parseUnits("2000000", 18), usdc: parseUnits("1000000", 6) };
const FUND_VVV = parseUnits("100000", 18);
const FUND_USDC = parseUnits("10000", 6);
const SUBSCRIPTION_PERIOD_SECONDS = 30 * 24 * 60 * 60;

/**
 * Deploys the whole on-chain half of Masque to `rpcUrl` with `deployerKey`: VVV, staking (sVVV), DIEM,
 * Uniswap V2 (unless given), USDC (MockUSDC unless given), a seeded VVV/USDC pool, BuybackBurner and
 * Subscriptions, then wires them: staking is VVV's minter, DIEM is staking's locker, Subscriptions funds
 * the buyback, `keeper` holds KEEPER_ROLE, and the tiers are priced. Waits for every transaction and
 * throws on the first revert.
 */
export async function deployAll(options: DeployAllOptions): Promise<Deployments> {
  const log = options.log ?? (() => {});
  const account = privateKeyToAccount(options.deployerKey);
  const probe = createPublicClient({ transport: http(options.rpcUrl) });
  const chainId = await probe.getChainId();
  const local = chainId === 31337;
  const chain = defineChain({
    id: chainId,
    name: `chain ${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [options.rpcUrl] } },
  });
  const pollingInterval = local ? 25 : 1000;
  const publicClient: PublicClient = createPublicClient({
    chain,
    transport: http(options.rpcUrl),
    pollingInterval,
  });
  const wallet = createWalletClient({
    account,
    chain,
    transport: gasBufferedHttp(options.rpcUrl),
    pollingInterval,
  });

  const deployer = account.address;
  const treasury = options.treasury ?? deployer;
  const adminDelay = options.adminDelaySeconds ?? 24 * 60 * 60;
  const tiers = options.tiers ?? defaultTierPricing();
  const buybackParams = { ...defaultBuybackParams, ...options.buyback };
  const latest = await publicClient.getBlock();
  const emissionStart = options.emissionStart ?? Number(latest.timestamp);
  const firstBlock = Number(latest.number) + 1;

  const confirm = async (label: string, hash: Hex): Promise<TransactionReceipt> => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`deploy step "${label}" reverted (tx ${hash})`);
    log(label);
    return receipt;
  };
  const created = (receipt: TransactionReceipt): Address => {
    if (!receipt.contractAddress) throw new Error(`no contract created by ${receipt.transactionHash}`);
    return getAddress(receipt.contractAddress);
  };

  const vvvAddress = created(
    await confirm(
      "deploy VVV",
      await wallet.deployContract({
        abi: vvv.abi,
        bytecode: vvv.bytecode,
        args: [deployer, BigInt(emissionStart), deployer, adminDelay],
      }),
    ),
  );
  const stakingAddress = created(
    await confirm(
      "deploy Staking",
      await wallet.deployContract({
        abi: staking.abi,
        bytecode: staking.bytecode,
        args: [vvvAddress, deployer, adminDelay],
      }),
    ),
  );
  await confirm(
    "VVV.setMinter(staking)",
    await wallet.writeContract({
      address: vvvAddress,
      abi: vvv.abi,
      functionName: "setMinter",
      args: [stakingAddress],
    }),
  );
  const diemAddress = created(
    await confirm(
      "deploy DIEM",
      await wallet.deployContract({ abi: diem.abi, bytecode: diem.bytecode, args: [stakingAddress] }),
    ),
  );
  await confirm(
    "Staking.setDiem(diem)",
    await wallet.writeContract({
      address: stakingAddress,
      abi: staking.abi,
      functionName: "setDiem",
      args: [diemAddress],
    }),
  );

  const usdcIsMock = options.usdc === undefined;
  const usdcAddress =
    options.usdc ??
    created(
      await confirm(
        "deploy MockUSDC",
        await wallet.deployContract({
          abi: mockUsdc.abi,
          bytecode: mockUsdc.bytecode,
          args: [deployer, MOCK_USDC_SUPPLY],
        }),
      ),
    );

  let routerAddress: Address;
  let factoryAddress: Address;
  let wethAddress: Address;
  if (options.uniswapV2Router02) {
    routerAddress = options.uniswapV2Router02;
    const router = { address: routerAddress, abi: uniswapV2Router02.abi } as const;
    factoryAddress = await publicClient.readContract({ ...router, functionName: "factory" });
    wethAddress = await publicClient.readContract({ ...router, functionName: "WETH" });
  } else {
    wethAddress = created(
      await confirm(
        "deploy WETH9",
        await wallet.deployContract({ abi: weth9.abi, bytecode: weth9.bytecode }),
      ),
    );
    factoryAddress = created(
      await confirm(
        "deploy UniswapV2Factory",
        await wallet.deployContract({
          abi: uniswapV2Factory.abi,
          bytecode: uniswapV2Factory.bytecode,
          args: [deployer],
        }),
      ),
    );
    routerAddress = created(
      await confirm(
        "deploy UniswapV2Router02",
        await wallet.deployContract({
          abi: uniswapV2Router02.abi,
          bytecode: uniswapV2Router02.bytecode,
          args: [factoryAddress, wethAddress],
        }),
      ),
    );
  }

  const factory = { address: factoryAddress, abi: uniswapV2Factory.abi } as const;
  let pairAddress = await publicClient.readContract({
    ...factory,
    functionName: "getPair",
    args: [vvvAddress, usdcAddress],
  });
  if (pairAddress === zeroAddress) {
    await confirm(
      "create VVV/USDC pair",
      await wallet.writeContract({ ...factory, functionName: "createPair", args: [vvvAddress, usdcAddress] }),
    );
    pairAddress = await publicClient.readContract({
      ...factory,
      functionName: "getPair",
      args: [vvvAddress, usdcAddress],
    });
  }

  const seed = options.seedPool === undefined ? (usdcIsMock ? DEFAULT_SEED : null) : options.seedPool;
  if (seed) {
    await confirm(
      "approve router for VVV",
      await wallet.writeContract({
        address: vvvAddress,
        abi: vvv.abi,
        functionName: "approve",
        args: [routerAddress, seed.vvv],
      }),
    );
    await confirm(
      "approve router for USDC",
      await wallet.writeContract({
        address: usdcAddress,
        abi: mockUsdc.abi,
        functionName: "approve",
        args: [routerAddress, seed.usdc],
      }),
    );
    await confirm(
      "seed VVV/USDC pool",
      await wallet.writeContract({
        address: routerAddress,
        abi: uniswapV2Router02.abi,
        functionName: "addLiquidity",
        args: [vvvAddress, usdcAddress, seed.vvv, seed.usdc, seed.vvv, seed.usdc, treasury, maxUint256],
      }),
    );
  }

  const buybackAddress = created(
    await confirm(
      "deploy BuybackBurner",
      await wallet.deployContract({
        abi: buybackBurner.abi,
        bytecode: buybackBurner.bytecode,
        args: [
          deployer,
          adminDelay,
          usdcAddress,
          vvvAddress,
          pairAddress,
          options.keeper,
          BigInt(buybackParams.minBatchInterval),
          BigInt(buybackParams.minTwapWindow),
          BigInt(buybackParams.maxDeviationBps),
        ],
      }),
    ),
  );
  const subscriptionsAddress = created(
    await confirm(
      "deploy Subscriptions",
      await wallet.deployContract({
        abi: subscriptions.abi,
        bytecode: subscriptions.bytecode,
        args: [deployer, adminDelay, usdcAddress, buybackAddress, treasury],
      }),
    ),
  );
  const funderRole = await publicClient.readContract({
    address: buybackAddress,
    abi: buybackBurner.abi,
    functionName: "FUNDER_ROLE",
  });
  await confirm(
    "BuybackBurner.grantRole(FUNDER_ROLE, subscriptions)",
    await wallet.writeContract({
      address: buybackAddress,
      abi: buybackBurner.abi,
      functionName: "grantRole",
      args: [funderRole, subscriptionsAddress],
    }),
  );
  for (const tier of tiers) {
    await confirm(
      `Subscriptions.setTier(${tier.id})`,
      await wallet.writeContract({
        address: subscriptionsAddress,
        abi: subscriptions.abi,
        functionName: "setTier",
        args: [tier.onChainId, tier.pricePerPeriod, tier.buybackPerPeriod],
      }),
    );
  }

  for (const recipient of options.fundAccounts ?? []) {
    await confirm(
      `fund ${recipient} with VVV`,
      await wallet.writeContract({
        address: vvvAddress,
        abi: vvv.abi,
        functionName: "transfer",
        args: [recipient, FUND_VVV],
      }),
    );
    if (usdcIsMock) {
      await confirm(
        `fund ${recipient} with USDC`,
        await wallet.writeContract({
          address: usdcAddress,
          abi: mockUsdc.abi,
          functionName: "faucet",
          args: [recipient, FUND_USDC],
        }),
      );
    }
  }

  if (!isAddressEqual(treasury, deployer)) {
    const rest = await publicClient.readContract({
      address: vvvAddress,
      abi: vvv.abi,
      functionName: "balanceOf",
      args: [deployer],
    });
    if (rest > 0n) {
      await confirm(
        "send remaining genesis VVV to the treasury",
        await wallet.writeContract({
          address: vvvAddress,
          abi: vvv.abi,
          functionName: "transfer",
          args: [treasury, rest],
        }),
      );
    }
  }

  const deployedTiers: DeployedTier[] = tiers.map((tier) => ({
    id: tier.id,
    onChainId: tier.onChainId,
    pricePerPeriod: tier.pricePerPeriod.toString(),
    buybackPerPeriod: tier.buybackPerPeriod.toString(),
  }));
  return {
    version: 1,
    chainId,
    blockNumber: firstBlock,
    deployer,
    keeper: options.keeper,
    treasury,
    emissionStart,
    usdcIsMock,
    usdcDecimals: 6,
    subscriptionPeriodSeconds: SUBSCRIPTION_PERIOD_SECONDS,
    contracts: {
      vvv: vvvAddress,
      staking: stakingAddress,
      diem: diemAddress,
      subscriptions: subscriptionsAddress,
      buybackBurner: buybackAddress,
      usdc: usdcAddress,
      weth9: wethAddress,
      uniswapV2Factory: factoryAddress,
      uniswapV2Router02: routerAddress,
      vvvUsdcPair: pairAddress,
    },
    tiers: deployedTiers,
    buyback: buybackParams,
  };
}
