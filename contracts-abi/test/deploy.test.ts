import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createPublicClient, createWalletClient, http, zeroHash } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anvilAccounts, startAnvil } from "../deploy/anvil.ts";
import { deployAll } from "../deploy/deploy-all.ts";
import { parseDeployments, readDeployments } from "../deploy/deployments.ts";
import { ensureLocalDeployment } from "../deploy/ensure-local-deployment.ts";
import { buybackBurner, mockUsdc, staking, subscriptions, uniswapV2Pair, vvv } from "../generated/index.ts";

const [deployer, keeper, alice, treasury] = anvilAccounts(4);
if (!deployer || !keeper || !alice || !treasury) throw new Error("anvil accounts");
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "masque-deploy-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("ensureLocalDeployment", () => {
  it("deploys once, reuses the file while the code is there, and survives an anvil restart", async () => {
    const statePath = join(dir, "anvil-state.json");
    const deploymentsFile = join(dir, "data", "deployments.json");
    let anvil = await startAnvil({ statePath });
    try {
      const first = await ensureLocalDeployment({ rpcUrl: anvil.url, deploymentsFile });
      expect(first.reused).toBe(false);
      expect(await readDeployments(deploymentsFile)).toEqual(first.deployments);
      const again = await ensureLocalDeployment({ rpcUrl: anvil.url, deploymentsFile });
      expect(again).toEqual({ deployments: first.deployments, reused: true });

      // Local accounts were funded with 10,000 USDC; Alice taps the faucet once more before the restart.
      const client = createPublicClient({ transport: http(anvil.url) });
      const usdc = { address: first.deployments.contracts.usdc, abi: mockUsdc.abi } as const;
      const wallet = createWalletClient({
        account: privateKeyToAccount(alice.privateKey),
        transport: http(anvil.url),
      });
      const hash = await wallet.writeContract({
        ...usdc,
        functionName: "faucet",
        args: [alice.address, 5n * 10n ** 6n],
        chain: null,
      });
      await client.waitForTransactionReceipt({ hash });
      expect(await client.readContract({ ...usdc, functionName: "balanceOf", args: [alice.address] })).toBe(
        10_005n * 10n ** 6n,
      );

      await anvil.stop();
      anvil = await startAnvil({ statePath });
      const restarted = await ensureLocalDeployment({ rpcUrl: anvil.url, deploymentsFile });
      expect(restarted).toEqual({ deployments: first.deployments, reused: true });
      const after = createPublicClient({ transport: http(anvil.url) });
      expect(await after.readContract({ ...usdc, functionName: "balanceOf", args: [alice.address] })).toBe(
        10_005n * 10n ** 6n,
      );
    } finally {
      await anvil.stop();
    }
  });

  it("deploys afresh when the recorded addresses have no code on this chain", async () => {
    const deploymentsFile = join(dir, "stale", "deployments.json");
    const first = await startAnvil();
    const { deployments } = await ensureLocalDeployment({ rpcUrl: first.url, deploymentsFile });
    await first.stop();
    const second = await startAnvil();
    try {
      // Move the deployer's nonce so the fresh deployment lands at different addresses.
      const client = createPublicClient({ transport: http(second.url) });
      await client.request({
        method: "anvil_setNonce",
        params: [deployer.address, "0x10"],
      } as never);
      const result = await ensureLocalDeployment({ rpcUrl: second.url, deploymentsFile });
      expect(result.reused).toBe(false);
      expect(result.deployments.contracts.vvv).not.toBe(deployments.contracts.vvv);
      expect(await readDeployments(deploymentsFile)).toEqual(result.deployments);
    } finally {
      await second.stop();
    }
  });
});

