import type { Deployments } from "@masque/contracts-abi/deploy";
import type { PublicClient } from "viem";
import type { Db } from "../db/open-database.ts";
import type { Logger } from "../logging/logger.ts";
import { followSubscriptions } from "./follow-subscriptions.ts";

export interface ChainJobsOptions {
  db: Db;
  client: PublicClient;
  deployments: Deployments;
  confirmations: number;
  pollMs: number;
  logger: Logger;
}

/**
 * Runs the chain followers in the background: each poll reads what is new;
 * an unreachable chain backs off (up to a minute) and catches up later.
 * Chat never waits on any of it. Returns a stop function.
 */
export function startChainJobs(o: ChainJobsOptions): () => void {
  let stopped = false;
  let delay = o.pollMs;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    try {
      await followSubscriptions(o);
      delay = o.pollMs;
    } catch (err) {
      delay = Math.min(60_000, delay * 2);
      o.logger.warn({ error: (err as Error).message, retryInMs: delay }, "chain unreachable; backing off");
    }
    if (!stopped) timer = setTimeout(tick, delay);
  };
  timer = setTimeout(tick, 0);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
