import { Card, PageShell } from "../lib/page-shell.tsx";
import { formatAmount } from "../wallet/amounts.ts";
import { WalletPanel } from "../wallet/wallet-panel.tsx";
import { RequireChain, useOptionalChainInfo, WalletProvider } from "../wallet/wallet-provider.tsx";
import { BurnProofs } from "./burn-proofs.tsx";
import { BurnsSection, EmissionsChart } from "./burns-section.tsx";
import { DiemPanel } from "./diem-panel.tsx";
import { StakingPanel } from "./staking-panel.tsx";
import { TokenStatsView } from "./token-stats.tsx";
import { usePosition } from "./use-position.ts";

/** The token page: figures, staking, DIEM, the emission schedule, burns and proofs of burn. */
export default function TokenRoute() {
  return (
    <PageShell
      title="VVV and DIEM"
      intro="Stake VVV to earn the emission, mint DIEM against it and stake DIEM for daily inference credit. Every paid month buys back and burns VVV — check it yourself below."
    >
      <WalletProvider>
        <Token />
      </WalletProvider>
    </PageShell>
  );
}

function Token() {
  const chain = useOptionalChainInfo();
  return (
    <>
      <Card title="Figures">
        <TokenStatsView />
      </Card>
      <Card title="Your wallet">
        <RequireChain>
          <WalletPanel />
          {chain && <Positions />}
        </RequireChain>
      </Card>
      <Card title="Emission schedule">
        <p className="muted small-text">
          VVV minted to stakers each month, fixed in the contract; the dot marks this month.
        </p>
        <EmissionsChart />
      </Card>
      <Card title="Burns" id="burns">
        <BurnsSection chainId={chain?.chain_id ?? 0} />
      </Card>
      <Card title="Prove my payment was burned" id="proofs">
        <RequireChain>{chain && <BurnProofs chain={chain} />}</RequireChain>
      </Card>
    </>
  );
}

function Positions() {
  const { position, error, isPending, address } = usePosition();
  if (!address) return null;
  if (isPending) return <p className="muted">Reading your balances…</p>;
  if (error || !position)
    return (
      <p className="error" role="alert">
        Could not read your balances from the chain: {error?.message.split("\n")[0]}
      </p>
    );
  return (
    <div className="stack">
      <dl className="stats" aria-label="Your balances">
        <Balance name="VVV" value={position.vvv} />
        <Balance name="Staked (sVVV)" value={position.sVvv} />
        <Balance name="…locked for DIEM" value={position.sVvvLocked} />
        <Balance name="DIEM" value={position.diem} />
        <Balance name="DIEM staked" value={position.diemStaked} />
      </dl>
      <StakingPanel position={position} />
      <DiemPanel position={position} />
    </div>
  );
}

function Balance({ name, value }: { name: string; value: bigint }) {
  return (
    <div>
      <dt>{name}</dt>
      <dd>{formatAmount(value, 18)}</dd>
    </div>
  );
}
