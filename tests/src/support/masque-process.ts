import { type ChildProcess, execFile, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { freePort } from "./free-port.ts";
import { repoRoot } from "./shared-dir.ts";

const serverDir = path.join(repoRoot, "server");

/** A Masque process started for a test, with everything it printed. */
export interface MasqueProcess {
  url: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  /** stdout and stderr so far (structured logs). */
  output(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Entry under server/src, e.g. `main.ts` (the gateway) or `launcher/start.ts`. */
  entry?: string;
  env?: Record<string, string>;
  dataDir?: string;
  /** Path polled until it answers 200. */
  healthPath?: string;
  /** Which port variable the process listens on. */
  portVar?: "PORT" | "MASQUE_LOCAL_NODE_PORT";
  timeoutMs?: number;
}

/** A fresh, empty data directory under the OS temp dir. */
export function tempDataDir(prefix = "masque-test-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * Starts a server entry point as a real child process on a free port and waits
 * until it is healthy. A port taken between choosing it and binding it (other
 * test files run alongside) is retried with fresh ports.
 */
export async function startMasque(options: StartOptions = {}): Promise<MasqueProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(options);
    } catch (err) {
      if (attempt >= 3 || !/Address already in use|EADDRINUSE/.test(String(err))) throw err;
    }
  }
}

async function launch(options: StartOptions): Promise<MasqueProcess> {
  const port = await freePort();
  // The launcher's local chain: never the default 8545, so test files can run side by side.
  const chainPort = await freePort();
  const dataDir = options.dataDir ?? tempDataDir();
  const portVar = options.portVar ?? "PORT";
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(serverDir, "src", options.entry ?? "main.ts")],
    {
      cwd: serverDir,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        MASQUE_DATA_DIR: dataDir,
        MASQUE_LOG_LEVEL: "info",
        MASQUE_MODEL_DOWNLOAD: "off",
        MASQUE_CHAIN_PORT: String(chainPort),
        [portVar]: String(port),
        ...options.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`process exited with ${child.exitCode}:\n${output}`);
    try {
      const res = await fetch(`${url}${options.healthPath ?? "/health"}`);
      if (res.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`process did not become healthy:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    dataDir,
    child,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        const kill = setTimeout(() => child.kill("SIGKILL"), 5_000);
        child.once("exit", () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill("SIGTERM");
      }),
  };
}

const execFileAsync = promisify(execFile);

/** Runs the operator CLI (`pnpm masque …`) against a data directory. */
export async function runCli(
  args: string[],
  dataDir: string,
  env: Record<string, string> = {},
): Promise<{ stdout: string; stderr: string }> {
  return execFileAsync(process.execPath, cliArgs(args), { cwd: serverDir, env: cliEnv(dataDir, env) });
}

/** Starts the operator CLI as a child process, for a test that must stop it midway. */
export function spawnCli(args: string[], dataDir: string, env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, cliArgs(args), {
    cwd: serverDir,
    env: cliEnv(dataDir, env),
    stdio: ["ignore", "pipe", "pipe"],
  });
}

const cliArgs = (args: string[]) => ["--import", "tsx", path.join(serverDir, "src/cli/main.ts"), ...args];
const cliEnv = (dataDir: string, env: Record<string, string>) => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  MASQUE_DATA_DIR: dataDir,
  ...env,
});

/** Creates a key with the CLI and returns it (the last line of stdout). */
export async function createKey(dataDir: string, ...args: string[]): Promise<string> {
  const { stdout } = await runCli(["keys", "create", ...args], dataDir);
  return stdout.trim().split("\n").at(-1) ?? "";
}
