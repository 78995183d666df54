import { anvilAccounts, type Deployments } from "@masque/contracts-abi/deploy";
import { type Account, isAddressEqual } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { Config } from "../config/env.ts";

const LOCAL_CHAIN_ID = 31337;

export interface ChainSettings {
  rpcUrl: string | undefined;
  /** Signs buyback batches (KEEPER_ROLE). */
  keeper: Account | undefined;
  /** Deposits card revenue's buyback budget (the Subscriptions admin, holding USDC). */
  treasury: Account | undefined;
}

/**
 * Where the chain is and who signs for the buyback job. Configured values win; on the local dev chain
 * that `pnpm start` runs, the defaults are its RPC port and the anvil dev accounts the local deployment
 * gave the keeper and admin roles (their keys are public: never a default anywhere else), so the
 * embedded run and `pnpm masque jobs run buyback` work with no settings.
 */
export function chainSettings(config: Config, deployments: Deployments | undefined): ChainSettings {
  const local = deployments?.chainId === LOCAL_CHAIN_ID;
  const dev = (address: `0x${string}` | undefined) => {
    const found = local && address && anvilAccounts(10).find((a) => isAddressEqual(a.address, address));
    return found ? privateKeyToAccount(found.privateKey) : undefined;
  };
  const account = (key: `0x${string}` | undefined) => (key ? privateKeyToAccount(key) : undefined);
  return {
    rpcUrl: config.chainRpc ?? (local ? `http://${config.host}:${config.chainPort}` : undefined),
    keeper: account(config.buyback.keeperKey) ?? dev(deployments?.keeper),
    treasury: account(config.buyback.treasuryKey) ?? dev(deployments?.deployer),
  };
}
