import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { mockUsdc, subscriptions } from "@masque/contracts-abi";
import { gasBufferedHttp } from "@masque/contracts-abi/deploy";
import { type Address, createPublicClient, createWalletClient, type Hex, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { repoRoot } from "./shared-dir.ts";

/** `GET /api/chain`, as far as the browser tests use it. */
export interface ChainInfo {
  chain_id: number;
  rpc_url: string;
  contracts: Record<string, Address>;
  tiers: Array<{ id: string; on_chain_id: number; price_per_period_usdc: string }>;
}

/** One JSON-RPC call to the local chain (anvil's own methods included). */
export async function anvilRpc(rpcUrl: string, method: string, params: unknown[] = []): Promise<unknown> {
  const res = await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

/** Moves the chain's clock forward and mines a block at the new time. */
export async function advanceChainTime(rpcUrl: string, seconds: number): Promise<void> {
  await anvilRpc(rpcUrl, "evm_increaseTime", [seconds]);
  await anvilRpc(rpcUrl, "evm_mine");
}

/**
 * Pays for `periods` months of a tier with USDC from a dev account, outside the
 * browser (approve, then subscribe), padding gas as a wallet does.
 */
export async function subscribeFromNode(
  chain: ChainInfo,
  privateKey: Hex,
  tierId: string,
  periods = 1,
): Promise<void> {
  const account = privateKeyToAccount(privateKey);
  const tier = chain.tiers.find((t) => t.id === tierId);
  if (!tier) throw new Error(`no on-chain tier ${tierId}`);
  const wallet = createWalletClient({ account, transport: gasBufferedHttp(chain.rpc_url) });
  const reader = createPublicClient({ transport: http(chain.rpc_url) });
  const amount = BigInt(tier.price_per_period_usdc) * BigInt(periods);
  const approve = await wallet.writeContract({
    chain: null,
    address: chain.contracts.usdc as Address,
    abi: mockUsdc.abi,
    functionName: "approve",
    args: [chain.contracts.subscriptions as Address, amount],
  });
  if ((await reader.waitForTransactionReceipt({ hash: approve })).status !== "success")
    throw new Error("approve reverted");
  const hash = await wallet.writeContract({
    chain: null,
    address: chain.contracts.subscriptions as Address,
    abi: subscriptions.abi,
    functionName: "subscribe",
    args: [tier.on_chain_id, BigInt(periods)],
  });
  const receipt = await reader.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error("subscribe reverted");
}

const execFileAsync = promisify(execFile);

/**
 * Runs one buyback job now (`pnpm masque jobs run buyback`) against a running
 * stack's data directory and chain.
 */
export async function runBuybackJob(
  dataDir: string,
  rpcUrl: string,
): Promise<{ stdout: string; stderr: string }> {
  const serverDir = path.join(repoRoot, "server");
  return execFileAsync(
    process.execPath,
    ["--import", "tsx", path.join(serverDir, "src/cli/main.ts"), "jobs", "run", "buyback"],
    {
      cwd: serverDir,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        MASQUE_DATA_DIR: dataDir,
        MASQUE_CHAIN_RPC: rpcUrl,
        MASQUE_LOG_LEVEL: "warn",
      },
      timeout: 120_000,
    },
  );
}
