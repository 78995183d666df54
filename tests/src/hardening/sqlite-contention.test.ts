import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../support/shared-dir.ts";
import { streamChat } from "./support/chat-stream.ts";
import { type HardeningGateway, ledgerState, startHardeningGateway } from "./support/gateway.ts";
import { ScriptedUpstream } from "./support/scripted-upstream.ts";

// Another process (the CLI, a backup, an operator's sqlite3 shell) may hold the
// store's write lock for a moment: the gateway's requests wait for it (SQLite's
// busy_timeout) and all succeed, none lost, none charged twice.

const HOLD_MS = 1_500;
let upstream: ScriptedUpstream;
let gateway: HardeningGateway;

beforeAll(async () => {
  upstream = await new ScriptedUpstream().start();
  gateway = await startHardeningGateway(upstream.baseUrl, [
    { id: "paid", upstreamId: "echo", pricePerMTok: 1000 },
  ]);
}, 60_000);
afterAll(async () => {
  await gateway?.stop();
  await upstream?.stop();
});

/** A second process that takes the write lock (BEGIN IMMEDIATE), holds it, then commits. */
function holdWriteLock(file: string, ms: number) {
  const script = `
    const Database = require("better-sqlite3");
    const db = new Database(${JSON.stringify(file)});
    db.pragma("busy_timeout = 5000");
    db.exec("BEGIN IMMEDIATE");
    db.prepare("insert into accounts (id, tier) values ('acct_lock_holder', 'free')").run();
    console.log("locked " + Date.now());
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${ms});
    db.exec("COMMIT");
    console.log("released " + Date.now());
  `;
  const child = spawn(process.execPath, ["-e", script], { cwd: path.join(repoRoot, "tests") });
  let out = "";
  child.stderr.on("data", (d) => (out += d));
  const at = (word: string) =>
    new Promise<number>((resolve, reject) => {
      child.stdout.on("data", (d) => {
        out += d;
        const match = new RegExp(`${word} (\\d+)`).exec(out);
        if (match) resolve(Number(match[1]));
      });
      child.on("exit", (code) => reject(new Error(`lock holder exited (${code}) before '${word}':\n${out}`)));
    });
  return { locked: at("locked"), released: at("released") };
}

describe("a second process holding SQLite's write lock", () => {
  it("makes requests wait, then every one succeeds and is charged once", async () => {
    const keys = await gateway.keys(4);
    const holder = holdWriteLock(path.join(gateway.dataDir, "masque.sqlite"), HOLD_MS);
    const lockedAt = await holder.locked;

    const messages = [{ role: "user", content: "are you there?" }];
    const requests = Array.from({ length: 24 }, async (_, i) => {
      const key = keys[i % keys.length] ?? "";
      if (i % 2 === 0) {
        const out = await streamChat(gateway.url, key, { model: "paid", messages, max_tokens: 50 });
        return {
          ok: out.status === 200 && out.done && out.text === "echo: are you there?",
          at: Date.now(),
          detail: JSON.stringify(out.error),
        };
      }
      const res = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "paid", messages, max_tokens: 50 }),
      });
      const body = (await res.json()) as { choices?: Array<{ message: { content: string } }> };
      return {
        ok: res.status === 200 && body.choices?.[0]?.message.content === "echo: are you there?",
        at: Date.now(),
      };
    });
    const results = await Promise.all(requests);
    const releasedAt = await holder.released;

    expect(results.filter((r) => !r.ok)).toEqual([]);
    // They waited for the lock: none could finish before it was released.
    expect(releasedAt - lockedAt).toBeGreaterThanOrEqual(HOLD_MS - 50);
    for (const r of results) expect(r.at).toBeGreaterThanOrEqual(releasedAt - 20);

    // None lost, none doubled: one settled reservation and one counted request each (each answer's
    // charge commits right after it is sent).
    await expect.poll(() => ledgerState(gateway).held).toBe(0);
    const settled = gateway.sql<{ n: number }>(
      "select count(*) as n from reservations where model = 'paid' and status = 'settled'",
    );
    expect(settled[0]?.n).toBe(24);
    const counted = gateway.sql<{ n: number }>(
      "select coalesce(sum(requests), 0) as n from usage_counters where model = 'paid'",
    );
    expect(counted[0]?.n).toBe(24);
    expect(ledgerState(gateway)).toEqual({ sum: 0, negative: [], held: 0, drifted: 0 });
    // The other process's write landed too.
    expect(gateway.sql("select id from accounts where id = 'acct_lock_holder'")).toHaveLength(1);
  });
});
