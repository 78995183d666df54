import { diem } from "@masque/contracts-abi";
import { diemDailyCreditMicroUsd } from "@masque/shared";
import { eq } from "drizzle-orm";
import type { Address, PublicClient } from "viem";
import type { DiemCredit, DiemCreditSource } from "../billing/diem-credit.ts";
import { utcDay } from "../billing/periods.ts";
import type { Db } from "../db/open-database.ts";
import { accounts } from "../db/schema.ts";

/**
 * Today's DIEM credit from the DIEM contract: $1 per DIEM the account's wallet
 * has staked. Reads go through the client's JSON-RPC batching; each value is
 * kept for the UTC day with the block it was read at, so when the chain cannot
 * be reached, today's last known value stands (and says it is stale).
 */
export class ChainDiemCredit implements DiemCreditSource {
  private readonly cache = new Map<string, { day: string; credit: DiemCredit; readAt: number }>();

  constructor(
    private readonly db: Db,
    private readonly client: PublicClient,
    private readonly diemAddress: Address,
    /** Read the chain again after this long, so newly staked DIEM counts soon. */
    private readonly refreshMs = 60_000,
  ) {}

  async creditFor(accountId: string, now: Date): Promise<DiemCredit> {
    const day = utcDay(now);
    const cached = this.cache.get(accountId);
    const today = cached?.day === day ? cached : undefined;
    if (today && now.getTime() - today.readAt < this.refreshMs) return today.credit;
    const wallet = this.db
      .select({ w: accounts.walletAddress })
      .from(accounts)
      .where(eq(accounts.id, accountId))
      .get()?.w;
    if (!wallet) return { micro: 0, stale: false };
    try {
      const block = await this.client.getBlockNumber();
      const staked = await this.client.readContract({
        address: this.diemAddress,
        abi: diem.abi,
        functionName: "stakedBalanceOf",
        args: [wallet as Address],
        blockNumber: block,
      });
      const credit = { micro: diemDailyCreditMicroUsd(staked), stale: false, block };
      this.cache.set(accountId, { day, credit, readAt: now.getTime() });
      return credit;
    } catch {
      return today ? { ...today.credit, stale: true } : { micro: 0, stale: true };
    }
  }
}
