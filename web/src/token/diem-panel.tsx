import { diem } from "@masque/contracts-abi";
import { useQuery } from "@tanstack/react-query";
import { useDeferredValue, useState } from "react";
import { formatUnits } from "viem";
import { useReadContract } from "wagmi";
import { accountQuery } from "../lib/account-queries.ts";
import { AmountField, validAmount } from "../wallet/amount-field.tsx";
import { AmountWrite } from "../wallet/amount-write.tsx";
import { DIEM, formatToken, minBigint, SVVV } from "../wallet/amounts.ts";
import { useContractWrite } from "../wallet/use-contract-write.ts";
import { useSignedInWithWallet } from "../wallet/wallet-panel.tsx";
import { useChainInfo } from "../wallet/wallet-provider.tsx";
import { WriteStatus } from "../wallet/write-status.tsx";
import { formatDuration, useNowSeconds } from "./countdown.ts";
import type { Position } from "./use-position.ts";

/** Accept up to 0.5% fewer DIEM than quoted, in case someone mints first. */
const SLIPPAGE_BPS = 50n;

/** sVVV per DIEM (18 decimals) as a number for display. */
const rateText = (rate: bigint) =>
  `${Number(formatUnits(rate, 18)).toLocaleString(undefined, { maximumFractionDigits: 4 })} sVVV per DIEM`;

/** Mint DIEM against staked VVV, burn it back, and stake it for daily inference credit. */
export function DiemPanel({ position }: { position: Position }) {
  const chain = useChainInfo();
  const now = useNowSeconds();
  const signedIn = useSignedInWithWallet();
  const [mintText, setMintText] = useState("");
  const mint = useContractWrite();
  const withdraw = useContractWrite();
  const account = useQuery({ ...accountQuery(), refetchInterval: 5_000 });

  const lock = validAmount(mintText, SVVV, position.sVvvUnlocked);
  // The quote follows the typed amount without asking the chain on every keystroke.
  const quoted = useDeferredValue(lock);
  const amountOut = useReadContract({
    address: chain.contracts.diem,
    abi: diem.abi,
    functionName: "getDiemAmountOut",
    args: [quoted ?? 0n],
    query: { enabled: quoted !== undefined, refetchInterval: 10_000 },
  });
  const out = quoted !== undefined && quoted === lock ? amountOut.data : undefined;
  const call = (functionName: string, args: readonly unknown[] = []) => ({
    address: chain.contracts.diem,
    abi: diem.abi,
    functionName,
    args,
  });
  const pending = position.diemUnstake;
  const left = pending.unlockTime - now;

  return (
    <div className="panel-grid">
      <section className="stack" aria-labelledby="mint-diem">
        <h3 id="mint-diem">Mint DIEM</h3>
        <p className="muted small-text">
          Lock staked VVV to mint DIEM. The rate rises as DIEM supply grows; now{" "}
          <strong data-testid="mint-rate">{rateText(position.mintRate)}</strong>. Locked sVVV keeps 80% of its
          yield.
        </p>
        <AmountField
          label="sVVV to lock"
          unit={SVVV}
          value={mintText}
          onChange={setMintText}
          max={position.sVvvUnlocked}
          maxLabel="Unlocked"
        />
        <p aria-live="polite" data-testid="diem-out">
          {lock === undefined
            ? "Enter an amount to see the DIEM it mints."
            : out === undefined
              ? "Quoting…"
              : `You get ${formatToken(out, DIEM)} (at least ${formatToken(out - (out * SLIPPAGE_BPS) / 10_000n, DIEM)} if the supply moves first).`}
        </p>
        <button
          type="button"
          className="primary"
          disabled={lock === undefined || out === undefined || out === 0n || mint.busy}
          onClick={() => {
            if (lock === undefined || out === undefined) return;
            const minOut = out - (out * SLIPPAGE_BPS) / 10_000n;
            void mint
              .run([
                {
                  label: `Mint ${formatToken(out, DIEM)}`,
                  token: SVVV,
                  call: call("mintDiem", [lock, minOut]),
                },
              ])
              .then((r) => r && setMintText(""));
          }}
        >
          Mint DIEM
        </button>
        <WriteStatus state={mint.state} chainId={chain.chain_id} />
      </section>

      <section className="stack" aria-labelledby="burn-diem">
        <h3 id="burn-diem">Burn DIEM</h3>
        <p className="muted small-text">
          Burning DIEM you minted unlocks your sVVV in proportion. Minted so far:{" "}
          {formatToken(position.diemDebt, DIEM)}.
        </p>
        <AmountWrite
          field="DIEM to burn"
          unit={DIEM}
          max={minBigint(position.diem, position.diemDebt)}
          maxLabel="Burnable"
          action="Burn DIEM"
          chainId={chain.chain_id}
          steps={(amount) => [
            { label: `Burn ${formatToken(amount, DIEM)}`, token: DIEM, call: call("burnDiem", [amount]) },
          ]}
        />
      </section>

      <section className="stack" aria-labelledby="stake-diem">
        <h3 id="stake-diem">Stake DIEM for credit</h3>
        <p className="muted small-text">
          Each staked DIEM gives $1 of inference credit every UTC day (at least 0.1 DIEM; unused credit does
          not roll over). Unstaking takes a day.
        </p>
        <p data-testid="diem-credit">
          Staked: <strong>{formatToken(position.diemStaked, DIEM)}</strong>
          {account.data && signedIn && (
            <>
              {" · "}Today's credit: <strong>${account.data.diem.credit_today.toFixed(2)}</strong>, $
              {account.data.diem.left_today.toFixed(2)} left
              {account.data.diem.stale ? " (chain read is stale)" : ""}
            </>
          )}
        </p>
        {!signedIn && (
          <p className="muted small-text">
            Sign in with this wallet for its staked DIEM to count for your account.
          </p>
        )}
        <AmountWrite
          field="DIEM to stake"
          unit={DIEM}
          max={position.diem}
          action="Stake DIEM"
          primary
          chainId={chain.chain_id}
          steps={(amount) => [
            { label: `Stake ${formatToken(amount, DIEM)}`, token: DIEM, call: call("stake", [amount]) },
          ]}
        />
        {position.diemStaked > 0n && (
          <>
            <AmountWrite
              field="DIEM to unstake"
              unit={DIEM}
              max={position.diemStaked}
              maxLabel="Staked"
              action="Start the 1-day cooldown"
              chainId={chain.chain_id}
              steps={(amount) => [
                {
                  label: `Start unstaking ${formatToken(amount, DIEM)}`,
                  token: DIEM,
                  call: call("initiateUnstake", [amount]),
                },
              ]}
            />
          </>
        )}
        {pending.amount > 0n && (
          <div className="row">
            <span role="timer" aria-live="off">
              {formatToken(pending.amount, DIEM)} unstaking:{" "}
              {left > 0 ? `available in ${formatDuration(left)}` : "ready to withdraw"}
            </span>
            <button
              type="button"
              className="ghost small"
              disabled={left > 0 || withdraw.busy}
              onClick={() =>
                void withdraw.run([{ label: "Withdraw unstaked DIEM", token: DIEM, call: call("unstake") }])
              }
            >
              Withdraw
            </button>
          </div>
        )}
        <WriteStatus state={withdraw.state} chainId={chain.chain_id} />
      </section>
    </div>
  );
}
