import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createApiKey } from "@masque/server/auth/api-keys.ts";
import { grantUsd } from "@masque/server/billing/grant-credit.ts";
import { openDatabase } from "@masque/server/db/open-database.ts";
import { MICRO_USD } from "@masque/shared";
import { freePort } from "../../src/support/free-port.ts";
import { repoRoot } from "../../src/support/shared-dir.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const serverDir = path.join(repoRoot, "server");

/** One benchmark process: where it answers, its pid (for /proc) and how to stop it. */
export interface BenchProcess {
  name: string;
  /** Base URL, e.g. http://127.0.0.1:20123 */
  url: string;
  pid: number;
  /** Its stdout and stderr go to this file (logs stay out of the measuring process). */
  logFile: string;
  stop(): Promise<void>;
}

/** A fresh temporary directory for one benchmark run's files. */
export function benchDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Resident set size of a process in bytes, from /proc/<pid>/status (VmRSS). */
export function rssBytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  if (!kb) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb) * 1024;
}

/** CPU time (user + system) a process has used so far, in ms, from /proc/<pid>/stat. */
export function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may hold spaces) start at state; utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks / 100) * 1000; // USER_HZ is 100 on Linux
}

function spawnLogged(args: string[], env: NodeJS.ProcessEnv, cwd: string, logFile: string) {
  const log = fs.openSync(logFile, "a");
  const child = spawn(process.execPath, args, { cwd, env, stdio: ["ignore", log, log] });
  fs.closeSync(log);
  return child;
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const kill = setTimeout(() => child.kill("SIGKILL"), 5_000);
      child.once("exit", () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill("SIGTERM");
    });
}

async function waitFor(
  name: string,
  child: ChildProcess,
  logFile: string,
  ready: () => Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(
        `${name} exited with ${child.exitCode}:\n${fs.readFileSync(logFile, "utf8").slice(-4000)}`,
      );
    }
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`${name} did not become ready:\n${fs.readFileSync(logFile, "utf8").slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts the benchmarks' stand-in provider (bench-upstream.ts) as its own process. */
export async function startUpstream(dir: string): Promise<BenchProcess> {
  const logFile = path.join(dir, "upstream.log");
  const child = spawnLogged(
    ["--import", "tsx", path.join(here, "bench-upstream.ts")],
    { PATH: process.env.PATH, HOME: process.env.HOME },
    here,
    logFile,
  );
  let port = 0;
  await waitFor("stand-in upstream", child, logFile, async () => {
    const m = /listening (\d+)/.exec(fs.readFileSync(logFile, "utf8"));
    if (m) port = Number(m[1]);
    return port > 0;
  });
  return {
    name: "upstream",
    url: `http://127.0.0.1:${port}`,
    pid: child.pid as number,
    logFile,
    stop: stopper(child),
  };
}

/** The Masque model the benchmarks call: anonymized (identity stripped, PII redacted) and priced like gpt-4o. */
export const MASQUE_MODEL = "bench-echo";
/** The same, answered by the upstream's idle stream. */
export const MASQUE_IDLE_MODEL = "bench-idle";

export interface StartMasqueOptions {
  upstreamUrl: string;
  /** How many API keys to create (requests rotate over them, see below). */
  keys: number;
  env?: Record<string, string>;
  /** Extra node flags, e.g. `--cpu-prof` to profile it. */
  nodeArgs?: string[];
}

/** A running Masque gateway and the API keys made for it. */
export interface MasqueBenchProcess extends BenchProcess {
  keys: string[];
  dataDir: string;
}

/**
 * Starts the Masque gateway (`server/src/main.ts`, what `pnpm serve` runs) as
 * one process with a providers file pointing at the stand-in: one anonymized,
 * priced model, so every request runs the whole pipeline (key lookup, rate
 * limit, a hold and a settlement in the ledger, identity stripping,
 * redaction and restoration, usage counters, logs at the default `info`).
 *
 * Keys are made as `pnpm masque keys create --tier max --balance-usd 1000`
 * makes them (the same two functions), on the Max tier with a balance. Each
 * key may send 500 requests a minute, so load rotates over many keys: the
 * limiter still runs for every request, it just never says no.
 */
export async function startMasque(dir: string, o: StartMasqueOptions): Promise<MasqueBenchProcess> {
  const dataDir = path.join(dir, "masque-data");
  const db = openDatabase(dataDir);
  const keys: string[] = [];
  for (let i = 0; i < o.keys; i++) {
    const created = createApiKey(db, { tier: "max", label: `bench ${i}` });
    grantUsd(db, created.accountId, 1000 * MICRO_USD);
    keys.push(created.key);
  }
  db.$client.close();
  const pricing = { inputPerMTok: 2.5, outputPerMTok: 10 };
  const providersFile = path.join(dir, "providers.json");
  fs.writeFileSync(
    providersFile,
    JSON.stringify({
      providers: [
        {
          id: "standin",
          kind: "openai",
          baseUrl: `${o.upstreamUrl}/v1`,
          apiKeyEnv: "BENCH_UPSTREAM_KEY",
          privacy: "anonymized",
        },
      ],
      models: [
        { id: MASQUE_MODEL, provider: "standin", upstreamId: "echo", contextLength: 128_000, pricing },
        { id: MASQUE_IDLE_MODEL, provider: "standin", upstreamId: "idle", contextLength: 128_000, pricing },
      ],
    }),
  );
  const port = await freePort();
  const logFile = path.join(dir, "masque.log");
  const child = spawnLogged(
    [...(o.nodeArgs ?? []), "--import", "tsx", path.join(serverDir, "src", "main.ts")],
    {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: String(port),
      MASQUE_DATA_DIR: dataDir,
      MASQUE_PROVIDERS: providersFile,
      MASQUE_MODEL_DOWNLOAD: "off",
      MASQUE_WEB_DIR: path.join(dir, "no-web-app"),
      // Idle streams must outlive the memory measurement.
      MASQUE_UPSTREAM_TIMEOUT_MS: "600000",
      BENCH_UPSTREAM_KEY: "sk-bench-upstream",
      ...o.env,
    },
    serverDir,
    logFile,
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor("masque", child, logFile, async () => (await fetch(`${url}/health`)).ok);
  return { name: "masque", url, pid: child.pid as number, logFile, stop: stopper(child), keys, dataDir };
}

/**
 * Starts the Portkey AI Gateway from its npm package as one Node process, the
 * way its `start:node` script does (`node build/start-server.js`), headless
 * (no log console), with portkey-preload.mjs: bound to 127.0.0.1, and its
 * streamed answers working on Node (see there).
 */
export async function startPortkey(dir: string): Promise<BenchProcess & { version: string }> {
  const require = createRequire(import.meta.url);
  const pkgFile = require.resolve("@portkey-ai/gateway/package.json");
  const pkg = JSON.parse(fs.readFileSync(pkgFile, "utf8")) as { version: string; bin: string };
  const port = await freePort();
  const logFile = path.join(dir, "portkey.log");
  const child = spawnLogged(
    [
      "--import",
      path.join(here, "portkey-preload.mjs"),
      path.join(path.dirname(pkgFile), pkg.bin),
      `--port=${port}`,
      "--headless",
    ],
    { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "production" },
    path.dirname(pkgFile),
    logFile,
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor("portkey", child, logFile, async () => (await fetch(`${url}/`)).ok);
  return {
    name: "portkey",
    url,
    pid: child.pid as number,
    logFile,
    stop: stopper(child),
    version: pkg.version,
  };
}
