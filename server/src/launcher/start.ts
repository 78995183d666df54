import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type AnvilInstance, ensureLocalDeployment, startAnvil } from "@masque/contracts-abi/deploy";
import { loadConfigOrExit } from "../config/env.ts";

/**
 * `pnpm start`: every part Masque needs on one machine — a local chain with the
 * contracts deployed, the local model node, then the gateway pointed at both —
 * as child processes that stop together.
 */
const config = loadConfigOrExit();
const children: ChildProcess[] = [];
let stopping = false;

function start(name: string, entry: string, env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(new URL(entry, import.meta.url))], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "inherit", "inherit"],
  });
  child.on("exit", (code, signal) => {
    if (stopping) return;
    process.stderr.write(`${name} exited (${signal ?? code}); stopping Masque.\n`);
    stop(1);
  });
  children.push(child);
  return child;
}

async function waitHealthy(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(1_000) })).ok) return true;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

let anvil: AnvilInstance | undefined;

function stop(code: number): void {
  stopping = true;
  for (const child of children) child.kill("SIGTERM");
  // The gateway lets streams finish for its grace period; after that (and a little more), or for a child
  // still starting up without its signal handlers, make sure none outlives us.
  setTimeout(() => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    process.exit(code);
  }, config.shutdownGraceMs + 5_000).unref();
  Promise.all([
    ...children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once("exit", r)))),
    // anvil writes its state on the way out, so balances survive a restart.
    anvil?.stop(),
  ]).then(() => process.exit(code));
}
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));

/**
 * The chain: anvil with its state in the data directory and the contracts
 * deployed once (reused on later starts) — unless MASQUE_CHAIN_RPC names
 * another chain, whose deployments file must then exist.
 */
async function startChain(): Promise<{ rpcUrl: string; deploymentsFile: string }> {
  if (config.chainRpc) return { rpcUrl: config.chainRpc, deploymentsFile: config.deploymentsFile };
  anvil = await startAnvil({
    port: config.chainPort,
    host: config.host,
    chainId: config.chainId,
    statePath: path.join(config.dataDir, "chain-state.json"),
  });
  const { reused } = await ensureLocalDeployment({
    rpcUrl: anvil.url,
    deploymentsFile: config.deploymentsFile,
  });
  process.stderr.write(
    `Local chain at ${anvil.url}: contracts ${reused ? "reused" : "deployed"} (${config.deploymentsFile}).\n`,
  );
  return { rpcUrl: anvil.url, deploymentsFile: config.deploymentsFile };
}
fs.mkdirSync(config.dataDir, { recursive: true });
const chain = startChain();

const localNodeUrl = `http://${config.host}:${config.localNodePort}`;
start("local model node", "../local-node/main.ts", {
  MASQUE_LOCAL_NODE_PORT: String(config.localNodePort),
  MASQUE_MODELS_DIR: config.modelsDir,
  MASQUE_DATA_DIR: config.dataDir,
});
// A first start may download the default model: wait as long as that takes.
if (!(await waitHealthy(`${localNodeUrl}/health`, 30 * 60_000))) {
  process.stderr.write("The local model node did not start.\n");
  stop(1);
}

const chainInfo = await chain.catch((err: Error) => {
  process.stderr.write(`The local chain did not start: ${err.message}\n`);
  stop(1);
  // stop() exits once the children are gone; wait for it here.
  return new Promise<never>(() => {});
});

const gatewayUrl = `http://${config.host}:${config.port}`;
start("gateway", "../main.ts", {
  MASQUE_LOCAL_NODE_URL: `${localNodeUrl}/v1`,
  MASQUE_DATA_DIR: config.dataDir,
  MASQUE_CHAIN_RPC: chainInfo.rpcUrl,
  MASQUE_DEPLOYMENTS: chainInfo.deploymentsFile,
});
if (!(await waitHealthy(`${gatewayUrl}/health`, 60_000))) {
  process.stderr.write("The gateway did not start.\n");
  stop(1);
} else {
  process.stdout.write(
    [
      "",
      `  Masque is running.`,
      `  API (OpenAI-compatible): ${gatewayUrl}/v1`,
      `  Local model node:        ${localNodeUrl}/v1`,
      `  Chain (JSON-RPC):        ${chainInfo.rpcUrl}`,
      `  Data directory:          ${config.dataDir}`,
      `  Create an API key:       pnpm masque keys create`,
      "",
    ].join("\n"),
  );
}
