import type { Db } from "./open-database.ts";
import { inSavepoint, writeTransaction } from "./write-transaction.ts";

interface Queued {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

interface Group {
  queued: Queued[];
  /** The pending flush, when one is scheduled. */
  timer: NodeJS.Immediate | undefined;
}

const groups = new WeakMap<Db, Group>();

/**
 * Runs `work` in a write transaction shared with every other write queued on
 * `db` during the same turn of the event loop: one BEGIN IMMEDIATE … COMMIT
 * for all of them (group commit). Each runs in a savepoint of its own, so one
 * that throws (an overdraft, a spend limit) rolls back alone and rejects its
 * promise while the rest commit; if the commit itself fails, all reject.
 *
 * A commit costs far more than the few rows a hold or a settlement writes: a
 * commit writes every touched page to the WAL, and concurrent requests touch
 * the same pages (the ledger's tail, the same balances). Under load this turns
 * several WAL pages a write into about as many a batch; alone, a write waits one `setImmediate`.
 */
export function commitTogether<T>(db: Db, work: () => T): Promise<T> {
  let group = groups.get(db);
  if (!group) {
    group = { queued: [], timer: undefined };
    groups.set(db, group);
  }
  const g = group;
  return new Promise<T>((resolve, reject) => {
    g.queued.push({ work, resolve: resolve as (value: unknown) => void, reject });
    g.timer ??= setImmediate(() => flush(db, g));
  });
}

/**
 * Commits what is queued on `db` now, instead of at the end of this turn: call
 * it before closing the database, so no settlement queued by the last requests
 * is lost.
 */
export function flushCommits(db: Db): void {
  const group = groups.get(db);
  if (group?.timer) flush(db, group);
}

function flush(db: Db, group: Group): void {
  if (group.timer) clearImmediate(group.timer);
  group.timer = undefined;
  const batch = group.queued;
  group.queued = [];
  const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
  try {
    writeTransaction(db, () => {
      for (const item of batch) {
        try {
          // Released into the batch, or rolled back alone.
          outcomes.push({ ok: true, value: inSavepoint(db, item.work) });
        } catch (error) {
          outcomes.push({ ok: false, error });
        }
      }
    });
  } catch (error) {
    // BEGIN or COMMIT failed (the lock stayed taken past the busy timeout, a full disk): nothing was written.
    for (const item of batch) item.reject(error);
    return;
  }
  batch.forEach((item, i) => {
    const outcome = outcomes[i] as (typeof outcomes)[number];
    if (outcome.ok) item.resolve(outcome.value);
    else item.reject(outcome.error);
  });
}
