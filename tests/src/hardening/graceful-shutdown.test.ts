import net from "node:net";
import { countCompletionTokens, countPromptTokens } from "@masque/server/usage/count-tokens.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMasque } from "../support/masque-process.ts";
import { isOpenAIError, type StreamOutcome, streamChat } from "./support/chat-stream.ts";
import { type HardeningGateway, ledgerState, startHardeningGateway } from "./support/gateway.ts";
import { ScriptedUpstream, tokens } from "./support/scripted-upstream.ts";

// SIGTERM with streams in flight: the listener closes (new connections are
// refused), a request that still reaches the process gets a 503 in OpenAI's
// shape, streams that end within the grace period end normally, the rest are
// cut with an error event and pay for what they were sent, and the ledger
// holds no open reservation, across a restart too.

const PRICE = 1000; // $0.001 a token
const GRACE_MS = 5_000;
const messages = [{ role: "user", content: "Count slowly, please." }];
let upstream: ScriptedUpstream;

beforeAll(async () => {
  upstream = await new ScriptedUpstream().start();
});
afterAll(async () => {
  await upstream?.stop();
});

const models = () => [
  // 20 tokens over 2 s: ends within the grace period.
  { id: "short", upstreamId: "drip-20-100", pricePerMTok: PRICE },
  // 100 tokens over 10 s: still running when the grace period ends.
  { id: "long", upstreamId: "drip-100-100", pricePerMTok: PRICE },
];

const start = (dataDir?: string) =>
  startHardeningGateway(upstream.baseUrl, models(), {
    dataDir,
    env: { MASQUE_SHUTDOWN_GRACE_MS: String(GRACE_MS) },
  });

/** Resolves with the exit code once the process has exited. */
const exited = (gateway: HardeningGateway) =>
  new Promise<number | null>((resolve) => {
    if (gateway.child.exitCode !== null) resolve(gateway.child.exitCode);
    else gateway.child.once("exit", (code) => resolve(code));
  });

/** Opens a stream and resolves `firstToken` as soon as its first content arrives. */
function openStream(gateway: HardeningGateway, model: string) {
  let started: () => void = () => {};
  const firstToken = new Promise<void>((r) => (started = r));
  const outcome = streamChat(
    gateway.url,
    gateway.adminKey,
    { model, messages, max_tokens: 500, stream_options: { include_usage: true } },
    { onDelta: () => started() },
  );
  return { firstToken, outcome };
}

/**
 * A stream on a raw connection, which stays open while it runs:
 * `send(request)` writes another request on the same connection (Node answers it after the stream).
 */
