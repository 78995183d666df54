import type { Deployments } from "@masque/contracts-abi/deploy";
import {
  EMISSION_MONTH_SECONDS,
  emissionScheduleTable,
  InvalidRequestError,
  ModelUnavailableError,
} from "@masque/shared";
import { Hono } from "hono";

/**
 * `GET /api/token/emissions?months=N`: the VVV emission schedule from the
 * deployment's start, past and future, computed by the same function the
 * contract is tested against. Public and cacheable; amounts are wei as strings.
 */
export function tokenRoutes(deployments: Deployments | undefined, now: () => Date = () => new Date()) {
  return new Hono().get("/emissions", (c) => {
    if (!deployments)
      throw new ModelUnavailableError("No chain is configured on this server.", "chain_unavailable");
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
