import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { mockUsdc, subscriptions } from "@masque/contracts-abi";
import { type AnvilInstance, anvilAccounts, type Deployments } from "@masque/contracts-abi/deploy";
import { eq } from "drizzle-orm";
import { createTestClient, createWalletClient, http, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../db/open-database.ts";
import { accounts, chainPayments } from "../db/schema.ts";
import { createLogger } from "../logging/logger.ts";
import { followSubscriptions } from "./follow-subscriptions.ts";
import { startLocalTestChain } from "./local-test-chain.ts";

// Subscription payments followed from a real anvil with the real contracts.

const silent = createLogger("silent", new Writable({ write: (_c, _e, cb) => cb() }));
let anvil: AnvilInstance;
let deployments: Deployments;
let client: PublicClient;
const payer = privateKeyToAccount(anvilAccounts(10)[3]?.privateKey ?? "0x");

beforeAll(async () => {
  ({ anvil, deployments, client } = await startLocalTestChain());
}, 120_000);

afterAll(async () => {
  await anvil?.stop();
});

async function subscribe(): Promise<void> {
  const wallet = createWalletClient({ account: payer, transport: http(anvil.url) });
  const pro = deployments.tiers.find((t) => t.id === "pro");
  if (!pro) throw new Error("no pro tier");
  for (const hash of [
    await wallet.writeContract({
      chain: null,
      address: deployments.contracts.usdc,
      abi: mockUsdc.abi,
      functionName: "approve",
      args: [deployments.contracts.subscriptions, BigInt(pro.pricePerPeriod)],
    }),
    await wallet.writeContract({
      chain: null,
      address: deployments.contracts.subscriptions,
      abi: subscriptions.abi,
      functionName: "subscribe",
      args: [pro.onChainId, 1n],
    }),
  ]) {
    expect((await client.waitForTransactionReceipt({ hash })).status).toBe("success");
  }
}

function freshDb() {
  const db = openDatabase(fs.mkdtempSync(path.join(os.tmpdir(), "masque-follow-db-")));
  db.insert(accounts).values({ id: "acct_payer", walletAddress: payer.address.toLowerCase() }).run();
  return db;
}

describe("following Subscribed events", () => {
  it("activates the paying wallet's account once, however often the payment is read", async () => {
    await subscribe();
    const db = freshDb();
    const options = { db, client, deployments, confirmations: 0, logger: silent };
    expect(await followSubscriptions(options)).toBeGreaterThanOrEqual(1);
    const account = db.select().from(accounts).where(eq(accounts.id, "acct_payer")).get();
    expect(account?.tier).toBe("pro");
    expect(account?.paidUntil?.getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);

    // Read everything again from the start: nothing new, nothing applied twice.
    db.$client.prepare("delete from chain_cursors").run();
    expect(await followSubscriptions(options)).toBe(0);
    expect(
      db
        .select()
        .from(chainPayments)
        .all()
        .every((p) => p.accountId === "acct_payer"),
    ).toBe(true);
  });

  it("never activates a payment that is reorged away before its confirmations", async () => {
    const test = createTestClient({ mode: "anvil", transport: http(anvil.url) });
    const db = freshDb();
    const options = { db, client, deployments, confirmations: 2, logger: silent };
    // Earlier payments first sink under the confirmation depth, so only the new one is in question.
    await test.mine({ blocks: 2 });
    await followSubscriptions(options);
    const before = db.select().from(chainPayments).all().length;
    db.update(accounts).set({ tier: "free", paidUntil: null }).where(eq(accounts.id, "acct_payer")).run();

    const snapshot = await test.snapshot();
    await subscribe();
    // Not yet two blocks deep: not counted.
    await followSubscriptions(options);
    expect(db.select().from(chainPayments).all().length).toBe(before);
    // The chain reorganises: the payment's blocks are gone, others take their place.
    await test.revert({ id: snapshot });
    await test.mine({ blocks: 5 });
    await followSubscriptions(options);
    expect(db.select().from(chainPayments).all().length).toBe(before);
    expect(db.select().from(accounts).where(eq(accounts.id, "acct_payer")).get()?.tier).toBe("free");
  });
});
