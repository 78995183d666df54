import { randomUUID } from "node:crypto";
import { and, eq, lt, or } from "drizzle-orm";
import type { Db } from "../db/open-database.ts";
import { jobLeases } from "../db/schema.ts";

/**
 * A lease in the store that lets one process at a time run a job, whichever
 * instance or CLI it is. Taking it is one SQL statement, so two processes
 * racing for it cannot both win; an expired lease (its holder crashed) can be
 * taken over.
 */
export class JobLease {
  readonly holder = randomUUID();

  constructor(
    private readonly db: Db,
    readonly name: string,
    private readonly ttlMs: number,
  ) {}

  /** Takes or renews the lease; false while another holder's lease is live. */
  acquire(now = Date.now()): boolean {
    const expiresAt = new Date(now + this.ttlMs);
    const taken = this.db
      .insert(jobLeases)
      .values({ name: this.name, holder: this.holder, expiresAt })
      .onConflictDoUpdate({
        target: jobLeases.name,
        set: { holder: this.holder, expiresAt },
        setWhere: or(eq(jobLeases.holder, this.holder), lt(jobLeases.expiresAt, new Date(now))),
      })
      .run();
    return taken.changes === 1;
  }

  release(): void {
    this.db
      .delete(jobLeases)
      .where(and(eq(jobLeases.name, this.name), eq(jobLeases.holder, this.holder)))
      .run();
  }

  /** Runs `fn` holding the lease (renewed while it runs); `undefined` if another process holds it. */
  async run<T>(fn: () => Promise<T>): Promise<T | undefined> {
    if (!this.acquire()) return undefined;
    const renew = setInterval(() => this.acquire(), Math.max(1_000, this.ttlMs / 3));
    try {
      return await fn();
    } finally {
      clearInterval(renew);
      this.release();
    }
  }
}
