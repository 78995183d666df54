import type { TokenStats } from "@masque/shared";
import { describe, expect, it } from "vitest";
import { statsRows } from "./token-stats.tsx";

describe("statsRows", () => {
  it("shows the API's base units as token amounts, rates per day and the APR as a percentage", () => {
    const e18 = 10n ** 18n;
    const stats: TokenStats = {
      chain_id: 31337,
      block_number: 100,
      read_at: 1_700_000_000,
      vvv: {
        total_supply: String(100_000_000n * e18),
        burned: String(1_500n * e18),
        burned_by_buybacks: String(1_000n * e18),
        circulating: String(60_000_000n * e18),
        treasury: String(40_000_000n * e18),
      },
      staking: {
        total_staked: String(2_000_000n * e18),
        emission_rate_per_second: String(e18),
        next_emission_step: null,
        apr: 0.4213,
      },
      diem: { total_supply: String(10n * e18), total_staked: String(5n * e18), mint_rate: String(90n * e18) },
      buyback: {
        unspent_budget_usdc: "2000000",
        pending_card_budget_usdc: "0",
        total_usdc_spent: "4000000",
        batches: 2,
        last_batch_at: null,
      },
    };
    const rows = Object.fromEntries(statsRows(stats));
    expect(rows["VVV burned"]).toBe("1,500 VVV");
    expect(rows["Emission now"]).toBe("86,400 VVV a day");
    expect(rows["Next emission step"]).toBe("none (at its floor)");
    expect(rows["Staking APR"]).toBe("42.1%");
    expect(rows["DIEM mint rate"]).toBe("90 sVVV per DIEM");
    expect(rows["Buyback budget waiting"]).toBe("2 USDC");
    expect(rows["Burn batches"]).toBe("2");
  });
});
