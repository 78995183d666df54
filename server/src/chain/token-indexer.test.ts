import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { vvv } from "@masque/contracts-abi";
import { type AnvilInstance, anvilAccounts, type Deployments } from "@masque/contracts-abi/deploy";
import { and, eq } from "drizzle-orm";
import {
  createTestClient,
  createWalletClient,
  encodeFunctionData,
  type Hex,
  http,
  type PublicClient,
  parseEther,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Db, openDatabase } from "../db/open-database.ts";
import { chainEvents } from "../db/schema.ts";
import { createLogger } from "../logging/logger.ts";
import { startLocalTestChain } from "./local-test-chain.ts";
import { indexTokenEvents } from "./token-indexer.ts";

// The token indexer against a real anvil: pages, restarts, and a reorg that replaces indexed blocks.

const silent = createLogger("silent", new Writable({ write: (_c, _e, cb) => cb() }));
const burner = privateKeyToAccount(anvilAccounts(10)[7]?.privateKey ?? "0x");
let anvil: AnvilInstance;
let deployments: Deployments;
let client: PublicClient;
let db: Db;

beforeAll(async () => {
  ({ anvil, deployments, client } = await startLocalTestChain());
  db = openDatabase(fs.mkdtempSync(path.join(os.tmpdir(), "masque-indexer-db-")));
}, 120_000);

afterAll(async () => {
  await anvil?.stop();
});

const testClient = () => createTestClient({ mode: "anvil", transport: http(anvil.url) });
// Small pages, so a few blocks already span several of them.
const index = () => indexTokenEvents({ db, client, deployments, logger: silent, pageSize: 3 });

/** A signed VVV burn, so the very same transaction can be sent again on another branch. */
async function signedBurn(amount: bigint): Promise<Hex> {
  const wallet = createWalletClient({ account: burner, transport: http(anvil.url) });
  const request = await wallet.prepareTransactionRequest({
    chain: null,
    to: deployments.contracts.vvv,
    data: encodeFunctionData({ abi: vvv.abi, functionName: "burn", args: [amount] }),
    gas: 200_000n,
  });
  return wallet.signTransaction({ ...request, chain: null } as never);
}

function indexedBurns() {
  return db
    .select()
    .from(chainEvents)
    .where(and(eq(chainEvents.contract, "vvv"), eq(chainEvents.event, "Transfer")))
    .all()
    .map((e) => ({ ...e, args: JSON.parse(e.args) as { from: string; to: string; value: string } }));
}

describe("the token indexer", () => {
  it("indexes the deployment's events in pages and, after a restart, continues without repeating any", async () => {
    expect(await index()).toBeGreaterThan(0);
    const total = db.select().from(chainEvents).all().length;
    // The local deployment funds accounts and seeds the pool: no burn yet, but staking wiring and tiers.
    expect(indexedBurns()).toEqual([]);
    expect(await index()).toBe(0);
    expect(db.select().from(chainEvents).all().length).toBe(total);
  });

  it("removes the events of blocks a reorg replaced, and adds them again where the new branch has them", async () => {
    const fork = await testClient().snapshot();
    const raw = await signedBurn(parseEther("1234"));
    const hash = await client.sendRawTransaction({ serializedTransaction: raw });
    const first = await client.waitForTransactionReceipt({ hash });
    await testClient().mine({ blocks: 2 });
    await index();
    expect(indexedBurns()).toMatchObject([
      {
        txHash: hash,
        blockHash: first.blockHash,
        args: { from: burner.address, value: "1234000000000000000000" },
      },
    ]);

    // A reorg: the chain goes back to before the burn and grows a longer branch without it.
    await testClient().revert({ id: fork });
    await testClient().mine({ blocks: 5 });
    await index();
    expect(indexedBurns()).toEqual([]);

    // The same transaction lands on the new branch, in another block: indexed once, under that block.
    await client.sendRawTransaction({ serializedTransaction: raw });
    const second = await client.waitForTransactionReceipt({ hash });
    expect(second.blockHash).not.toBe(first.blockHash);
    await index();
    expect(indexedBurns()).toMatchObject([
      { txHash: hash, blockHash: second.blockHash, blockNumber: Number(second.blockNumber) },
    ]);
    expect(await index()).toBe(0);
  });
});
