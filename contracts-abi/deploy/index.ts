export {
  ANVIL_MNEMONIC,
  type AnvilInstance,
  anvilAccounts,
  anvilBinaryPath,
  type DevAccount,
  type StartAnvilOptions,
  startAnvil,
} from "./anvil.ts";
export {
  type BuybackParams,
  type DeployAllOptions,
  defaultBuybackParams,
  defaultTierPricing,
  deployAll,
  type TierPricing,
} from "./deploy-all.ts";
export {
  type DeployedContracts,
  type DeployedTier,
  type Deployments,
  deployedAddresses,
  parseDeployments,
  readDeployments,
  writeDeployments,
} from "./deployments.ts";
export {
  type EnsureLocalDeploymentOptions,
  type EnsureLocalDeploymentResult,
  ensureLocalDeployment,
} from "./ensure-local-deployment.ts";
export { gasBufferedHttp } from "./gas-buffered-transport.ts";
