import fs from "node:fs";
import os from "node:os";
import { redactChatMessages } from "@masque/server/privacy/redact-chat-request.ts";
import { ChatStreamRestorer } from "@masque/server/privacy/restore-chat-completion.ts";
import type { PiiType } from "@masque/shared";
import type { BenchResult } from "./bench-result.ts";
import { keepAliveAgent, openIdleStreams, runBatch, type Target } from "./gateway/load.ts";
import {
  type BenchProcess,
  benchDir,
  MASQUE_IDLE_MODEL,
  rssBytes,
  startMasque,
  startPortkey,
  startUpstream,
} from "./gateway/processes.ts";
import { masqueTarget, portkeyTarget, withModel } from "./gateway/targets.ts";
import { median } from "./stats.ts";

/** Tokens in each restoration pass; about 4 characters each, as models stream them. */
const TOKENS = 200_000;
const PASSES = 7;
const IDLE_STREAMS = 500;
const ROUNDS = 2;
const GOAL_TOKENS_PER_S = 1_000_000;
const GOAL_BYTES_PER_STREAM = 100 * 1024;

const PROMPT =
  "Please write to Amara Okonkwo (amara.o@example.net, +44 20 7946 0958) about the refund to the card " +
  "ending 4111 1111 1111 1111; copy Daniel Fischer (daniel.fischer@acme-support.example) and Priya Raghunathan.";

type Chunk = { choices: Array<{ index: number; delta: { content?: string }; finish_reason: string | null }> };

/** An answer of about `tokens` tokens that names the redacted values every ~`every` tokens. */
function answerText(placeholders: string[], tokens: number, every: number): string {
  const prose =
    "Thank you for your patience while we looked into this. The refund was approved this morning and should arrive within three to five business days. ";
  let text = "";
  let i = 0;
  while (text.length < tokens * 4) {
    text += prose;
    if (placeholders.length > 0 && every > 0 && text.length / 4 >= (i + 1) * every) {
      text += `${placeholders[i % placeholders.length]} `;
      i++;
    }
  }
  return text.slice(0, tokens * 4);
}

function toChunks(text: string): Chunk[] {
  const chunks: Chunk[] = [];
  for (let i = 0; i < text.length; i += 4) {
    chunks.push({ choices: [{ index: 0, delta: { content: text.slice(i, i + 4) }, finish_reason: null }] });
  }
  chunks.push({ choices: [{ index: 0, delta: {}, finish_reason: "stop" }] });
  return chunks;
}

/**
 * Tokens per second through the restorer (the relay's restoration stage) on
 * one thread: the median of `PASSES` passes over `TOKENS` tokens, each pass a
 * fresh restorer and fresh chunk objects (made outside the timing). With
 * `relay`, also each event's JSON parse and serialization, as the relay does.
 */
function restorationSpeed(every: number, relay: boolean): { tokensPerSecond: number; placeholders: number } {
  const { messages, vault } = redactChatMessages([{ role: "user", content: PROMPT }]);
  const placeholders = [...String(messages[0]?.content).matchAll(/\[[A-Z_]+_\d+\]/g)].map((m) => m[0]);
  const text = answerText(placeholders, TOKENS, every);
  const expected = text.replace(/\[[A-Z_]+_\d+\]/g, (p) => {
    const m = /^\[([A-Z_]+)_(\d+)\]$/.exec(p);
    return (m && vault.valueOf(m[1] as PiiType, Number(m[2]))) ?? p;
  });
  const rates: number[] = [];
  for (let pass = 0; pass < PASSES + 1; pass++) {
    const events = relay ? toChunks(text).map((c) => JSON.stringify(c)) : [];
    const chunks = relay ? [] : toChunks(text);
    const restorer = new ChatStreamRestorer(vault);
    let out = "";
    let serialized = 0;
    const started = performance.now();
    if (relay) {
      for (const event of events) {
        const chunk = restorer.restoreChunk(JSON.parse(event) as Chunk);
        serialized += JSON.stringify({ ...chunk, id: "chatcmpl-bench", model: "bench" }).length;
        out += chunk.choices[0]?.delta.content ?? "";
      }
    } else {
      for (const chunk of chunks) out += restorer.restoreChunk(chunk).choices[0]?.delta.content ?? "";
    }
    const ms = performance.now() - started;
    if (relay && serialized === 0) throw new Error("streaming bench: nothing serialized");
    if (out !== expected)
      throw new Error("streaming bench: the restorer's output differs from the original text");
    if (pass > 0) rates.push((TOKENS / ms) * 1000); // the first pass warms the JIT
  }
  return { tokensPerSecond: median(rates), placeholders: placeholders.length };
}

