import { useQuery } from "@tanstack/react-query";
import { createContext, type ReactNode, useContext } from "react";
import { WagmiProvider } from "wagmi";
import { chainQuery } from "../lib/account-queries.ts";
import type { ChainInfo } from "../lib/api-schemas.ts";
import { walletConfig } from "./wagmi-config.ts";

/** This server's chain with a usable RPC URL. */
export type UsableChain = ChainInfo & { rpc_url: string };

const ChainContext = createContext<UsableChain | null>(null);

/** The chain the wallet is configured for; only inside {@link RequireChain}. */
export function useChainInfo(): UsableChain {
  const chain = useContext(ChainContext);
  if (!chain) throw new Error("useChainInfo outside RequireChain");
  return chain;
}

/** The chain when the server has one the browser can reach (then wagmi is provided), else null. */
export function useOptionalChainInfo(): UsableChain | null {
  return useContext(ChainContext);
}

/**
 * Reads `GET /api/chain` and, when the server has a chain, provides wagmi for
 * everything inside. Pages render without a chain too: the parts that need one
 * sit in {@link RequireChain}.
 */
export function WalletProvider({ children }: { children: ReactNode }) {
  const chain = useQuery(chainQuery());
  const usable = chain.data?.rpc_url ? (chain.data as UsableChain) : null;
  if (!usable) return <ChainContext.Provider value={null}>{children}</ChainContext.Provider>;
  return (
    <WagmiProvider config={walletConfig(usable)} reconnectOnMount>
      <ChainContext.Provider value={usable}>{children}</ChainContext.Provider>
    </WagmiProvider>
  );
}

/** Renders its children only when the server has a chain the browser can reach; else says why not. */
export function RequireChain({ children }: { children: ReactNode }) {
  const chain = useQuery(chainQuery());
  const usable = useContext(ChainContext);
  if (chain.isPending) return <p className="muted">Reading the chain settings…</p>;
  if (chain.isError)
    return (
      <p className="error" role="alert">
        Could not read the chain settings: {chain.error.message}
      </p>
    );
  if (!chain.data)
    return <p className="muted">This Masque server has no chain configured, so wallet features are off.</p>;
  if (!usable)
    return (
      <p className="muted">
        This Masque server does not publish an RPC URL for browsers, so wallet features are off.
      </p>
    );
  return <>{children}</>;
}
