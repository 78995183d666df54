import fs from "node:fs";
import http from "node:http";
import type { Socket } from "node:net";
import path from "node:path";
import { freePort } from "../../support/free-port.ts";

/**
 * A JSON-RPC endpoint standing in for a chain with nothing on it, which a test
 * can take down (connections refused), hang (connections accepted, never
 * answered) or bring back. Enough of the Ethereum JSON-RPC for the gateway's
 * followers and DIEM reads: block number, blocks, empty logs, zero-valued calls.
 */
export class FakeChainRpc {
  /** The chain head while up. */
  head = 1_000;
  readonly calls: string[] = [];
  private server: http.Server | undefined;
  private readonly sockets = new Set<Socket>();
  private mode: "down" | "hang" | "up" = "down";

  private constructor(readonly port: number) {}

  static async create(): Promise<FakeChainRpc> {
    return new FakeChainRpc(await freePort());
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Connections are refused: nothing listens on the port. */
  async down(): Promise<void> {
    this.mode = "down";
    for (const s of this.sockets) s.destroy();
    if (this.server) await new Promise((r) => this.server?.close(r));
    this.server = undefined;
  }

  /** Connections are accepted and requests never answered. */
  async hang(): Promise<void> {
    await this.listen();
    this.mode = "hang";
  }

  async up(): Promise<void> {
    await this.listen();
    this.mode = "up";
  }

  private async listen(): Promise<void> {
    if (this.server) return;
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.on("connection", (s) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server?.listen(this.port, "127.0.0.1", resolve));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (this.mode !== "up") return; // hang: never answer
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as RpcCall | RpcCall[];
    const answer = Array.isArray(body) ? body.map((c) => this.answer(c)) : this.answer(body);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(answer));
  }

  private answer(call: RpcCall) {
    this.calls.push(call.method);
    const hex = (n: number) => `0x${n.toString(16)}`;
    const result = (() => {
      switch (call.method) {
        case "eth_chainId":
          return hex(8453);
        case "eth_blockNumber":
          return hex(this.head);
        case "eth_getBlockByNumber": {
          const tag = String(call.params?.[0]);
          const n = tag.startsWith("0x") ? Number.parseInt(tag, 16) : this.head;
          return {
            number: hex(n),
            hash: blockHash(n),
            parentHash: blockHash(n - 1),
            timestamp: hex(1_700_000_000 + n * 2),
            transactions: [],
            logsBloom: `0x${"0".repeat(512)}`,
            gasLimit: "0x1c9c380",
            gasUsed: "0x0",
            baseFeePerGas: "0x1",
          };
        }
        case "eth_getLogs":
          return [];
        case "eth_call":
          return `0x${"0".repeat(64)}`;
        default:
          return null;
      }
    })();
    return { jsonrpc: "2.0", id: call.id, result };
  }
}

interface RpcCall {
  id: number;
  method: string;
  params?: unknown[];
}

const blockHash = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;

/** A deployments file for chain 8453 with made-up addresses, starting at block 900. */
export function writeFakeDeployments(dataDir: string): string {
  const address = (i: number) => `0x${(0x1000 + i).toString(16).padStart(40, "0")}`;
  const names = [
    "vvv",
    "staking",
    "diem",
    "subscriptions",
    "buybackBurner",
    "usdc",
    "weth9",
    "uniswapV2Factory",
    "uniswapV2Router02",
    "vvvUsdcPair",
  ];
  const file = path.join(dataDir, "deployments.json");
  fs.writeFileSync(
    file,
    JSON.stringify({
      version: 1,
      chainId: 8453,
      blockNumber: 900,
      deployer: address(100),
      keeper: address(101),
      treasury: address(102),
      emissionStart: 1_700_000_000,
      usdcIsMock: false,
      usdcDecimals: 6,
      subscriptionPeriodSeconds: 2_592_000,
      contracts: Object.fromEntries(names.map((n, i) => [n, address(i)])),
      tiers: [{ id: "pro", onChainId: 1, pricePerPeriod: "18000000", buybackPerPeriod: "2000000" }],
      buyback: { minBatchInterval: 3600, minTwapWindow: 1800, maxDeviationBps: 300 },
    }),
  );
  return file;
}
