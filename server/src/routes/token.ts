import type { Deployments } from "@masque/contracts-abi/deploy";
import {
  EMISSION_MONTH_SECONDS,
  emissionScheduleTable,
  InvalidRequestError,
  ModelUnavailableError,
} from "@masque/shared";
import { eq } from "drizzle-orm";
import { Hono } from "hono";
import type { PublicClient } from "viem";
import { z } from "zod";
import { TOKEN_INDEXER_CURSOR } from "../chain/token-indexer.ts";
import type { Db } from "../db/open-database.ts";
import { chainCursors } from "../db/schema.ts";
import { BuybackBurns } from "../token/buyback-burns.ts";
import { TokenStatsReader } from "../token/token-stats.ts";

export interface TokenRoutesOptions {
  deployments: Deployments | undefined;
  /** With a chain: the store the indexer fills, and the RPC the live figures are read from. */
  db?: Db;
  client?: PublicClient;
  /** Blocks under which a burn counts as confirmed. */
  confirmations?: number;
  now?: () => Date;
}

const burnsQuery = z.object({
  cursor: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
const receiptId = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

function noChain(): never {
  throw new ModelUnavailableError("No chain is configured on this server.", "chain_unavailable");
}

/**
 * The public token API: no account needed, cacheable, amounts as decimal strings in base units.
 * - `GET /stats`: supply, burns, staking, DIEM and buyback figures (live reads, cached a few seconds).
 * - `GET /burns?cursor=&limit=`: buyback burns, newest first, from the indexer.
 * - `GET /emissions?months=N`: the emission schedule, computed by the function the contract is tested against.
 * - `GET /proof/{receiptId}`: the Merkle proof that a subscription's receipt was in a burn batch.
 */
export function tokenRoutes(o: TokenRoutesOptions) {
  const { deployments, db, client } = o;
  const stats = deployments && db && client ? new TokenStatsReader(db, client, deployments) : undefined;
  const burns = deployments && db ? new BuybackBurns(db, deployments) : undefined;
  const now = o.now ?? (() => new Date());

  return new Hono()
    .get("/stats", async (c) => {
      if (!stats) noChain();
      const body = await stats.read().catch(() => {
        throw new ModelUnavailableError(
          "The chain cannot be read right now; try again shortly.",
          "chain_unavailable",
        );
      });
      c.header("cache-control", "public, max-age=5");
      return c.json(body);
    })
    .get("/burns", (c) => {
      if (!burns || !db) noChain();
      const query = burnsQuery.safeParse(c.req.query());
      if (!query.success) {
        const issue = query.error.issues[0];
        throw new InvalidRequestError(`${issue?.path.join(".")}: ${issue?.message}`, {
          param: String(issue?.path[0] ?? ""),
        });
      }
      // Depth is measured against what the indexer has read, so this works while the RPC is down.
      const head = db.select().from(chainCursors).where(eq(chainCursors.name, TOKEN_INDEXER_CURSOR)).get();
      const page = burns.page(
        query.data.cursor,
        query.data.limit,
        head?.blockNumber ?? 0,
        o.confirmations ?? 0,
      );
      // Set only on answers: an error must not be cached.
      c.header("cache-control", "public, max-age=5");
      return c.json(page);
    })
    .get("/proof/:receiptId", (c) => {
      if (!burns) noChain();
      const id = receiptId.safeParse(c.req.param("receiptId"));
      if (!id.success)
        throw new InvalidRequestError("receiptId must be a positive whole number.", { param: "receiptId" });
      const proof = burns.proof(id.data);
      // Only an answer is cached ("not burned yet" must not stick). A proof never changes once its batch
      // is confirmed, but may still move with a shallow reorg.
      c.header("cache-control", "public, max-age=60");
      return c.json(proof);
    })
    .get("/emissions", (c) => {
      if (!deployments) noChain();
      const months = Number(c.req.query("months") ?? 48);
      if (!Number.isInteger(months) || months < 1 || months > 240) {
        throw new InvalidRequestError("months must be a whole number from 1 to 240.", { param: "months" });
      }
      const start = BigInt(deployments.emissionStart);
      const seconds = BigInt(Math.floor(now().getTime() / 1000));
      const current = seconds < start ? -1 : Number((seconds - start) / EMISSION_MONTH_SECONDS);
      c.header("cache-control", "public, max-age=300");
      return c.json({
        start: deployments.emissionStart,
        month_seconds: Number(EMISSION_MONTH_SECONDS),
        current_month: current,
        months: emissionScheduleTable(start, months).map((row) => ({
          month: row.month,
          starts_at: Number(row.startsAt),
          ends_at: Number(row.endsAt),
          emission_wei: row.emission.toString(),
          cumulative_wei: row.cumulative.toString(),
          rate_per_second_wei: row.ratePerSecond.toString(),
          status: row.month < current ? "past" : row.month === current ? "current" : "future",
        })),
      });
    });
}
