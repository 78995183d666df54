import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../support/free-port.ts";
import { streamChat } from "../support/chat-stream.ts";
import { type HardeningGateway, ledgerState, rssBytes, startHardeningGateway } from "../support/gateway.ts";
import { heapAfterGc } from "../support/heap-after-gc.ts";
import { ScriptedUpstream } from "../support/scripted-upstream.ts";

// 200 clients streaming through the gateway at once, back to back, for 60 s
// (LOAD_SECONDS to change it): no errors, every stream complete and correct and
// charged once, and the gateway's memory back near where it started.

const CLIENTS = 200;
const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const MB = 2 ** 20;
let upstream: ScriptedUpstream;
let gateway: HardeningGateway;
let keys: string[];
let inspectPort = 0;

beforeAll(async () => {
  upstream = await new ScriptedUpstream().start();
  inspectPort = await freePort();
  gateway = await startHardeningGateway(
    upstream.baseUrl,
    [
      // The full pipeline: a third-party model (identity stripped, redaction), metered.
      { id: "frontier", upstreamId: "echo", pricePerMTok: 1 },
      { id: "home", upstreamId: "echo", privacy: "local" },
    ],
    {
      balanceUsd: 1_000,
      // The DevTools port lets the test collect the gateway's garbage before it reads the heap.
      env: {
        MASQUE_LOG_LEVEL: "warn",
        NODE_OPTIONS: `--inspect=127.0.0.1:${inspectPort}`,
      },
    },
  );
  keys = await gateway.keys(CLIENTS);
}, 120_000);

afterAll(async () => {
  await gateway?.stop();
  await upstream?.stop();
});

const mb = (bytes: number) => Math.round(bytes / MB);

/** The gateway's memory once everything collectable is collected: heap from V8, resident from /proc. */
async function settledMemory(pid: number) {
  const { heapUsed } = await heapAfterGc(inspectPort);
  return { heapUsed, rss: rssBytes(pid) };
}

interface Tally {
  ok: number;
  paid: number;
  failures: string[];
}

/** One client: streams until the deadline (or `most` streams), checking each answer. */
async function client(
  i: number,
  until: number,
  tally: Tally,
  most = Number.POSITIVE_INFINITY,
): Promise<void> {
  const key = keys[i] ?? "";
  for (let n = 0; n < most && Date.now() < until; n++) {
    const model = n % 2 === 0 ? "frontier" : "home";
    const question = `client ${i} asks question ${n}`;
    try {
      const out = await streamChat(gateway.url, key, {
        model,
        messages: [{ role: "user", content: question }],
        max_tokens: 64,
        stream_options: { include_usage: true },
      });
      const ids = new Set(out.events.map((e) => e.id));
      const problem =
        out.status !== 200
          ? `status ${out.status} ${JSON.stringify(out.error)}`
          : out.error
            ? `error event ${JSON.stringify(out.error)}`
            : !out.done
              ? "no [DONE]"
              : out.text !== `echo: ${question}`
                ? `wrong text ${JSON.stringify(out.text)}`
                : ids.size !== 1
                  ? `${ids.size} ids in one stream`
                  : out.usage?.completion_tokens !== 7
                    ? `usage ${JSON.stringify(out.usage)}`
                    : undefined;
      if (problem) tally.failures.push(`client ${i} #${n} ${model}: ${problem}`);
      else {
        tally.ok++;
        if (model === "frontier") tally.paid++;
      }
    } catch (err) {
      tally.failures.push(`client ${i} #${n} ${model}: ${(err as Error).message}`);
    }
  }
}

describe(`${CLIENTS} concurrent streaming clients`, () => {
  it(
    `stream for ${SECONDS} s without an error, every answer whole, memory back to its baseline`,
    async () => {
      const pid = gateway.child.pid ?? 0;
      // Warm up (JIT, pools, caches), then take the baseline.
      const warm: Tally = { ok: 0, paid: 0, failures: [] };
      await Promise.all(keys.map((_, i) => client(i, Date.now() + 60_000, warm, 2)));
      expect(warm.failures).toEqual([]);
      // Memory is compared after a full collection each time, so that it measures what is
      // live, not the heap V8 keeps grown (unasked, it gives that back only after a long idle).
      const before = await settledMemory(pid);

      const tally: Tally = { ok: 0, paid: 0, failures: [] };
      let peak = before.rss;
      const sampler = setInterval(() => {
        peak = Math.max(peak, rssBytes(pid));
      }, 1_000);
      const started = Date.now();
      await Promise.all(keys.map((_, i) => client(i, started + SECONDS * 1000, tally)));
      const elapsed = (Date.now() - started) / 1000;
      clearInterval(sampler);
      const idle = rssBytes(pid);
      const after = await settledMemory(pid);

      console.log(
        `${CLIENTS} clients, ${elapsed.toFixed(1)} s: ${tally.ok} streams (${(tally.ok / elapsed).toFixed(0)}/s), ` +
          `${tally.failures.length} failures; RSS ${mb(before.rss)} MB before, peak ${mb(peak)} MB, ` +
          `${mb(idle)} MB when idle, ${mb(after.rss)} MB after a collection; ` +
          `heap used ${mb(before.heapUsed)} → ${mb(after.heapUsed)} MB`,
      );
      expect(tally.failures.slice(0, 20)).toEqual([]);
      // It did carry load: a stream every five seconds per client at least (about two a second here).
      expect(tally.ok).toBeGreaterThan(CLIENTS * SECONDS * 0.2);
      // Resident memory back to its baseline; malloc keeps some pages it grew (80 MB or 35% of slack)…
      expect(after.rss).toBeLessThan(before.rss + Math.max(80 * MB, before.rss * 0.35));
      // …and the live heap too: tens of thousands of streams leave at most a few MB behind.
      expect(after.heapUsed).toBeLessThan(before.heapUsed + 16 * MB);

      // The ledger: one settled reservation per paid stream, balanced, nothing left held.
      expect(ledgerState(gateway)).toEqual({ sum: 0, negative: [], held: 0, drifted: 0 });
      const [settled] = gateway.sql<{ n: number }>(
        "select count(*) as n from reservations where model = 'frontier' and status = 'settled'",
      );
      expect(settled?.n).toBe(warm.paid + tally.paid);
      expect(gateway.child.exitCode).toBeNull();
    },
    (SECONDS + 120) * 1000,
  );
});