interface IdleMemory {
  /** Bytes of RSS per open stream, per round. */
  perStream: number[];
  baselineBytes: number[];
  openBytes: number[];
  afterCloseBytes: number[];
  errors: number;
  firstError?: string;
}

async function sampleRss(pid: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    samples.push(rssBytes(pid));
    await new Promise((r) => setTimeout(r, 200));
  }
  return median(samples);
}

/** Opens IDLE_STREAMS idle streams through a gateway and measures its RSS before, during and after. */
async function idleStreamMemory(target: Target, idle: Target, pid: number): Promise<IdleMemory> {
  const result: IdleMemory = {
    perStream: [],
    baselineBytes: [],
    openBytes: [],
    afterCloseBytes: [],
    errors: 0,
  };
  // Warm-up: code paths compiled, pools and caches at their working size.
  await runBatch(target, { count: 300, concurrency: 16, stream: true });
  for (let round = 0; round < ROUNDS; round++) {
    await new Promise((r) => setTimeout(r, 1_000));
    const baseline = await sampleRss(pid);
    const streams = await openIdleStreams(idle, IDLE_STREAMS, idle.body.stream);
    await new Promise((r) => setTimeout(r, 1_000));
    const open = await sampleRss(pid);
    await streams.close();
    await new Promise((r) => setTimeout(r, 1_000));
    const after = await sampleRss(pid);
    result.errors += streams.errors;
    result.firstError ??= streams.firstError;
    result.baselineBytes.push(baseline);
    result.openBytes.push(open);
    result.afterCloseBytes.push(after);
    result.perStream.push((open - baseline) / (IDLE_STREAMS - streams.errors));
  }
  return result;
}

/**
 * Streaming: tokens per second through the restoration stage (in process), and
 * memory per open idle stream in Masque and in Portkey, measured from outside
 * through /proc (nothing is added to the server for it).
 */
