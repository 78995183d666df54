import type { TokenBurn } from "@masque/shared";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import type { Hex } from "viem";
import { BarChart } from "../charts/bar-chart.tsx";
import { compactNumber, stackRows } from "../charts/chart-data.ts";
import { LineChart } from "../charts/line-chart.tsx";
import { burnsQuery, emissionsQuery } from "../lib/account-queries.ts";
import { formatToken, USDC, VVV } from "../wallet/amounts.ts";
import { TxHash } from "../wallet/write-status.tsx";

const vvvNumber = (wei: string) => Number(BigInt(wei) / 10n ** 14n) / 10_000;

/** The VVV emission schedule, month by month, with the current month marked. */
export function EmissionsChart() {
  const emissions = useQuery(emissionsQuery(48));
  if (emissions.isPending) return <p className="muted">Loading…</p>;
  if (emissions.isError)
    return (
      <p className="error" role="alert">
        Could not load the schedule: {emissions.error.message}
      </p>
    );
  const points = emissions.data.months.map((m) => ({
    x: new Date(m.starts_at * 1000).toISOString().slice(0, 7),
    y: vvvNumber(m.emission_wei),
    highlight: m.status === "current",
  }));
  return <LineChart points={points} label="VVV emitted per month" formatValue={(n) => compactNumber(n)} />;
}

/** Every buyback burn, newest first: a chart of VVV burned and a table linking each transaction. */
export function BurnsSection({ chainId }: { chainId: number }) {
  const burns = useInfiniteQuery(burnsQuery());
  if (burns.isPending) return <p className="muted">Loading…</p>;
  if (burns.isError)
    return (
      <p className="error" role="alert">
        Could not load the burns: {burns.error.message}
      </p>
    );
  return (
    <>
      <BurnsView burns={burns.data.pages.flatMap((p) => p.data)} chainId={chainId} />
      {burns.hasNextPage && (
        <button
          type="button"
          className="ghost"
          disabled={burns.isFetchingNextPage}
          onClick={() => void burns.fetchNextPage()}
        >
          {burns.isFetchingNextPage ? "Loading…" : "Older burns"}
        </button>
      )}
    </>
  );
}

/** The burns as a chart (VVV burned per batch) and a table with each transaction. */
export function BurnsView({ burns, chainId }: { burns: TokenBurn[]; chainId: number }) {
  if (burns.length === 0)
    return (
      <p className="muted">
        No burns yet. The buyback job burns the budget of paid subscriptions in batches.
      </p>
    );
  const chronological = [...burns].reverse();
  const data = stackRows(
    chronological,
    (b) => `#${b.batch_id}`,
    () => "VVV burned",
    (b) => vvvNumber(b.vvv_burned),
    chronological.map((b) => `#${b.batch_id}`),
  );
  return (
    <>
      <BarChart data={data} label="VVV burned per buyback batch" formatValue={(n) => compactNumber(n)} />
      <div className="table-scroll">
        <table className="data" aria-label="Burns">
          <thead>
            <tr>
              <th scope="col">Batch</th>
              <th scope="col">Time</th>
              <th scope="col">USDC in</th>
              <th scope="col">VVV burned</th>
              <th scope="col">Avg. price</th>
              <th scope="col">Receipts</th>
              <th scope="col">Transaction</th>
            </tr>
          </thead>
          <tbody>
            {burns.map((b) => (
              <tr key={b.batch_id} data-batch={b.batch_id}>
                <th scope="row">#{b.batch_id}</th>
                <td>{new Date(b.timestamp * 1000).toLocaleString()}</td>
                <td>{formatToken(BigInt(b.usdc_in), USDC, 2)}</td>
                <td>{formatToken(BigInt(b.vvv_burned), VVV, 2)}</td>
                <td>${b.average_price_usdc.toFixed(4)}</td>
                <td>
                  {b.receipt_count} (#{b.first_receipt_id}–#{b.first_receipt_id + b.receipt_count - 1})
                </td>
                <td>
                  <TxHash hash={b.tx_hash as Hex} chainId={chainId} /> · block {b.block_number}
                  {b.confirmed ? "" : " (confirming)"}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
