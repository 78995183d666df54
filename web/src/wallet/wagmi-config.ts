import { type Address, type Chain, defineChain, isAddress } from "viem";
import { type Config, createConfig, http, injected, mock } from "wagmi";
import type { ChainInfo } from "../lib/api-schemas.ts";

/** The local development chain (anvil); the only chain the test wallet works on. */
export const LOCAL_CHAIN_ID = 31337;

/**
 * localStorage key naming an address for wagmi's mock connector. Browser tests
 * set it to an anvil account, whose node signs for it; it is honoured on the
 * local chain only, where such accounts exist.
 */
export const TEST_WALLET_KEY = "masque.testWallet";

/** The chain `GET /api/chain` describes, as viem and wagmi want it. */
export function chainFrom(info: ChainInfo & { rpc_url: string }): Chain {
  return defineChain({
    id: info.chain_id,
    name: info.chain_id === LOCAL_CHAIN_ID ? "Local chain" : `Chain ${info.chain_id}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [info.rpc_url] } },
  });
}

/** The address the test wallet should use, if a browser test asked for one on the local chain. */
export function testWalletAddress(chainId: number, storage: Pick<Storage, "getItem">): Address | undefined {
  if (chainId !== LOCAL_CHAIN_ID) return undefined;
  const value = storage.getItem(TEST_WALLET_KEY);
  return value && isAddress(value) ? value : undefined;
}

let cached: { key: string; config: Config } | undefined;

/**
 * The wagmi config for this server's chain: the browser's injected wallet
 * (and any EIP-6963 wallet it announces), plus the mock connector when a test
 * asked for it. One per chain, kept across page changes so the connection is.
 */
export function walletConfig(info: ChainInfo & { rpc_url: string }): Config {
  const testAddress = testWalletAddress(info.chain_id, localStorage);
  const key = `${info.chain_id}|${info.rpc_url}|${testAddress ?? ""}`;
  if (cached?.key === key) return cached.config;
  const chain = chainFrom(info);
  const config = createConfig({
    chains: [chain],
    connectors: [
      injected(),
      ...(testAddress ? [mock({ accounts: [testAddress], features: { reconnect: true } })] : []),
    ],
    transports: { [chain.id]: http(info.rpc_url) },
  });
  cached = { key, config };
  return config;
}
