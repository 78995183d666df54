import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import type { Address, Hex } from "viem";
import { mnemonicToAccount } from "viem/accounts";

/** The mnemonic anvil derives its dev accounts from (public, for local chains only). */
export const ANVIL_MNEMONIC = "test test test test test test test test test test test junk";

export interface DevAccount {
  address: Address;
  privateKey: Hex;
}

/** The first `count` anvil dev accounts with their private keys: #0 deploys, #1 is the local keeper. */
export function anvilAccounts(count = 10): DevAccount[] {
  return Array.from({ length: count }, (_, addressIndex) => {
    const account = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex });
    const privateKey = account.getHdKey().privateKey;
    if (!privateKey) throw new Error("could not derive an anvil private key");
    return { address: account.address, privateKey: `0x${Buffer.from(privateKey).toString("hex")}` };
  });
}

/** Path of the anvil binary installed by `@foundry-rs/anvil` (its platform package). */
export function anvilBinaryPath(): string {
  const require = createRequire(import.meta.url);
  const wrapper = require.resolve("@foundry-rs/anvil/package.json");
  const platform = `@foundry-rs/anvil-${process.platform}-${process.arch === "x64" ? "amd64" : process.arch}`;
  return createRequire(wrapper).resolve(`${platform}/bin/anvil`);
}

/** A free TCP port on 127.0.0.1, as chosen by the OS. */
export async function getFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === "object") resolve(address.port);
        else reject(new Error("could not determine a free port"));
      });
    });
  });
}

export interface StartAnvilOptions {
  /** Port to listen on; a free one when omitted. */
  port?: number;
  /** Interface to bind; 127.0.0.1 unless you mean to expose the chain. */
  host?: string;
  chainId?: number;
  /** Load state from this file if it exists and dump it there on exit (and every `stateInterval` seconds). */
  statePath?: string;
  /** Seconds between periodic state dumps when `statePath` is set (default 30), so a crash loses little. */
  stateInterval?: number;
  /** Seconds between blocks; omitted means a block per transaction (automine). */
  blockTime?: number;
  /** How long to wait for the RPC to answer before giving up, in ms (default 20 s). */
  startupTimeoutMs?: number;
}

export interface AnvilInstance {
  /** HTTP JSON-RPC URL, e.g. `http://127.0.0.1:8545`. */
  url: string;
  port: number;
  chainId: number;
  process: ChildProcess;
  /** Stops anvil (SIGTERM, which also dumps `statePath`) and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Spawns anvil from `@foundry-rs/anvil` and resolves once it answers JSON-RPC.
 * With `statePath` the chain survives restarts: anvil loads the file at start and writes it on exit.
 */
export async function startAnvil(options: StartAnvilOptions = {}): Promise<AnvilInstance> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? (await getFreePort());
  const chainId = options.chainId ?? 31337;
  const args = ["--host", host, "--port", String(port), "--chain-id", String(chainId)];
  args.push("--mnemonic", ANVIL_MNEMONIC, "--silent");
  if (options.statePath) {
    args.push("--state", options.statePath, "--state-interval", String(options.stateInterval ?? 30));
  }
  if (options.blockTime !== undefined) args.push("--block-time", String(options.blockTime));

  const child = spawn(anvilBinaryPath(), args, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });

  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  const deadline = Date.now() + (options.startupTimeoutMs ?? 20_000);
  for (;;) {
    if (hasExited) throw new Error(`anvil exited during startup: ${stderr.trim() || "no output"}`);
    if (await answersRpc(url)) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`anvil did not answer on ${url} within the startup timeout: ${stderr.trim()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  return {
    url,
    port,
    chainId,
    process: child,
    async stop() {
      if (hasExited) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function answersRpc(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(1000),
    });
    return response.ok;
  } catch {
    return false;
  }
}
