/**
 * Deploys Masque's contracts to any chain and writes the addresses file.
 *
 *   MASQUE_CHAIN_RPC=https://… MASQUE_DEPLOYER_KEY=0x… MASQUE_KEEPER_ADDRESS=0x… \
 *     pnpm --filter @masque/contracts-abi deploy
 *
 * Environment:
 *   MASQUE_CHAIN_RPC          JSON-RPC URL (required)
 *   MASQUE_DEPLOYER_KEY       private key of the deployer, who becomes default admin (required)
 *   MASQUE_KEEPER_ADDRESS     account allowed to execute buybacks (required, except on chain 31337
 *                             where anvil account #1 is the default)
 *   MASQUE_DEPLOYMENTS        where to write the addresses file (default ./deployments.json)
 *   MASQUE_CHAIN_ID           if set, refuse to deploy unless the RPC reports this chain id
 *   MASQUE_TREASURY_ADDRESS   treasury (default: the deployer)
 *   MASQUE_ADMIN_DELAY        default admin transfer delay in seconds (default 86400)
 *   MASQUE_USDC_ADDRESS       use this USDC instead of deploying MockUSDC
 *   MASQUE_UNISWAP_V2_ROUTER  use this Uniswap V2 Router02 instead of deploying Uniswap V2
 *   MASQUE_SEED_POOL_VVV, MASQUE_SEED_POOL_USDC
 *                             initial liquidity in whole tokens (defaults: 2,000,000 VVV and
 *                             1,000,000 USDC with MockUSDC, no seeding with a real USDC)
 */
import { resolve } from "node:path";
import { type Address, createPublicClient, type Hex, http, isAddress, isHex, parseUnits } from "viem";
import { anvilAccounts } from "../deploy/anvil.ts";
import { deployAll } from "../deploy/deploy-all.ts";
import { writeDeployments } from "../deploy/deployments.ts";

function fail(message: string): never {
  console.error(`deploy: ${message}`);
  process.exit(1);
}

function optionalAddress(name: string): Address | undefined {
  const value = process.env[name];
  if (value === undefined || value === "") return undefined;
  if (!isAddress(value)) fail(`${name} is not an address`);
  return value;
}

const rpcUrl = process.env.MASQUE_CHAIN_RPC || fail("MASQUE_CHAIN_RPC is required");
const deployerKey = process.env.MASQUE_DEPLOYER_KEY || fail("MASQUE_DEPLOYER_KEY is required");
if (!isHex(deployerKey) || deployerKey.length !== 66) fail("MASQUE_DEPLOYER_KEY must be a 32-byte hex key");
const deploymentsFile = resolve(process.env.MASQUE_DEPLOYMENTS || "deployments.json");

const chainId = await createPublicClient({ transport: http(rpcUrl) }).getChainId();
const expectedChainId = process.env.MASQUE_CHAIN_ID;
if (expectedChainId && Number(expectedChainId) !== chainId) {
  fail(`the RPC reports chain ${chainId}, but MASQUE_CHAIN_ID is ${expectedChainId}`);
}
const keeper =
  optionalAddress("MASQUE_KEEPER_ADDRESS") ??
  (chainId === 31337 ? anvilAccounts(2)[1]?.address : undefined) ??
  fail("MASQUE_KEEPER_ADDRESS is required");

const adminDelay = process.env.MASQUE_ADMIN_DELAY;
if (adminDelay !== undefined && !/^\d+$/.test(adminDelay))
  fail("MASQUE_ADMIN_DELAY must be a whole number of seconds");
const seedVvv = process.env.MASQUE_SEED_POOL_VVV;
const seedUsdc = process.env.MASQUE_SEED_POOL_USDC;
if (Boolean(seedVvv) !== Boolean(seedUsdc))
  fail("set both MASQUE_SEED_POOL_VVV and MASQUE_SEED_POOL_USDC, or neither");

const deployments = await deployAll({
  rpcUrl,
  deployerKey: deployerKey as Hex,
  keeper,
  treasury: optionalAddress("MASQUE_TREASURY_ADDRESS"),
  adminDelaySeconds: adminDelay === undefined ? undefined : Number(adminDelay),
  usdc: optionalAddress("MASQUE_USDC_ADDRESS"),
  uniswapV2Router02: optionalAddress("MASQUE_UNISWAP_V2_ROUTER"),
  seedPool: seedVvv && seedUsdc ? { vvv: parseUnits(seedVvv, 18), usdc: parseUnits(seedUsdc, 6) } : undefined,
  log: (step) => console.log(`  ${step}`),
});
await writeDeployments(deploymentsFile, deployments);
console.log(`deployed to chain ${chainId}; addresses written to ${deploymentsFile}`);
console.log(JSON.stringify(deployments.contracts, null, 2));
