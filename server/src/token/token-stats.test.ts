import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Deployments } from "@masque/contracts-abi/deploy";
import type { PublicClient } from "viem";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../db/open-database.ts";
import { TokenStatsReader } from "./token-stats.ts";

// The cache around the chain reads (the figures themselves are checked on a real chain in
// buyback-job.test.ts): a counting client stands in for the RPC.
function countingClient(fail = false) {
  const calls = { blocks: 0 };
  const client = {
    async getBlock() {
      calls.blocks++;
      if (fail) throw new Error("rpc down");
      return { number: 7n, timestamp: 1_800_000_000n };
    },
    async readContract() {
      return 1n;
    },
  } as unknown as PublicClient;
  return { client, calls };
}

const deployments = {
  chainId: 31337,
  emissionStart: 1_790_000_000,
  treasury: "0x0000000000000000000000000000000000000001",
  contracts: {},
} as unknown as Deployments;
const db = () => openDatabase(fs.mkdtempSync(path.join(os.tmpdir(), "masque-stats-")));

describe("token stats cache", () => {
  it("shares one read among concurrent callers and within its time to live, then reads again", async () => {
    const { client, calls } = countingClient();
    const stats = new TokenStatsReader(db(), client, deployments, 5_000);
    const [a, b] = await Promise.all([stats.read(1_000), stats.read(1_001)]);
    expect(a).toBe(b);
    await stats.read(5_999);
    expect(calls.blocks).toBe(1);
    await stats.read(6_000);
    expect(calls.blocks).toBe(2);
  });

  it("does not keep a failed read", async () => {
    const { client, calls } = countingClient(true);
    const stats = new TokenStatsReader(db(), client, deployments, 5_000);
    await expect(stats.read(1_000)).rejects.toThrow("rpc down");
    await expect(stats.read(1_001)).rejects.toThrow("rpc down");
    expect(calls.blocks).toBe(2);
  });
});
