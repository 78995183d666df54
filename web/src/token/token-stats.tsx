import type { TokenStats } from "@masque/shared";
import { useQuery } from "@tanstack/react-query";
import { tokenStatsQuery } from "../lib/account-queries.ts";
import { DIEM, formatToken, USDC, VVV } from "../wallet/amounts.ts";

const DAY = 86_400n;

/** The rows of the stats table, from `GET /api/token/stats`. */
export function statsRows(s: TokenStats): Array<[string, string]> {
  const b = BigInt;
  const step = s.staking.next_emission_step;
  return [
    ["VVV total supply", formatToken(b(s.vvv.total_supply), VVV, 0)],
    ["VVV circulating", formatToken(b(s.vvv.circulating), VVV, 0)],
    ["VVV burned", formatToken(b(s.vvv.burned), VVV, 2)],
    ["…of which by buybacks", formatToken(b(s.vvv.burned_by_buybacks), VVV, 2)],
    ["VVV staked", formatToken(b(s.staking.total_staked), VVV, 0)],
    ["Emission now", `${formatToken(b(s.staking.emission_rate_per_second) * DAY, VVV, 0)} a day`],
    [
      "Next emission step",
      step
        ? `${new Date(step.at * 1000).toLocaleDateString()}: ${formatToken(b(step.rate_per_second) * DAY, VVV, 0)} a day`
        : "none (at its floor)",
    ],
    ["Staking APR", s.staking.apr === null ? "—" : `${(s.staking.apr * 100).toFixed(1)}%`],
    ["DIEM supply", formatToken(b(s.diem.total_supply), DIEM, 2)],
    ["DIEM staked for credit", formatToken(b(s.diem.total_staked), DIEM, 2)],
    ["DIEM mint rate", `${formatToken(b(s.diem.mint_rate), { symbol: "sVVV", decimals: 18 }, 2)} per DIEM`],
    ["Buyback budget waiting", formatToken(b(s.buyback.unspent_budget_usdc), USDC, 2)],
    ["Card budget not yet on-chain", formatToken(b(s.buyback.pending_card_budget_usdc), USDC, 2)],
    ["USDC spent on buybacks", formatToken(b(s.buyback.total_usdc_spent), USDC, 2)],
    [
      "Burn batches",
      `${s.buyback.batches}${s.buyback.last_batch_at ? `, last ${new Date(s.buyback.last_batch_at * 1000).toLocaleString()}` : ""}`,
    ],
  ];
}

/** Supply, burns, staking and DIEM figures for everyone, signed in or not. */
export function TokenStatsView() {
  const stats = useQuery(tokenStatsQuery());
  if (stats.isPending) return <p className="muted">Loading…</p>;
  if (stats.isError)
    return (
      <p className="error" role="alert">
        Could not load the token figures: {stats.error.message}
      </p>
    );
  return (
    <>
      <dl className="stats">
        {statsRows(stats.data).map(([name, value]) => (
          <div key={name}>
            <dt>{name}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <p className="muted small-text">
        Read at block {stats.data.block_number}, {new Date(stats.data.read_at * 1000).toLocaleTimeString()}.
      </p>
    </>
  );
}
