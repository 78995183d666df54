import type { Deployments } from "@masque/contracts-abi/deploy";
import type { PublicClient } from "viem";
import { type BuybackJobOptions, runBuybackJob } from "../buyback/buyback-job.ts";
import type { Db } from "../db/open-database.ts";
import type { Logger } from "../logging/logger.ts";
import { followSubscriptions } from "./follow-subscriptions.ts";
import { indexTokenEvents } from "./token-indexer.ts";

export interface ChainJobsOptions {
  db: Db;
  client: PublicClient;
  deployments: Deployments;
  confirmations: number;
  pollMs: number;
  logger: Logger;
  /** The buyback-and-burn job, when a keeper key is known; it runs every `intervalMs`. */
  buyback?: Omit<BuybackJobOptions, "db" | "client" | "deployments" | "confirmations" | "logger"> & {
    intervalMs: number;
  };
}

/**
 * Runs the chain work in the background: the subscription follower and the token indexer on every
 * poll, and the buyback job on its own schedule. Each loop backs off (up to a minute) while the chain
 * is unreachable and catches up later; chat never waits on any of it. Returns a stop function.
 */
export function startChainJobs(o: ChainJobsOptions): () => void {
  const stops = [
    every(o, "chain followers", o.pollMs, async () => {
      await followSubscriptions(o);
      await indexTokenEvents(o);
    }),
  ];
  const { buyback } = o;
  if (buyback) {
    stops.push(
      every(o, "buyback job", buyback.intervalMs, async () => {
        const run = await runBuybackJob({ ...o, ...buyback });
        o.logger.info({ ...run }, "buyback job ran");
      }),
    );
  }
  return () => {
    for (const stop of stops) stop();
  };
}

/**
 * Runs `fn` now and every `intervalMs` after it ends. After a failure it retries sooner than the
 * interval would (from 5 s, or the interval if shorter), doubling the wait each time up to a minute.
 */
function every(o: ChainJobsOptions, name: string, intervalMs: number, fn: () => Promise<void>): () => void {
  let stopped = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    let delay = intervalMs;
    try {
      await fn();
      failures = 0;
    } catch (err) {
      failures++;
      delay = Math.min(60_000, Math.min(intervalMs, 5_000) * 2 ** failures);
      o.logger.warn(
        { job: name, error: (err as Error).message, retryInMs: delay },
        "chain job failed; backing off",
      );
    }
    if (!stopped) timer = setTimeout(tick, delay);
  };
  timer = setTimeout(tick, 0);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
