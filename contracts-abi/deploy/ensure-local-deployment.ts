import { createPublicClient, type Hex, http } from "viem";
import { anvilAccounts } from "./anvil.ts";
import { type DeployAllOptions, deployAll } from "./deploy-all.ts";
import { type Deployments, deployedAddresses, readDeployments, writeDeployments } from "./deployments.ts";

export interface EnsureLocalDeploymentOptions {
  rpcUrl: string;
  /** Where the deployment is recorded, e.g. `$MASQUE_DATA_DIR/deployments.json`. */
  deploymentsFile: string;
  /** Deployer key; default anvil account #0. */
  deployerKey?: Hex;
  /** Keeper address; default anvil account #1. */
  keeper?: DeployAllOptions["keeper"];
  /** Accounts funded with VVV and USDC on a fresh deployment; default anvil accounts #2 to #9. */
  fundAccounts?: DeployAllOptions["fundAccounts"];
  log?: DeployAllOptions["log"];
}

export interface EnsureLocalDeploymentResult {
  deployments: Deployments;
  /** True when `deploymentsFile` matched the chain and was reused; false after a fresh deployment. */
  reused: boolean;
}

/**
 * Deploys once per chain and reuses the deployment afterwards: if `deploymentsFile` exists, names the
 * chain's id and every address in it still has code, it is returned as is; otherwise everything is
 * deployed with `deployAll` (anvil account #0 deploys, #1 is the keeper) and the file is (re)written.
 */
export async function ensureLocalDeployment(
  options: EnsureLocalDeploymentOptions,
): Promise<EnsureLocalDeploymentResult> {
  const client = createPublicClient({ transport: http(options.rpcUrl) });
  const existing = await readDeployments(options.deploymentsFile);
  if (existing && existing.chainId === (await client.getChainId())) {
    const codes = await Promise.all(
      deployedAddresses(existing).map((address) => client.getCode({ address })),
    );
    if (codes.every((code) => code !== undefined && code !== "0x"))
      return { deployments: existing, reused: true };
  }

  const accounts = anvilAccounts(10);
  const [deployer, keeper] = accounts;
  if (!deployer || !keeper) throw new Error("unreachable: anvil has ten dev accounts");
  const deployments = await deployAll({
    rpcUrl: options.rpcUrl,
    deployerKey: options.deployerKey ?? deployer.privateKey,
    keeper: options.keeper ?? keeper.address,
    fundAccounts: options.fundAccounts ?? accounts.slice(2).map((a) => a.address),
    log: options.log,
  });
  await writeDeployments(options.deploymentsFile, deployments);
  return { deployments, reused: false };
}
