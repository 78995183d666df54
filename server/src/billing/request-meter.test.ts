import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { costMicroUsd } from "@masque/shared";
import { describe, expect, it } from "vitest";
import type { Principal } from "../auth/principal.ts";
import { openDatabase } from "../db/open-database.ts";
import { accounts, usageCounters } from "../db/schema.ts";
import type { CatalogModel } from "../routing/model-catalog.ts";
import { noDiemCredit } from "./diem-credit.ts";
import { grantUsd } from "./grant-credit.ts";
import { availableCredit } from "./meter.ts";
import { openMeter } from "./request-meter.ts";

function setup() {
  const db = openDatabase(fs.mkdtempSync(path.join(os.tmpdir(), "masque-request-meter-")));
  const accountId = `acct_${Math.random().toString(36).slice(2)}`;
  db.insert(accounts).values({ id: accountId, tier: "pro" }).run();
  grantUsd(db, accountId, 50_000_000);
  const principal: Principal = {
    accountId,
    tier: "pro",
    via: { kind: "key", keyId: "key_1", keyType: "inference", modelPrivacy: "all" },
  };
  /** A meter for one request on `model`, its hold sized from the prompt estimate and `max_tokens`. */
  const open = (model: CatalogModel, promptEstimate: number, maxTokens: number | undefined) =>
    openMeter({ db, principal, promptEstimate, maxTokens, candidates: [model], diemCredit: noDiemCredit });
  return { db, accountId, open };
}

const model = (inputPerMTok: number, outputPerMTok: number) =>
  ({ id: `m-${inputPerMTok}`, pricing: { inputPerMTok, outputPerMTok } }) as CatalogModel;

describe("a request's meter", () => {
  it("charges and counts a finished request, and reports the balances the store holds", async () => {
    const { db, accountId, open } = setup();
    const priced = model(2.5, 10);
    const meter = await open(priced, 100, 1000);
    const held = availableCredit(db, accountId, new Date());
    expect(meter.balances()).toEqual({ usd: held.usd + held.plan, diem: held.diem });

    const cost = await meter.charge(priced, { promptTokens: 100, completionTokens: 20 }).settled;
    expect(cost).toBe(450);
    const after = availableCredit(db, accountId, new Date());
    expect(after).toEqual({ diem: 0, plan: 10_000_000 - 450, usd: 50_000_000 });
    expect(meter.balances()).toEqual({ usd: after.usd + after.plan, diem: 0 });
    expect(meter.balanceHeaders()).toEqual({
      "x-masque-balance-usd": "59.999550",
      "x-masque-balance-diem": "0.000000",
    });
    expect(db.select().from(usageCounters).all()).toMatchObject([
      { accountId, source: "key_1", model: priced.id, requests: 1, promptTokens: 100, completionTokens: 20 },
    ]);
  });

  it("knows a charge's cost and balances from the hold, before the settlement commits, and they match it", async () => {
    const { db, accountId, open } = setup();
    const priced = model(2.5, 10);
    const meter = await open(priced, 100, 1000);
    const { costMicro, settled } = meter.charge(priced, { promptTokens: 100, completionTokens: 20 });
    expect(costMicro).toBe(450);
    // Not committed yet: the hold is still open, and the projection already counts its refund.
    expect(availableCredit(db, accountId, new Date()).plan).toBeLessThan(10_000_000 - 450);
    const projected = meter.balanceHeaders();
    expect(projected["x-masque-balance-usd"]).toBe("59.999550");

    expect(await settled).toBe(costMicro);
    const after = availableCredit(db, accountId, new Date());
    expect(after).toEqual({ diem: 0, plan: 10_000_000 - 450, usd: 50_000_000 });
    expect(meter.balanceHeaders()).toEqual(projected);
    // A charge beyond the hold is capped at it, as the settlement caps it.
    const small = await open(priced, 10, 10);
    const capped = small.charge(priced, { promptTokens: 10_000, completionTokens: 10_000 });
    expect(await capped.settled).toBe(capped.costMicro);
    expect(capped.costMicro).toBeLessThan(costMicroUsd(10_000, 10_000, priced.pricing));
  });

  it("counts a free model's request without holding anything", async () => {
    const { db, accountId, open } = setup();
    const free = model(0, 0);
    const meter = await open(free, 10, undefined);
    expect(await meter.charge(free, { promptTokens: 10, completionTokens: 5 }).settled).toBe(0);
    expect(meter.balances()).toEqual({ usd: 50_000_000, diem: 0 });
    expect(db.select().from(usageCounters).all()).toMatchObject([
      { accountId, requests: 1, promptTokens: 10, completionTokens: 5 },
    ]);
  });
});