describe("deployAll", () => {
  it("wires roles, prices and the pool, and serialises to JSON", async () => {
    const anvil = await startAnvil();
    try {
      const d = await deployAll({
        rpcUrl: anvil.url,
        deployerKey: deployer.privateKey,
        keeper: keeper.address,
        treasury: treasury.address,
        adminDelaySeconds: 3 * 86_400,
      });
      expect(parseDeployments(JSON.parse(JSON.stringify(d)))).toEqual(d);
      expect(d).toMatchObject({
        chainId: 31337,
        keeper: keeper.address,
        treasury: treasury.address,
        usdcIsMock: true,
      });
      const client = createPublicClient({ transport: http(anvil.url) });
      const read = client.readContract;
      const b = { address: d.contracts.buybackBurner, abi: buybackBurner.abi } as const;
      const keeperRole = await read({ ...b, functionName: "KEEPER_ROLE" });
      const funderRole = await read({ ...b, functionName: "FUNDER_ROLE" });
      expect(await read({ ...b, functionName: "hasRole", args: [keeperRole, keeper.address] })).toBe(true);
      expect(await read({ ...b, functionName: "hasRole", args: [keeperRole, deployer.address] })).toBe(false);
      expect(
        await read({ ...b, functionName: "hasRole", args: [funderRole, d.contracts.subscriptions] }),
      ).toBe(true);
      for (const address of [
        d.contracts.vvv,
        d.contracts.staking,
        d.contracts.subscriptions,
        d.contracts.buybackBurner,
      ]) {
        const admin = { address, abi: staking.abi } as const;
        expect(await read({ ...admin, functionName: "owner" })).toBe(deployer.address);
        expect(await read({ ...admin, functionName: "hasRole", args: [zeroHash, deployer.address] })).toBe(
          true,
        );
        expect(await read({ ...admin, functionName: "defaultAdminDelay" })).toBe(3 * 86_400);
      }
      expect(await read({ address: d.contracts.vvv, abi: vvv.abi, functionName: "minter" })).toBe(
        d.contracts.staking,
      );
      expect(await read({ address: d.contracts.staking, abi: staking.abi, functionName: "diem" })).toBe(
        d.contracts.diem,
      );
      expect(
        await read({ address: d.contracts.subscriptions, abi: subscriptions.abi, functionName: "treasury" }),
      ).toBe(treasury.address);
      // Everything but the pool's share of genesis went to the treasury, with the LP tokens.
      const vvvOf = (who: `0x${string}`) =>
        read({ address: d.contracts.vvv, abi: vvv.abi, functionName: "balanceOf", args: [who] });
      expect(await vvvOf(treasury.address)).toBe(98_000_000n * 10n ** 18n);
      expect(await vvvOf(deployer.address)).toBe(0n);
      const pair = { address: d.contracts.vvvUsdcPair, abi: uniswapV2Pair.abi } as const;
      expect(await read({ ...pair, functionName: "balanceOf", args: [treasury.address] })).toBeGreaterThan(
        0n,
      );
      expect(await read({ ...b, functionName: "twapTimestamp" })).toBeGreaterThan(0n);
    } finally {
      await anvil.stop();
    }
  });

  it("reuses an existing USDC and Uniswap V2, leaving the pool unseeded", async () => {
    const anvil = await startAnvil();
    try {
      const base = await deployAll({
        rpcUrl: anvil.url,
        deployerKey: deployer.privateKey,
        keeper: keeper.address,
      });
      const d = await deployAll({
        rpcUrl: anvil.url,
        deployerKey: deployer.privateKey,
        keeper: keeper.address,
        usdc: base.contracts.usdc,
        uniswapV2Router02: base.contracts.uniswapV2Router02,
      });
      expect(d.usdcIsMock).toBe(false);
      expect(d.contracts.uniswapV2Factory).toBe(base.contracts.uniswapV2Factory);
      expect(d.contracts.weth9).toBe(base.contracts.weth9);
      expect(d.contracts.vvvUsdcPair).not.toBe(base.contracts.vvvUsdcPair);
      const client = createPublicClient({ transport: http(anvil.url) });
      const [reserve0, reserve1] = await client.readContract({
        address: d.contracts.vvvUsdcPair,
        abi: uniswapV2Pair.abi,
        functionName: "getReserves",
      });
      expect([reserve0, reserve1]).toEqual([0n, 0n]);
      expect(
        await client.readContract({
          address: d.contracts.buybackBurner,
          abi: buybackBurner.abi,
          functionName: "twapTimestamp",
        }),
      ).toBe(0n);
    } finally {
      await anvil.stop();
    }
  });
});

describe("deployments file", () => {
  it("rejects malformed content", async () => {
    const file = join(dir, "bad.json");
    await writeFile(file, JSON.stringify({ version: 1, chainId: 1 }));
    await expect(readDeployments(file)).rejects.toThrow(/invalid deployments/);
    expect(await readDeployments(join(dir, "missing.json"))).toBeUndefined();
    expect(() => parseDeployments(null)).toThrow(/invalid deployments/);
  });
});

describe("deploy CLI", () => {
  it("deploys to the given RPC with the given key and writes the addresses file", async () => {
    const anvil = await startAnvil();
    try {
      const out = join(dir, "cli", "deployments.json");
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ["--import", "tsx", join(import.meta.dirname, "..", "scripts", "deploy.ts")],
        {
          env: {
            ...process.env,
            MASQUE_CHAIN_RPC: anvil.url,
            MASQUE_DEPLOYER_KEY: deployer.privateKey,
            MASQUE_KEEPER_ADDRESS: keeper.address,
            MASQUE_CHAIN_ID: "31337",
            MASQUE_DEPLOYMENTS: out,
          },
        },
      );
      expect(stdout).toContain("addresses written to");
      const written = parseDeployments(JSON.parse(await readFile(out, "utf8")));
      expect(written.keeper).toBe(keeper.address);
      expect(written.deployer).toBe(deployer.address);
      const code = await createPublicClient({ transport: http(anvil.url) }).getCode({
        address: written.contracts.vvv,
      });
      expect(code?.length).toBeGreaterThan(2);
    } finally {
      await anvil.stop();
    }
  });

  it("refuses to deploy to the wrong chain", async () => {
    const anvil = await startAnvil();
    try {
      const run = promisify(execFile)(
        process.execPath,
        ["--import", "tsx", join(import.meta.dirname, "..", "scripts", "deploy.ts")],
        {
          env: {
            ...process.env,
            MASQUE_CHAIN_RPC: anvil.url,
            MASQUE_DEPLOYER_KEY: deployer.privateKey,
            MASQUE_CHAIN_ID: "8453",
            MASQUE_DEPLOYMENTS: join(dir, "never.json"),
          },
        },
      );
      await expect(run).rejects.toThrow(/reports chain 31337, but MASQUE_CHAIN_ID is 8453/);
    } finally {
      await anvil.stop();
    }
  });
});
