import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { BenchResult } from "./bench-result.ts";
import { type BatchResult, keepAliveAgent, runBatch, type Target } from "./gateway/load.ts";
import {
  type BenchProcess,
  benchDir,
  cpuMs,
  rssBytes,
  startMasque,
  startPortkey,
  startUpstream,
} from "./gateway/processes.ts";
import { readProfile, summarizeProfile } from "./gateway/profile-summary.ts";
import { directTarget, masqueTarget, portkeyTarget } from "./gateway/targets.ts";
import { rotation, summarize } from "./stats.ts";

const ROUNDS = 5;
const scenarios = [
  { id: "json-c1", label: "JSON, 1 at a time", stream: false, concurrency: 1, perBatch: 100 },
  { id: "json-c16", label: "JSON, 16 at a time", stream: false, concurrency: 16, perBatch: 500 },
  {
    id: "stream-c1",
    label: "stream (first token), 1 at a time",
    stream: true,
    concurrency: 1,
    perBatch: 100,
  },
  {
    id: "stream-c16",
    label: "stream (first token), 16 at a time",
    stream: true,
    concurrency: 16,
    perBatch: 500,
  },
] as const;
type ScenarioId = (typeof scenarios)[number]["id"];
type TargetName = "direct" | "masque" | "portkey";

interface Measured {
  /** JSON: whole answer; stream: first token. ms per request. */
  latency: number[];
  /** Whole answer (stream: to `[DONE]`), ms per request. */
  total: number[];
  requests: number;
  wallMs: number;
  /** CPU the serving process (gateway, or the upstream for `direct`) spent, ms. */
  cpuMs: number;
  errors: number;
  firstError?: string;
}

const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : "–");

/**
 * Gateway overhead, Masque vs the Portkey AI Gateway: both as one Node process
 * in front of the same stand-in upstream, measured side by side with the
 * upstream called directly; added latency is a gateway's percentile minus the
 * direct one. With MASQUE_BENCH_PROFILE=1, Masque also runs under the V8
 * profiler and the result says where its CPU went (the profiler slows it, so
 * that run's timings are not comparable).
 */
