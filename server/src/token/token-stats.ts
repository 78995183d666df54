import { buybackBurner, diem, staking, vvv } from "@masque/contracts-abi";
import type { Deployments } from "@masque/contracts-abi/deploy";
import { nextEmissionStep, type TokenStats } from "@masque/shared";
import { and, eq } from "drizzle-orm";
import type { PublicClient } from "viem";
import { pendingCardBudget } from "../buyback/card-budget-deposit.ts";
import type { Db } from "../db/open-database.ts";
import { chainEvents } from "../db/schema.ts";

const YEAR_SECONDS = 365n * 86_400n;

/**
 * The token figures holders ask for, read from the contracts at one block (so they agree with each
 * other) plus the indexed burns, and cached for `ttlMs` so a busy page costs the RPC one read per
 * window. Concurrent callers share one read.
 */
export class TokenStatsReader {
  private cached: { at: number; stats: Promise<TokenStats> } | undefined;

  constructor(
    private readonly db: Db,
    private readonly client: PublicClient,
    private readonly deployments: Deployments,
    private readonly ttlMs = 5_000,
  ) {}

  read(now = Date.now()): Promise<TokenStats> {
    if (!this.cached || now - this.cached.at >= this.ttlMs) {
      const stats = this.readFresh();
      this.cached = { at: now, stats };
      // A failed read is not cached: the next caller tries again.
      stats.catch(() => {
        if (this.cached?.stats === stats) this.cached = undefined;
      });
    }
    return this.cached.stats;
  }

  private async readFresh(): Promise<TokenStats> {
    const { client, deployments } = this;
    const c = deployments.contracts;
    const block = await client.getBlock();
    const at = { blockNumber: block.number };
    const read = <T>(address: `0x${string}`, abi: unknown, functionName: string, args: unknown[] = []) =>
      client.readContract({ address, abi, functionName, args, ...at } as never) as Promise<T>;
    const [
      totalSupply,
      treasury,
      totalStaked,
      totalWeight,
      rate,
      diemSupply,
      diemStaked,
      mintRate,
      unspent,
      usdcSpent,
      vvvBurnedByBuybacks,
      batches,
      lastBatchAt,
    ] = await Promise.all([
      read<bigint>(c.vvv, vvv.abi, "totalSupply"),
      read<bigint>(c.vvv, vvv.abi, "balanceOf", [deployments.treasury]),
      read<bigint>(c.staking, staking.abi, "totalSupply"),
      read<bigint>(c.staking, staking.abi, "totalWeight"),
      read<bigint>(c.staking, staking.abi, "emissionRatePerSecond"),
      read<bigint>(c.diem, diem.abi, "totalSupply"),
      read<bigint>(c.diem, diem.abi, "totalStaked"),
      read<bigint>(c.diem, diem.abi, "mintRate"),
      read<bigint>(c.buybackBurner, buybackBurner.abi, "unspentBudget"),
      read<bigint>(c.buybackBurner, buybackBurner.abi, "totalUsdcSpent"),
      read<bigint>(c.buybackBurner, buybackBurner.abi, "totalVvvBurned"),
      read<bigint>(c.buybackBurner, buybackBurner.abi, "batchCount"),
      read<bigint>(c.buybackBurner, buybackBurner.abi, "lastBatchAt"),
    ]);
    const next = nextEmissionStep(BigInt(deployments.emissionStart), block.timestamp);
    // Rewards go by weight (locked sVVV weighs 80%): this is the APR of unlocked stake.
    const apr =
      totalWeight === 0n ? null : Number((rate * YEAR_SECONDS * 1_000_000n) / totalWeight) / 1_000_000;
    return {
      chain_id: deployments.chainId,
      block_number: Number(block.number),
      read_at: Math.floor(Date.now() / 1000),
      vvv: {
        total_supply: totalSupply.toString(),
        burned: this.indexedBurns().toString(),
        burned_by_buybacks: vvvBurnedByBuybacks.toString(),
        circulating: (totalSupply - treasury).toString(),
        treasury: treasury.toString(),
      },
      staking: {
        total_staked: totalStaked.toString(),
        emission_rate_per_second: rate.toString(),
        next_emission_step: next && { at: Number(next.at), rate_per_second: next.ratePerSecond.toString() },
        apr,
      },
      diem: {
        total_supply: diemSupply.toString(),
        total_staked: diemStaked.toString(),
        mint_rate: mintRate.toString(),
      },
      buyback: {
        unspent_budget_usdc: unspent.toString(),
        pending_card_budget_usdc: pendingCardBudget(this.db).toString(),
        total_usdc_spent: usdcSpent.toString(),
        batches: Number(batches),
        last_batch_at: lastBatchAt === 0n ? null : Number(lastBatchAt),
      },
    };
  }

  /** Every VVV burn the indexer has seen (transfers to the zero address). */
  private indexedBurns(): bigint {
    return this.db
      .select({ args: chainEvents.args })
      .from(chainEvents)
      .where(and(eq(chainEvents.contract, "vvv"), eq(chainEvents.event, "Transfer")))
      .all()
      .reduce((sum, e) => sum + BigInt((JSON.parse(e.args) as { value: string }).value), 0n);
  }
}
