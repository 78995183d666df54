import { randomUUID } from "node:crypto";
import os from "node:os";
import { and, eq, lt, or } from "drizzle-orm";
import type { Db } from "../db/open-database.ts";
import { jobLeases } from "../db/schema.ts";

/**
 * A lease in the store that lets one process at a time run a job, whichever
 * instance or CLI it is. Taking it is one SQL statement, so two processes
 * racing for it cannot both win. A lease whose holder crashed can be taken
 * over once it expires, or at once when the holder was a process on this host
 * that no longer exists (a killed CLI run need not block the next one).
 */
export class JobLease {
  readonly holder = `${os.hostname()}:${process.pid}:${randomUUID()}`;

  constructor(
    private readonly db: Db,
    readonly name: string,
    private readonly ttlMs: number,
  ) {}

  /** Takes or renews the lease; false while another holder's lease is live. */
  acquire(now = Date.now()): boolean {
    const current = this.db.select().from(jobLeases).where(eq(jobLeases.name, this.name)).get();
    const dead = current && current.holder !== this.holder && !isLiveLocalOrUnknown(current.holder);
    const expiresAt = new Date(now + this.ttlMs);
    const taken = this.db
      .insert(jobLeases)
      .values({ name: this.name, holder: this.holder, expiresAt })
      .onConflictDoUpdate({
        target: jobLeases.name,
        set: { holder: this.holder, expiresAt },
        setWhere: or(
          eq(jobLeases.holder, this.holder),
          lt(jobLeases.expiresAt, new Date(now)),
          dead ? eq(jobLeases.holder, current.holder) : undefined,
        ),
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

/** False only for a holder known dead: a process of this host that has exited. */
function isLiveLocalOrUnknown(holder: string): boolean {
  const [host, pid] = holder.split(":");
  if (host !== os.hostname() || !pid) return true;
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== "ESRCH";
  }
}