export default async function streamingBench(): Promise<BenchResult> {
  const loadBefore = os.loadavg()[0] ?? 0;
  const speed = {
    typical: restorationSpeed(60, false),
    none: restorationSpeed(0, false),
    dense: restorationSpeed(8, false),
    relayTypical: restorationSpeed(60, true),
  };

  const dir = benchDir("masque-bench-streaming-");
  const processes: BenchProcess[] = [];
  let memory: { masque: IdleMemory; portkey: IdleMemory };
  try {
    const upstream = await startUpstream(dir);
    processes.push(upstream);
    const masque = await startMasque(dir, { upstreamUrl: upstream.url, keys: 128 });
    processes.push(masque);
    const portkey = await startPortkey(dir);
    processes.push(portkey);
    const m = masqueTarget(masque.url, masque.keys, keepAliveAgent(16));
    const p = portkeyTarget(portkey.url, upstream.url, keepAliveAgent(16));
    memory = {
      masque: await idleStreamMemory(
        m,
        masqueTarget(masque.url, masque.keys, m.agent, MASQUE_IDLE_MODEL),
        masque.pid,
      ),
      portkey: await idleStreamMemory(p, withModel(p, "idle"), portkey.pid),
    };
  } finally {
    for (const proc of processes.reverse()) await proc.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const loadAfter = os.loadavg()[0] ?? 0;

  const kb = (bytes: number) => (bytes / 1024).toFixed(1);
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
  const perStream = { masque: median(memory.masque.perStream), portkey: median(memory.portkey.perStream) };
  const rows: BenchResult["rows"] = [
    {
      measure: "restore, an answer naming a redacted value every ~60 tokens",
      Masque: `${Math.round(speed.typical.tokensPerSecond).toLocaleString("en")} tokens/s`,
      Portkey: "",
      note: `${speed.typical.placeholders} placeholders in the vault`,
    },
    {
      measure: "restore, an answer with no placeholder",
      Masque: `${Math.round(speed.none.tokensPerSecond).toLocaleString("en")} tokens/s`,
      Portkey: "",
      note: "",
    },
    {
      measure: "restore, a placeholder every ~8 tokens",
      Masque: `${Math.round(speed.dense.tokensPerSecond).toLocaleString("en")} tokens/s`,
      Portkey: "",
      note: "",
    },
    {
      measure: "parse + restore + serialize each event, every ~60 tokens",
      Masque: `${Math.round(speed.relayTypical.tokensPerSecond).toLocaleString("en")} tokens/s`,
      Portkey: "",
      note: "the relay's per-event work around the restorer",
    },
    {
      measure: `memory per open idle stream (${IDLE_STREAMS} streams)`,
      Masque: `${kb(perStream.masque)} KB`,
      Portkey: `${kb(perStream.portkey)} KB`,
      note: `RSS delta ÷ streams, median of ${ROUNDS} rounds`,
    },
    {
      measure: "RSS before → with the streams open → after they close",
      Masque: memory.masque.baselineBytes
        .map(
          (b, i) =>
            `${mb(b)} → ${mb(memory.masque.openBytes[i] ?? 0)} → ${mb(memory.masque.afterCloseBytes[i] ?? 0)} MB`,
        )
        .join("; "),
      Portkey: memory.portkey.baselineBytes
        .map(
          (b, i) =>
            `${mb(b)} → ${mb(memory.portkey.openBytes[i] ?? 0)} → ${mb(memory.portkey.afterCloseBytes[i] ?? 0)} MB`,
        )
        .join("; "),
      note: "per round",
    },
  ];
  const errors = memory.masque.errors + memory.portkey.errors;
  if (errors > 0) {
    rows.push({
      measure: "idle streams that failed to open",
      Masque: `${memory.masque.errors}${memory.masque.firstError ? ` (${memory.masque.firstError})` : ""}`,
      Portkey: `${memory.portkey.errors}${memory.portkey.firstError ? ` (${memory.portkey.firstError})` : ""}`,
      note: "",
    });
  }
  return {
    name: "streaming",
    description:
      `Restoration: ChatStreamRestorer (server/src/privacy) on one thread over ${TOKENS.toLocaleString("en")} four-character tokens, one chunk object each, median of ${PASSES} passes after a warm-up; the output is checked against the original text. ` +
      `Memory: ${IDLE_STREAMS} streams opened through each gateway (one process each, as in gateway-overhead) to a stand-in upstream that sends one event and then nothing; each gateway's RSS from /proc before and with them open (median of 5 samples), after a warm-up of 300 streamed requests. RSS seldom falls after the streams close: V8 keeps the heap it grew, so 'after' is not a leak measure. Masque's are on an anonymized, priced model: each holds credit, a vault and a restorer.`,
    rows,
    raw: {
      restorationTokensPerSecond: speed,
      idleStreams: { count: IDLE_STREAMS, ...memory, perStreamBytes: perStream },
      loadAverage1m: { before: loadBefore, after: loadAfter, cores: os.availableParallelism() },
    },
    goals: [
      {
        goal: `restoration ≥ ${GOAL_TOKENS_PER_S.toLocaleString("en")} tokens/s on one thread (a placeholder every ~60 tokens)`,
        met: speed.typical.tokensPerSecond >= GOAL_TOKENS_PER_S,
        value: `${Math.round(speed.typical.tokensPerSecond).toLocaleString("en")} tokens/s`,
      },
      {
        goal: `≤ ${GOAL_BYTES_PER_STREAM / 1024} KB of memory per open idle stream in Masque`,
        met: memory.masque.errors === 0 && perStream.masque <= GOAL_BYTES_PER_STREAM,
        value: `${kb(perStream.masque)} KB (Portkey: ${kb(perStream.portkey)} KB)`,
      },
    ],
  };
}