function rawStream(gateway: HardeningGateway, key: string) {
  const body = JSON.stringify({ model: "short", messages, stream: true });
  let received = "";
  const socket = net.connect(gateway.port, "127.0.0.1", () => {
    socket.write(
      `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });
  socket.on("data", (d) => (received += d));
  const closed = new Promise<string>((resolve, reject) => {
    socket.on("close", () => resolve(received));
    socket.on("error", reject);
  });
  return { send: (request: string) => socket.write(request), closed };
}

const chargeOf = (delivered: string) =>
  (countPromptTokens(messages) + countCompletionTokens(delivered)) * PRICE;

describe("SIGTERM during live streams", () => {
  it("refuses new requests, finishes streams within the grace period, cuts the rest and settles all", async () => {
    const gateway = await start();
    try {
      const short = Array.from({ length: 8 }, () => openStream(gateway, "short"));
      const long = Array.from({ length: 4 }, () => openStream(gateway, "long"));
      const raw = rawStream(gateway, gateway.adminKey);
      await Promise.all([...short, ...long].map((s) => s.firstToken));

      const signalled = Date.now();
      gateway.child.kill("SIGTERM");
      const exit = exited(gateway);
      // The listener closes at once: a new connection is refused.
      await expect
        .poll(
          () =>
            fetch(`${gateway.url}/health`).then(
              () => "answered",
              (e) => String(e.cause?.code),
            ),
          {
            timeout: 2_000,
            interval: 50,
          },
        )
        .toBe("ECONNREFUSED");
      // A request on a connection that is still open reaches the process, draining now.
      raw.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");

      const shortOutcomes: StreamOutcome[] = await Promise.all(short.map((s) => s.outcome));
      for (const out of shortOutcomes) {
        expect(out.error).toBeUndefined();
        expect(out.text).toBe(tokens(20).join(""));
        expect(out.done).toBe(true);
        expect(out.usage?.completion_tokens).toBe(20);
      }

      // That request: 503 in OpenAI's shape, after the stream, and the connection closed.
      const answer = await raw.closed;
      expect(answer).toContain("data: [DONE]");
      const second = answer.slice(answer.lastIndexOf("HTTP/1.1 "));
      expect(second).toMatch(/^HTTP\/1\.1 503 /);
      expect(second).toMatch(/\r\nconnection: close\r\n/i);
      const refusal = JSON.parse(second.slice(second.indexOf("\r\n\r\n") + 4));
      expect(isOpenAIError(refusal)).toBe(true);
      expect(refusal.error.code).toBe("server_shutting_down");

      // Streams still running when the grace period ends are cut with an error event.
      const longOutcomes = await Promise.all(long.map((s) => s.outcome));
      for (const out of longOutcomes) {
        expect(out.status).toBe(200);
        expect(out.done).toBe(false);
        expect(isOpenAIError({ error: out.error })).toBe(true);
        expect(out.error?.code).toBe("server_shutting_down");
        expect(tokens(100).join("").startsWith(out.text)).toBe(true);
        expect(out.text.length).toBeGreaterThan(0);
      }
      expect(await exit).toBe(0);
      expect(Date.now() - signalled).toBeLessThan(GRACE_MS + 5_000);

      // Every hold was settled: short streams at the provider's count, cut ones at what they sent.
      expect(ledgerState(gateway)).toEqual({ sum: 0, negative: [], held: 0, drifted: 0 });
      const charges = gateway.sql<{ model: string; charged: number }>(
        `select model, charged_diem + charged_plan + charged_usd as charged from reservations order by model`,
      );
      const cutCharges = longOutcomes.map((o) => chargeOf(o.text)).sort((a, b) => a - b);
      expect(
        charges
          .filter((c) => c.model === "long")
          .map((c) => c.charged)
          .sort((a, b) => a - b),
      ).toEqual(cutCharges);
      // Nine short streams: eight above and the one on the raw connection.
      expect(charges.filter((c) => c.model === "short").map((c) => c.charged)).toEqual(
        Array(9).fill((11 + 20) * PRICE),
      );

      // After a restart the account shows exactly what was spent; nothing was left to release.
      const total = charges.reduce((sum, c) => sum + c.charged, 0);
      const again = await startMasque({ dataDir: gateway.dataDir });
      try {
        const account = (await (
          await fetch(`${again.url}/api/account`, {
            headers: { authorization: `Bearer ${gateway.adminKey}` },
          })
        ).json()) as { balances: { usd: number; plan_credit: number } };
        // $100 granted and Max's $150 of plan credit, less what was charged.
        expect(Math.round((account.balances.usd + account.balances.plan_credit) * 1e6)).toBe(
          250_000_000 - total,
        );
        expect(again.output()).not.toMatch(/released credit holds/);
      } finally {
        await again.stop();
      }
    } finally {
      if (gateway.child.exitCode === null) gateway.child.kill("SIGKILL");
    }
  });

  it("a process killed mid-stream leaves holds that the next start releases, uncharged", async () => {
    const gateway = await start();
    try {
      const streams = Array.from({ length: 3 }, () => openStream(gateway, "long"));
      // They will fail when the process dies; that is expected.
      for (const s of streams) s.outcome.catch(() => {});
      await Promise.all(streams.map((s) => s.firstToken));
      gateway.child.kill("SIGKILL");
      await exited(gateway);
      expect(ledgerState(gateway).held).toBe(3);

      const again = await startMasque({ dataDir: gateway.dataDir });
      await again.stop();
      expect(again.output()).toMatch(/"released":3.*released credit holds left by an earlier run/);
      expect(ledgerState(gateway)).toEqual({ sum: 0, negative: [], held: 0, drifted: 0 });
      const [charged] = gateway.sql<{ c: number }>(
        "select sum(charged_diem + charged_plan + charged_usd) as c from reservations",
      );
      expect(charged?.c).toBe(0);
    } finally {
      if (gateway.child.exitCode === null) gateway.child.kill("SIGKILL");
    }
  });
});
