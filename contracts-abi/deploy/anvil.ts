import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
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

export interface StartAnvilOptions {
  /** Port to listen on; when omitted anvil binds a free one (see `AnvilInstance.port`). */
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
  const chainId = options.chainId ?? 31337;
  // Port 0 lets anvil bind a free port itself, so parallel test files never race for one.
  const args = ["--host", host, "--port", String(options.port ?? 0), "--chain-id", String(chainId)];
  args.push("--mnemonic", ANVIL_MNEMONIC);
  if (options.statePath) {
    args.push("--state", options.statePath, "--state-interval", String(options.stateInterval ?? 30));
  }
  if (options.blockTime !== undefined) args.push("--block-time", String(options.blockTime));

  const child = spawn(anvilBinaryPath(), args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  let port: number | undefined;
  const collect = (chunk: Buffer) => {
    // Keep reading (and dropping) anvil's request log so its pipe never fills up.
    if (port !== undefined) return;
    output = (output + chunk.toString()).slice(-8000);
    const listening = /Listening on .*:(\d+)/.exec(output);
    if (listening) port = Number(listening[1]);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  let hasExited = false;
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => {
      hasExited = true;
      resolve();
    }),
  );

  const deadline = Date.now() + (options.startupTimeoutMs ?? 20_000);
  for (;;) {
    if (hasExited)
      throw new Error(`anvil exited during startup: ${output.trim().slice(-2000) || "no output"}`);
    if (port !== undefined && (await answersRpc(rpcUrl(host, port)))) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`anvil did not answer within the startup timeout: ${output.trim().slice(-2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }

  return {
    url: rpcUrl(host, port),
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

function rpcUrl(host: string, port: number): string {
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
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
