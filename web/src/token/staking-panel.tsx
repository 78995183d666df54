import { staking, vvv } from "@masque/contracts-abi";
import { AmountWrite } from "../wallet/amount-write.tsx";
import { formatToken, SVVV, VVV } from "../wallet/amounts.ts";
import { useContractWrite } from "../wallet/use-contract-write.ts";
import { useChainInfo } from "../wallet/wallet-provider.tsx";
import { WriteStatus } from "../wallet/write-status.tsx";
import { formatDuration, useNowSeconds } from "./countdown.ts";
import type { Position } from "./use-position.ts";

/** Stake VVV for sVVV, unstake through the 7-day cooldown, and claim the emission rewards. */
export function StakingPanel({ position }: { position: Position }) {
  const chain = useChainInfo();
  const now = useNowSeconds();
  const finalize = useContractWrite();
  const claim = useContractWrite();
  const pending = position.vvvUnstake;
  const left = pending.unlockTime - now;
  const call = (functionName: string, args: readonly unknown[] = []) => ({
    address: chain.contracts.staking,
    abi: staking.abi,
    functionName,
    args,
  });

  return (
    <div className="panel-grid">
      <section className="stack" aria-labelledby="stake-vvv">
        <h3 id="stake-vvv">Stake VVV</h3>
        <p className="muted small-text">
          Staked VVV (sVVV) earns the VVV emission, shared by all stakers. Unstaking takes 7 days.
        </p>
        <AmountWrite
          field="VVV to stake"
          unit={VVV}
          max={position.vvv}
          action="Stake"
          primary
          chainId={chain.chain_id}
          steps={(amount) => [
            ...(position.vvvAllowance < amount
              ? [
                  {
                    label: `Approve ${formatToken(amount, VVV)}`,
                    token: VVV,
                    call: {
                      address: chain.contracts.vvv,
                      abi: vvv.abi,
                      functionName: "approve",
                      args: [chain.contracts.staking, amount],
                    },
                  },
                ]
              : []),
            { label: `Stake ${formatToken(amount, VVV)}`, token: VVV, call: call("stake", [amount]) },
          ]}
        />
      </section>

      <section className="stack" aria-labelledby="unstake-vvv">
        <h3 id="unstake-vvv">Unstake</h3>
        <AmountWrite
          field="sVVV to unstake"
          unit={SVVV}
          max={position.sVvvUnlocked}
          maxLabel="Unlocked"
          action="Start the 7-day cooldown"
          chainId={chain.chain_id}
          steps={(amount) => [
            {
              label: `Start unstaking ${formatToken(amount, SVVV)}`,
              token: SVVV,
              call: call("initiateUnstake", [amount]),
            },
          ]}
        />
        {pending.amount > 0n && (
          <div className="stack" data-testid="vvv-cooldown">
            <p role="timer" aria-live="off">
              {formatToken(pending.amount, VVV)} unstaking:{" "}
              {left > 0
                ? `available in ${formatDuration(left)} (${new Date(pending.unlockTime * 1000).toLocaleString()})`
                : "ready to withdraw"}
            </p>
            <button
              type="button"
              className="ghost"
              disabled={left > 0 || finalize.busy}
              onClick={() =>
                void finalize.run([
                  { label: "Withdraw unstaked VVV", token: VVV, call: call("finalizeUnstake") },
                ])
              }
            >
              Withdraw {formatToken(pending.amount, VVV)}
            </button>
            <WriteStatus state={finalize.state} chainId={chain.chain_id} />
          </div>
        )}
      </section>

      <section className="stack" aria-labelledby="rewards">
        <h3 id="rewards">Rewards</h3>
        <p>
          Unclaimed: <strong data-testid="pending-rewards">{formatToken(position.rewards, VVV)}</strong>
        </p>
        <div className="row">
          <button
            type="button"
            className="ghost"
            disabled={position.rewards === 0n || claim.busy}
            onClick={() => void claim.run([{ label: "Claim rewards", token: VVV, call: call("claim") }])}
          >
            Claim
          </button>
          <button
            type="button"
            className="ghost"
            disabled={position.rewards === 0n || claim.busy}
            onClick={() =>
              void claim.run([{ label: "Claim and stake rewards", token: VVV, call: call("claimAndStake") }])
            }
          >
            Claim and stake
          </button>
        </div>
        <WriteStatus state={claim.state} chainId={chain.chain_id} />
      </section>
    </div>
  );
}
