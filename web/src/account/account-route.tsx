import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { accountQuery, billingHistoryQuery, plansQuery } from "../lib/account-queries.ts";
import { AppLink } from "../lib/app-link.tsx";
import { Card, PageShell } from "../lib/page-shell.tsx";
import { ensureSession, forgetSession } from "../lib/session.ts";
import { renewalText } from "../plans/plan-facts.ts";
import { WalletPanel } from "../wallet/wallet-panel.tsx";
import { RequireChain, WalletProvider } from "../wallet/wallet-provider.tsx";

const usd = (n: number) => `$${n.toFixed(2)}`;

const kinds: Record<string, string> = {
  subscription_usdc: "Plan, paid with USDC",
  subscription_card: "Plan, paid by card",
  credit_payment: "Credit bought",
  credit_grant: "Credit granted",
};

/** The account: plan, balances, the wallet it signs in with, and its payments. */
export default function AccountRoute() {
  return (
    <PageShell
      title="Account"
      intro="Anonymous by default: Masque knows this browser only by a random secret, and a wallet only if you sign in with one."
    >
      <WalletProvider>
        <Account />
      </WalletProvider>
    </PageShell>
  );
}

function Account() {
  const queryClient = useQueryClient();
  const account = useQuery(accountQuery());
  const plans = useQuery(plansQuery());
  const history = useQuery(billingHistoryQuery());
  const logout = useMutation({
    mutationFn: async () => {
      await fetch("/api/auth/logout", { method: "POST" });
      forgetSession();
      await ensureSession();
    },
    onSettled: () => queryClient.invalidateQueries(),
  });
  const a = account.data;
  const tierName = plans.data?.plans.find((p) => p.id === a?.tier)?.name ?? a?.tier ?? "";
  return (
    <>
      <Card title="Plan and balances">
        {account.isPending && <p className="muted">Loading…</p>}
        {account.isError && (
          <p className="error" role="alert">
            {account.error.message}
          </p>
        )}
        {a && (
          <>
            <p>
              {renewalText(tierName, a.paid_until)} <AppLink to="/plans">See plans</AppLink>
            </p>
            <dl className="stats">
              <div>
                <dt>Plan credit left this month</dt>
                <dd>{usd(a.balances.plan_credit)}</dd>
              </div>
              <div>
                <dt>USD balance</dt>
                <dd>{usd(a.balances.usd)}</dd>
              </div>
              <div>
                <dt>DIEM credit today</dt>
                <dd>
                  {usd(a.diem.left_today)} of {usd(a.diem.credit_today)} left
                  {a.diem.stale ? " (stale chain read)" : ""}
                </dd>
              </div>
              <div>
                <dt>Today</dt>
                <dd>
                  {a.usage_today.requests} requests,{" "}
                  {a.usage_today.prompt_tokens + a.usage_today.completion_tokens} tokens
                  {a.usage_today.daily_app_prompts !== null
                    ? ` (app limit ${a.usage_today.daily_app_prompts} prompts)`
                    : ""}
                </dd>
              </div>
            </dl>
            <p className="muted small-text">
              Account <code>{a.id}</code>
              {a.wallet_address ? (
                <>
                  , signed in with wallet <code>{a.wallet_address}</code>
                </>
              ) : (
                ", no wallet linked"
              )}
              .
            </p>
          </>
        )}
      </Card>
      <Card title="Wallet">
        <RequireChain>
          <WalletPanel />
        </RequireChain>
        {a?.wallet_address && (
          <div className="row">
            <button
              type="button"
              className="ghost small"
              disabled={logout.isPending}
              onClick={() => logout.mutate()}
            >
              Sign out
            </button>
            <span className="muted small-text">This browser then signs in anonymously again.</span>
          </div>
        )}
      </Card>
      <Card title="Payments">
        {history.isError && (
          <p className="error" role="alert">
            {history.error.message}
          </p>
        )}
        {history.data?.length === 0 && <p className="muted">No payments yet.</p>}
        {history.data && history.data.length > 0 && (
          <div className="table-scroll">
            <table className="data" aria-label="Payments">
              <thead>
                <tr>
                  <th scope="col">Date</th>
                  <th scope="col">What</th>
                  <th scope="col">Amount</th>
                  <th scope="col">Paid until</th>
                  <th scope="col">Buyback receipt</th>
                </tr>
              </thead>
              <tbody>
                {history.data.map((e) => (
                  <tr key={e.id}>
                    <td>{new Date(e.created_at).toLocaleDateString()}</td>
                    <td>
                      {kinds[e.kind] ?? e.kind}
                      {e.tier ? ` (${plans.data?.plans.find((p) => p.id === e.tier)?.name ?? e.tier})` : ""}
                    </td>
                    <td>{usd(e.amount_usd)}</td>
                    <td>{e.paid_until ? new Date(e.paid_until).toLocaleDateString() : "—"}</td>
                    <td>
                      {e.receipt_id !== null ? (
                        <AppLink to="/token#proofs">#{e.receipt_id}: prove its burn</AppLink>
                      ) : (
                        "—"
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </>
  );
}
