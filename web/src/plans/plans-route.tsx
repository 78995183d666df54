import { mockUsdc, subscriptions } from "@masque/contracts-abi";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";
import type { Address } from "viem";
import { useConfig, useConnection, useReadContract } from "wagmi";
import { readContract } from "wagmi/actions";
import { accountQuery, plansQuery } from "../lib/account-queries.ts";
import { apiFetch } from "../lib/api-fetch.ts";
import type { Plan } from "../lib/api-schemas.ts";
import { Card, PageShell } from "../lib/page-shell.tsx";
import { formatToken, USDC } from "../wallet/amounts.ts";
import type { WriteStep } from "../wallet/contract-write.ts";
import { useContractWrite } from "../wallet/use-contract-write.ts";
import { useSignedInWithWallet, WalletPanel } from "../wallet/wallet-panel.tsx";
import {
  RequireChain,
  useChainInfo,
  useOptionalChainInfo,
  WalletProvider,
} from "../wallet/wallet-provider.tsx";
import { WriteStatus } from "../wallet/write-status.tsx";
import { planFacts, renewalText } from "./plan-facts.ts";

/** The plans page: the four tiers, the current one, and paying with USDC or a card. */
export default function PlansRoute() {
  return (
    <PageShell
      title="Plans"
      intro="Pay by the month with USDC from your wallet or by card. Part of every payment buys back and burns VVV."
    >
      <WalletProvider>
        <Plans />
      </WalletProvider>
    </PageShell>
  );
}