export default async function gatewayOverheadBench(): Promise<BenchResult> {
  const dir = benchDir("masque-bench-gateway-");
  const profile = process.env.MASQUE_BENCH_PROFILE === "1";
  const processes: BenchProcess[] = [];
  try {
    const upstream = await startUpstream(dir);
    processes.push(upstream);
    const masque = await startMasque(dir, {
      upstreamUrl: upstream.url,
      keys: 128,
      nodeArgs: profile ? ["--cpu-prof", `--cpu-prof-dir=${path.join(dir, "profile")}`] : [],
    });
    processes.push(masque);
    const portkey = await startPortkey(dir);
    processes.push(portkey);

    const targets: Record<TargetName, Target> = {
      direct: directTarget(upstream.url, keepAliveAgent(16)),
      masque: masqueTarget(masque.url, masque.keys, keepAliveAgent(16)),
      portkey: portkeyTarget(portkey.url, upstream.url, keepAliveAgent(16)),
    };
    const servingPid: Record<TargetName, number> = {
      direct: upstream.pid,
      masque: masque.pid,
      portkey: portkey.pid,
    };
    const names = Object.keys(targets) as TargetName[];

    // Warm-up: JIT, connection pools, the PII word lists, SQLite's page cache.
    let masqueRequests = 0;
    for (const name of names) {
      for (const stream of [false, true]) {
        await runBatch(targets[name], { count: 300, concurrency: 16, stream });
        await runBatch(targets[name], { count: 30, concurrency: 1, stream });
        if (name === "masque") masqueRequests += 330;
      }
    }

    const loadBefore = os.loadavg()[0] ?? 0;
    const measured = {} as Record<ScenarioId, Record<TargetName, Measured>>;
    let offset = 0;
    for (const s of scenarios) {
      const byTarget = Object.fromEntries(
        names.map((n) => [
          n,
          { latency: [], total: [], requests: 0, wallMs: 0, cpuMs: 0, errors: 0 } as Measured,
        ]),
      ) as Record<TargetName, Measured>;
      for (let round = 0; round < ROUNDS; round++) {
        for (const name of rotation(names, round)) {
          const m = byTarget[name];
          const cpuBefore = cpuMs(servingPid[name]);
          const r: BatchResult = await runBatch(
            targets[name],
            { count: s.perBatch, concurrency: s.concurrency, stream: s.stream },
            offset,
          );
          offset += s.perBatch;
          m.cpuMs += cpuMs(servingPid[name]) - cpuBefore;
          m.latency.push(...(s.stream ? r.firstToken : r.total));
          m.total.push(...r.total);
          m.requests += r.total.length;
          if (name === "masque") masqueRequests += s.perBatch;
          m.wallMs += r.wallMs;
          m.errors += r.errors;
          m.firstError ??= r.firstError;
        }
      }
      measured[s.id] = byTarget;
      process.stderr.write(`  gateway-overhead: ${s.label} done\n`);
    }
    const loadAfter = os.loadavg()[0] ?? 0;
    const rss = { masque: rssBytes(masque.pid), portkey: rssBytes(portkey.pid) };
    let profiled: { busyMs: number; byCategory: Record<string, number>; requests: number } | undefined;
    if (profile) {
      await masque.stop(); // the profile is written as it exits
      profiled = { ...summarizeProfile(readProfile(path.join(dir, "profile"))), requests: masqueRequests };
    }

    const stats = Object.fromEntries(
      scenarios.map((s) => {
        const byTarget = measured[s.id];
        const direct = summarize(byTarget.direct.latency);
        return [
          s.id,
          Object.fromEntries(
            names.map((n) => {
              const m = byTarget[n];
              const lat = summarize(m.latency);
              return [
                n,
                {
                  latency: lat,
                  total: summarize(m.total),
                  addedP50: n === "direct" ? 0 : lat.p50 - direct.p50,
                  addedP99: n === "direct" ? 0 : lat.p99 - direct.p99,
                  requestsPerSecond: (m.requests / m.wallMs) * 1000,
                  cpuMsPerRequest: m.requests ? m.cpuMs / m.requests : Number.NaN,
                  errors: m.errors,
                  firstError: m.firstError,
                },
              ];
            }),
          ),
        ];
      }),
    ) as Record<
      ScenarioId,
      Record<
        TargetName,
        {
          latency: ReturnType<typeof summarize>;
          total: ReturnType<typeof summarize>;
          addedP50: number;
          addedP99: number;
          requestsPerSecond: number;
          cpuMsPerRequest: number;
          errors: number;
          firstError?: string;
        }
      >
    >;

    const rows: BenchResult["rows"] = [];
    for (const s of scenarios) {
      const st = stats[s.id];
      for (const n of names) {
        const x = st[n];
        rows.push({
          test: s.label,
          target: n,
          "p50 ms": fmt(x.latency.p50),
          "p99 ms": fmt(x.latency.p99),
          "added p50 ms": n === "direct" ? "" : fmt(x.addedP50),
          "added p99 ms": n === "direct" ? "" : fmt(x.addedP99),
          "whole answer p50 ms": fmt(x.total.p50),
          "req/s": fmt(x.requestsPerSecond, 0),
          "server CPU ms/req": fmt(x.cpuMsPerRequest, 3),
          errors: x.errors ? `${x.errors} (${x.firstError})` : 0,
        });
      }
      rows.push({
        test: s.label,
        target: "Masque ÷ Portkey",
        "p50 ms": fmt(st.masque.latency.p50 / st.portkey.latency.p50),
        "p99 ms": fmt(st.masque.latency.p99 / st.portkey.latency.p99),
        "added p50 ms": fmt(st.masque.addedP50 / st.portkey.addedP50),
        "added p99 ms": fmt(st.masque.addedP99 / st.portkey.addedP99),
        "whole answer p50 ms": fmt(st.masque.total.p50 / st.portkey.total.p50),
        "req/s": fmt(st.masque.requestsPerSecond / st.portkey.requestsPerSecond),
        "server CPU ms/req": fmt(st.masque.cpuMsPerRequest / st.portkey.cpuMsPerRequest),
        errors: "",
      });
    }

    const goals: NonNullable<BenchResult["goals"]> = [];
    for (const s of scenarios) {
      const st = stats[s.id];
      goals.push({
        goal: `Masque's added p50 ≤ Portkey's, ${s.label}`,
        met: st.masque.errors === 0 && st.masque.addedP50 <= st.portkey.addedP50,
        value: `${fmt(st.masque.addedP50)} ms vs ${fmt(st.portkey.addedP50)} ms (× ${fmt(st.masque.addedP50 / st.portkey.addedP50)})${st.masque.errors ? `, ${st.masque.errors} errors` : ""}`,
      });
    }
    for (const s of scenarios.filter((x) => x.concurrency === 16)) {
      const st = stats[s.id];
      goals.push({
        goal: `Masque's requests/s ≥ Portkey's, ${s.label}`,
        met: st.masque.errors === 0 && st.masque.requestsPerSecond >= st.portkey.requestsPerSecond,
        value: `${fmt(st.masque.requestsPerSecond, 0)} vs ${fmt(st.portkey.requestsPerSecond, 0)} (× ${fmt(st.masque.requestsPerSecond / st.portkey.requestsPerSecond)})`,
      });
    }

    return {
      name: "gateway-overhead",
      description:
        `Masque (server/src/main.ts, one process; an API key on the Max tier with a balance, an anonymized model priced like gpt-4o, so every request is authenticated, rate-limited, held and settled in the SQLite ledger (each hold committed before the provider is called, each settlement of a JSON answer right after it is sent, a stream's before its usage chunk; those of concurrent requests share a commit), counted, stripped of identity, redacted and restored, and logged at info) vs the Portkey AI Gateway ${portkey.version} (its npm package's build/start-server.js, one process, headers x-portkey-provider: openai and x-portkey-custom-host), both in front of the same stand-in upstream (its own process, answering at once), and that upstream called directly ("direct"). ` +
        `A ~330-character prompt with a name and an email; the answer echoes it (stream: 16 characters an event, usage included). Closed-loop clients over keep-alive connections; after a warm-up, ${ROUNDS} rounds per test, the three targets interleaved in rotating order. ` +
        `Streaming latency is time to the first event with text. Added = a gateway's percentile minus direct's. Server CPU is what the serving process used per request (/proc), which other load on the machine inflates far less than wall-clock time. ` +
        `Masque's keys rotate over 128 keys, since one key may send 500 requests a minute. Portkey runs with a preload that binds it to 127.0.0.1 and works around its Node streaming bug (Portkey-AI/gateway#1389); Portkey holds a stream's first event for 25 ms by design. ` +
        `Memory after the run: Masque ${(rss.masque / 2 ** 20).toFixed(0)} MB RSS, Portkey ${(rss.portkey / 2 ** 20).toFixed(0)} MB.` +
        (profiled
          ? ` Profiled run (timings slowed by the profiler): Masque's busy CPU went to ${Object.entries(
              profiled.byCategory,
            )
              .filter(([k]) => k !== "idle" && k !== "start-up")
              .sort((a, b) => b[1] - a[1])
              .map(([k, v]) => `${k} ${((v / profiled.busyMs) * 100).toFixed(1)}%`)
              .join(
                ", ",
              )}; ${(profiled.busyMs / profiled.requests).toFixed(2)} ms a request under the profiler.`
          : ""),
      rows,
      raw: {
        stats,
        rssBytes: rss,
        portkeyVersion: portkey.version,
        loadAverage1m: { before: loadBefore, after: loadAfter, cores: os.availableParallelism() },
        profile: profiled && { ...profiled, file: path.join(dir, "profile") },
      },
      goals,
    };
  } finally {
    for (const p of processes.reverse()) await p.stop();
    // Keep the directory only for the profile it holds.
    if (!profile) fs.rmSync(dir, { recursive: true, force: true });
  }
}
