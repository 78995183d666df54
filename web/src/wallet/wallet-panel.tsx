import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { isAddressEqual } from "viem";
import { useConfig, useConnect, useConnection, useConnectors, useDisconnect } from "wagmi";
import { signMessage } from "wagmi/actions";
import { accountQuery } from "../lib/account-queries.ts";
import { explainError } from "./explain-error.ts";
import { signInWithEthereum } from "./sign-in-with-ethereum.ts";
import { useChainInfo } from "./wallet-provider.tsx";

/** `0x1234…abcd`. */
export const shortAddress = (a: string) => `${a.slice(0, 6)}…${a.slice(-4)}`;

function connectorLabel(c: { id: string; name: string; type: string }): string {
  if (c.type === "mock") return "Test wallet";
  if (c.id === "injected") return "Browser wallet";
  return c.name;
}

/** True when the signed-in account is linked to the connected wallet. */
export function useSignedInWithWallet(): boolean {
  const { address } = useConnection();
  const account = useQuery(accountQuery());
  const linked = account.data?.wallet_address;
  return !!address && !!linked && isAddressEqual(linked as `0x${string}`, address);
}

/**
 * Connect a wallet and sign in with it (Sign-In with Ethereum), optionally
 * linking it to the anonymous account this browser uses now.
 */
export function WalletPanel() {
  const chain = useChainInfo();
  const config = useConfig();
  const queryClient = useQueryClient();
  const connection = useConnection();
  const connectors = useConnectors();
  const connect = useConnect();
  const disconnect = useDisconnect();
  const account = useQuery(accountQuery());
  const signedIn = useSignedInWithWallet();
  const linkId = useId();
  const [link, setLink] = useState(true);
  const [signIn, setSignIn] = useState<
    { status: "idle" } | { status: "signing" } | { status: "done" } | { status: "failed"; reason: string }
  >({ status: "idle" });

  if (connection.status !== "connected") {
    return (
      <div className="wallet-panel stack">
        <p>Connect a wallet to pay with USDC and to stake. Masque never holds your keys.</p>
        <div className="row">
          {connectors.map((c) => (
            <button
              key={c.uid}
              type="button"
              className="primary"
              disabled={connect.isPending}
              onClick={() => connect.mutate({ connector: c, chainId: chain.chain_id })}
            >
              Connect {connectorLabel(c)}
            </button>
          ))}
        </div>
        {connect.isPending && (
          <p role="status" className="muted">
            Waiting for your wallet…
          </p>
        )}
        {connect.error && (
          <p role="alert" className="error">
            {explainError(connect.error)}
          </p>
        )}
      </div>
    );
  }

  const address = connection.address;
  const wrongChain = connection.chainId !== chain.chain_id;
  const accountWallet = account.data?.wallet_address;
  return (
    <div className="wallet-panel stack">
      <p className="row">
        <span>
          Connected: <code title={address}>{shortAddress(address)}</code>
          {connection.connector?.name ? ` (${connectorLabel(connection.connector)})` : ""}
        </span>
        <button type="button" className="ghost small" onClick={() => disconnect.mutate({})}>
          Disconnect
        </button>
      </p>
      {wrongChain && (
        <p role="alert" className="error">
          Your wallet is on chain {connection.chainId}; Masque uses chain {chain.chain_id}. Transactions will
          ask to switch.
        </p>
      )}
      {signedIn ? (
        <p className="success" role="status">
          Signed in with this wallet.
        </p>
      ) : (
        <div className="stack">
          <p>
            Sign in with this wallet (Sign-In with Ethereum) so its payments and staked DIEM count for your
            account.
          </p>
          {accountWallet === null && (
            <label className="check" htmlFor={linkId}>
              <input id={linkId} type="checkbox" checked={link} onChange={(e) => setLink(e.target.checked)} />
              Link it to the account this browser uses now (keeps your usage and keys)
            </label>
          )}
          <div className="row">
            <button
              type="button"
              className="primary"
              disabled={signIn.status === "signing"}
              onClick={async () => {
                setSignIn({ status: "signing" });
                try {
                  await signInWithEthereum({
                    address,
                    chainId: chain.chain_id,
                    link: accountWallet === null && link,
                    signMessage: (message) => signMessage(config, { message, account: address }),
                  });
                  setSignIn({ status: "done" });
                  await queryClient.invalidateQueries();
                } catch (error) {
                  setSignIn({ status: "failed", reason: explainError(error) });
                }
              }}
            >
              Sign in with Ethereum
            </button>
          </div>
          {signIn.status === "signing" && (
            <p role="status" className="muted">
              Waiting for your wallet to sign the sign-in message…
            </p>
          )}
          {signIn.status === "failed" && (
            <p role="alert" className="error">
              Sign-in failed: {signIn.reason}
            </p>
          )}
          {accountWallet && !isAddressEqual(accountWallet as `0x${string}`, address) && (
            <p className="muted small-text">
              You are signed in with another wallet ({shortAddress(accountWallet)}); signing in switches to
              this one's account.
            </p>
          )}
        </div>
      )}
    </div>
  );
}
