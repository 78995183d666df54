import type { DiemCredit, DiemCreditSource } from "./diem-credit.ts";
import { utcDay } from "./periods.ts";

export interface BoundedDiemCreditOptions {
  /** Longest a request waits for a read (default 500 ms). */
  deadlineMs?: number;
  /** After a failed or late read, how long the chain is not asked at all (default 15 s). */
  cooldownMs?: number;
  clock?: () => number;
}

/**
 * Bounds how long a request waits on the chain for DIEM credit. A read that
 * fails, comes back stale or misses the deadline leaves the account with its
 * last value read today (marked stale), or none; and for a cooldown after it
 * the chain is not asked, so an RPC that hangs costs one request a short wait
 * per cooldown instead of every paid request its full timeout.
 */
export class BoundedDiemCredit implements DiemCreditSource {
  private readonly lastRead = new Map<string, { day: string; credit: DiemCredit }>();
  private coolUntil = 0;
  private readonly deadlineMs: number;
  private readonly cooldownMs: number;
  private readonly clock: () => number;

  constructor(
    private readonly source: DiemCreditSource,
    options: BoundedDiemCreditOptions = {},
  ) {
    this.deadlineMs = options.deadlineMs ?? 500;
    this.cooldownMs = options.cooldownMs ?? 15_000;
    this.clock = options.clock ?? Date.now;
  }

  async creditFor(accountId: string, now: Date): Promise<DiemCredit> {
    const day = utcDay(now);
    const fallback = (): DiemCredit => {
      const last = this.lastRead.get(accountId);
      return last?.day === day ? { ...last.credit, stale: true } : { micro: 0, stale: true };
    };
    if (this.clock() < this.coolUntil) return fallback();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), this.deadlineMs);
    });
    const read = this.source.creditFor(accountId, now).catch(() => undefined);
    const credit = await Promise.race([read, late]);
    clearTimeout(timer);
    if (!credit || credit.stale) {
      this.coolUntil = this.clock() + this.cooldownMs;
      return credit ?? fallback();
    }
    if (this.lastRead.size > 100_000) this.lastRead.clear();
    this.lastRead.set(accountId, { day, credit });
    return credit;
  }
}
