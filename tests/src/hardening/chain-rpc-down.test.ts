import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, tempDataDir } from "../support/masque-process.ts";
import { FakeChainRpc, writeFakeDeployments } from "./support/fake-chain-rpc.ts";
import { type HardeningGateway, startHardeningGateway } from "./support/gateway.ts";
import { ScriptedUpstream } from "./support/scripted-upstream.ts";

// The chain is a side road: with its RPC refusing connections or hanging, chat
// answers as fast as ever (a wallet's DIEM credit read included), the followers
// back off, and once the RPC is back they catch up to the head.

/** Chat must not wait on the chain: a generous bound for a loaded 2-core machine, far below RPC timeouts (10 s+). */
const CHAT_BUDGET_MS = 2_500;
let upstream: ScriptedUpstream;
let rpc: FakeChainRpc;
let gateway: HardeningGateway;
let walletKey: string;

beforeAll(async () => {
  upstream = await new ScriptedUpstream().start();
  rpc = await FakeChainRpc.create();
  const dataDir = tempDataDir("masque-chain-down-");
  gateway = await startHardeningGateway(
    upstream.baseUrl,
    [
      { id: "free", upstreamId: "echo" },
      { id: "paid", upstreamId: "echo", pricePerMTok: 1000 },
    ],
    {
      dataDir,
      env: {
        MASQUE_CHAIN_RPC: rpc.url,
        MASQUE_CHAIN_ID: "8453",
        MASQUE_DEPLOYMENTS: writeFakeDeployments(dataDir),
        MASQUE_CHAIN_CONFIRMATIONS: "0",
        MASQUE_CHAIN_POLL_MS: "200",
      },
    },
  );
  // An account linked to a wallet: its paid requests read the wallet's staked DIEM from the chain.
  const { stdout, stderr } = await runCli(["keys", "create", "--tier", "pro", "--balance-usd", "5"], dataDir);
  walletKey = stdout.trim().split("\n").at(-1) ?? "";
  const accountId = /for account (\S+)/.exec(stderr)?.[1] ?? "";
  const db = new Database(path.join(dataDir, "masque.sqlite"));
  db.prepare("update accounts set wallet_address = ? where id = ?").run(
    "0x00000000000000000000000000000000000000aa",
    accountId,
  );
  db.close();
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  await rpc?.down();
  await upstream?.stop();
});

async function timedChat(key: string, model: string) {
  const started = performance.now();
  const res = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "still there?" }], max_tokens: 20 }),
  });
  const body = (await res.json()) as { choices?: Array<{ message: { content: string } }> };
  return { status: res.status, text: body.choices?.[0]?.message.content, ms: performance.now() - started };
}

async function chatStillFast() {
  for (const [key, model] of [
    [gateway.adminKey, "free"],
    [gateway.adminKey, "paid"],
    [walletKey, "paid"],
    [walletKey, "paid"],
  ] as const) {
    const r = await timedChat(key, model);
    expect(r).toMatchObject({ status: 200, text: "echo: still there?" });
    expect(r.ms).toBeLessThan(CHAT_BUDGET_MS);
  }
}

const cursors = () =>
  gateway.sql<{ name: string; block_number: number }>(
    "select name, block_number from chain_cursors order by name",
  );

describe("the chain RPC down", () => {
  it("refusing connections: chat is unaffected and the followers back off", async () => {
    await rpc.down();
    await chatStillFast();
    // Waits between failed polls grow.
    await expect
      .poll(() => [...gateway.output().matchAll(/"job":"chain followers".*?"retryInMs":(\d+)/g)].length, {
        timeout: 10_000,
      })
      .toBeGreaterThanOrEqual(3);
    const waits = [...gateway.output().matchAll(/"job":"chain followers".*?"retryInMs":(\d+)/g)].map((m) =>
      Number(m[1]),
    );
    expect(waits[2]).toBeGreaterThan(waits[0] ?? 0);
    expect(cursors()).toEqual([]);
  });

  it("hanging: chat is unaffected", async () => {
    await rpc.hang();
    await chatStillFast();
    const account = (await (
      await fetch(`${gateway.url}/api/account`, { headers: { authorization: `Bearer ${walletKey}` } })
    ).json()) as { diem: { stale: boolean } };
    expect(account.diem.stale).toBe(true);
  });

  it("back up: the followers catch up to the head", async () => {
    rpc.head = 1_234;
    await rpc.up();
    await expect
      .poll(() => cursors().map((c) => c.block_number), { timeout: 45_000, interval: 250 })
      .toEqual([1_234, 1_234]);
    await chatStillFast();
  }, 60_000);
});