function Plans() {
  const plans = useQuery(plansQuery());
  const account = useQuery(accountQuery());
  const chain = useOptionalChainInfo();
  const [months, setMonths] = useState(1);
  const monthsId = useId();
  const checkout = new URLSearchParams(location.search).get("checkout");
  const current = plans.data?.plans.find((p) => p.id === account.data?.tier);

  return (
    <>
      {checkout === "success" && (
        <p className="banner success" role="status">
          Card payment received. Your plan changes as soon as Stripe confirms it to Masque.
        </p>
      )}
      {checkout === "cancelled" && (
        <p className="banner" role="status">
          Card payment cancelled; nothing was charged.
        </p>
      )}
      <Card title="Your plan">
        {account.isPending ? (
          <p className="muted">Loading…</p>
        ) : account.isError ? (
          <p className="error" role="alert">
            {account.error.message}
          </p>
        ) : (
          <p data-testid="current-plan">
            {renewalText(current?.name ?? account.data.tier, account.data.paid_until)}
          </p>
        )}
      </Card>

      <Card title="Pay with USDC">
        <RequireChain>
          <WalletPanel />
          {chain && <UsdcBalance />}
        </RequireChain>
      </Card>

      <div className="row plans-months">
        <div className="field inline">
          <label htmlFor={monthsId}>Months to pay for</label>
          <select id={monthsId} value={months} onChange={(e) => setMonths(Number(e.target.value))}>
            {[1, 2, 3, 6, 12].map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </div>
        <span className="muted small-text">
          {plans.data?.cardPayments === false
            ? "Card payment is off on this server; pay with USDC."
            : "Card payments are one month at a time."}
        </span>
      </div>

      {plans.isError && (
        <p className="error" role="alert">
          Could not load the plans: {plans.error.message}
        </p>
      )}
      <ul className="plan-grid" aria-label="Plans">
        {plans.data?.plans.map((plan) => (
          <li key={plan.id} className={`plan${plan.id === account.data?.tier ? " current" : ""}`}>
            <h3>{plan.name}</h3>
            <p className="price">
              {plan.monthly_price_usd === 0 ? "Free" : `$${plan.monthly_price_usd}`}
              {plan.monthly_price_usd > 0 && <span className="muted"> / month</span>}
            </p>
            {plan.id === account.data?.tier && <p className="tag">Current plan</p>}
            <ul className="facts">
              {planFacts(plan).map((f) => (
                <li key={f}>{f}</li>
              ))}
            </ul>
            {plan.monthly_price_usd > 0 && (
              <div className="stack">
                {chain && <UsdcSubscribe plan={plan} months={months} />}
                {plans.data?.cardPayments && <CardCheckout plan={plan} />}
              </div>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}

function UsdcBalance() {
  const chain = useChainInfo();
  const { address } = useConnection();
  const balance = useReadContract({
    address: chain.contracts.usdc,
    abi: mockUsdc.abi,
    functionName: "balanceOf",
    args: address ? [address] : undefined,
    query: { enabled: !!address },
  });
  const faucet = useContractWrite();
  if (!address) return null;
  return (
    <div className="stack">
      <p>
        Your USDC: <strong>{balance.data === undefined ? "…" : formatToken(balance.data, USDC, 2)}</strong>
      </p>
      {chain.usdc.is_mock && (
        <div className="stack">
          <div className="row">
            <button
              type="button"
              className="ghost small"
              disabled={faucet.busy}
              onClick={() =>
                void faucet.run([
                  {
                    label: "Get 1,000 test USDC",
                    call: {
                      address: chain.contracts.usdc,
                      abi: mockUsdc.abi,
                      functionName: "faucet",
                      args: [address, 1_000_000_000n],
                    },
                  },
                ])
              }
            >
              Get 1,000 test USDC
            </button>
            <span className="muted small-text">This chain's USDC is a test token.</span>
          </div>
          <WriteStatus state={faucet.state} chainId={chain.chain_id} />
        </div>
      )}
    </div>
  );
}

/** Pays for `months` of a tier with USDC: approve (when the allowance is short), then subscribe. */
function UsdcSubscribe({ plan, months }: { plan: Plan; months: number }) {
  const chain = useChainInfo();
  const config = useConfig();
  const { address } = useConnection();
  const signedIn = useSignedInWithWallet();
  const write = useContractWrite();
  const [awaitingTier, setAwaitingTier] = useState(false);
  const account = useQuery({ ...accountQuery(), refetchInterval: awaitingTier ? 1_000 : false });
  const onChain = chain.tiers.find((t) => t.id === plan.id);
  const activated = awaitingTier && account.data?.tier === plan.id && account.data.paid_until !== null;
  useEffect(() => {
    if (activated) setAwaitingTier(false);
  }, [activated]);
  if (!onChain) return <p className="muted small-text">{plan.name} is not sold on-chain.</p>;
  const amount = BigInt(onChain.price_per_period_usdc) * BigInt(months);
  const subscribe = () =>
    write
      .run(async (): Promise<WriteStep[]> => {
        if (!address) throw new Error("Connect your wallet first.");
        const allowance = await readContract(config, {
          address: chain.contracts.usdc,
          abi: mockUsdc.abi,
          functionName: "allowance",
          args: [address, chain.contracts.subscriptions as Address],
        });
        const steps: WriteStep[] = [];
        if (allowance < amount)
          steps.push({
            label: `Approve ${formatToken(amount, USDC, 2)}`,
            token: USDC,
            call: {
              address: chain.contracts.usdc,
              abi: mockUsdc.abi,
              functionName: "approve",
              args: [chain.contracts.subscriptions, amount],
            },
          });
        steps.push({
          label: `Subscribe to ${plan.name} for ${months} month${months === 1 ? "" : "s"}`,
          token: USDC,
          call: {
            address: chain.contracts.subscriptions,
            abi: subscriptions.abi,
            functionName: "subscribe",
            args: [onChain.on_chain_id, BigInt(months)],
          },
        });
        return steps;
      })
      .then((receipt) => {
        if (receipt) setAwaitingTier(true);
      });
  return (
    <div className="stack">
      <button
        type="button"
        className="primary"
        disabled={!address || !signedIn || write.busy}
        onClick={() => void subscribe()}
      >
        Subscribe to {plan.name} with USDC
      </button>
      <p className="muted small-text">
        {formatToken(amount, USDC, 2)} for {months} month{months === 1 ? "" : "s"}
      </p>
      {!address && <p className="muted small-text">Connect a wallet above to pay with USDC.</p>}
      {address && !signedIn && (
        <p className="muted small-text">
          Sign in with your wallet above first, so the payment reaches your account.
        </p>
      )}
      <WriteStatus state={write.state} chainId={chain.chain_id} />
      {awaitingTier && (
        <p role="status" className="muted">
          Waiting for Masque to see the payment on-chain…
        </p>
      )}
      {write.state.status === "confirmed" && !awaitingTier && account.data?.tier === plan.id && (
        <p role="status" className="success">
          You are on {plan.name} now.
        </p>
      )}
    </div>
  );
}

/** Pays for one month by card through Stripe Checkout. */
function CardCheckout({ plan }: { plan: Plan }) {
  const checkout = useMutation({
    mutationFn: async () => {
      const res = await apiFetch("/api/billing/checkout", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ tier: plan.id }),
      });
      const { url } = (await res.json()) as { url: string };
      location.assign(url);
    },
  });
  return (
    <>
      <button type="button" className="ghost" disabled={checkout.isPending} onClick={() => checkout.mutate()}>
        {checkout.isPending ? "Opening checkout…" : `Pay for ${plan.name} by card`}
      </button>
      {checkout.error && (
        <p role="alert" className="error">
          {checkout.error.message}
        </p>
      )}
    </>
  );
}
