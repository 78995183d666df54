import type { Deployments } from "@masque/contracts-abi/deploy";
import { ModelUnavailableError } from "@masque/shared";
import { Hono } from "hono";

/** `GET /api/chain`: where the contracts are, so the web app and scripts find them. Public. */
export function chainRoute(deployments: Deployments | undefined, publicRpcUrl: string | undefined) {
  return new Hono().get("/", (c) => {
    if (!deployments)
      throw new ModelUnavailableError("No chain is configured on this server.", "chain_unavailable");
    c.header("cache-control", "public, max-age=60");
    return c.json({
      chain_id: deployments.chainId,
      rpc_url: publicRpcUrl ?? null,
      start_block: deployments.blockNumber,
      contracts: deployments.contracts,
      usdc: { decimals: deployments.usdcDecimals, is_mock: deployments.usdcIsMock },
      subscription_period_seconds: deployments.subscriptionPeriodSeconds,
      emission_start: deployments.emissionStart,
      tiers: deployments.tiers.map((t) => ({
        id: t.id,
        on_chain_id: t.onChainId,
        price_per_period_usdc: t.pricePerPeriod,
        buyback_per_period_usdc: t.buybackPerPeriod,
      })),
    });
  });
}
