import {
  createPublicClient,
  createWalletClient,
  defineChain,
  type Hex,
  maxUint256,
  type TransactionReceipt,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { anvilAccounts, startAnvil } from "../deploy/anvil.ts";
import { deployAll } from "../deploy/deploy-all.ts";
import { gasBufferedHttp } from "../deploy/gas-buffered-transport.ts";
import { buybackBurner, diem, mockUsdc, staking, subscriptions, vvv } from "../generated/index.ts";
import { prepareBuybackBatch } from "../keeper/prepare-buyback-batch.ts";

export interface GasRow {
  /** What was measured, e.g. `executeBuyback (100 receipts)`. */
  operation: string;
  /** Gas used by the transaction, including the 21,000 base cost. */
  gasUsed: number;
  note: string;
}

export interface MeasureGasResult {
  rows: GasRow[];
  /** The same numbers keyed by a stable id (`stake`, `executeBuyback.100`, ...), for JSON output. */
  raw: Record<string, number>;
}

const BATCH_SIZES = [1, 10, 100] as const;

/**
 * Measures the gas of the user-facing and keeper transactions on a private anvil: stake, claim,
 * mintDiem, subscribe and executeBuyback, the latter for batches spending 1, 10 and 100 receipts.
 * A batch takes a Merkle root and a count, not a list, so its gas must not grow with the count.
 */
export async function measureGas(): Promise<MeasureGasResult> {
  const anvil = await startAnvil();
  try {
    const accounts = anvilAccounts(4);
    const [deployerKey, keeperKey, aliceKey, bobKey] = accounts.map((a) => a.privateKey as Hex);
    if (!deployerKey || !keeperKey || !aliceKey || !bobKey)
      throw new Error("unreachable: anvil has four accounts");
    const keeper = privateKeyToAccount(keeperKey);
    const alice = privateKeyToAccount(aliceKey);
    const bob = privateKeyToAccount(bobKey);
    const d = await deployAll({
      rpcUrl: anvil.url,
      deployerKey,
      keeper: keeper.address,
      fundAccounts: [alice.address, bob.address],
    });
    const chain = defineChain({
      id: d.chainId,
      name: "anvil",
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [anvil.url] } },
    });
    const transport = gasBufferedHttp(anvil.url);
    const client = createPublicClient({ chain, transport, pollingInterval: 10 });
    const wallet = (account: typeof alice) =>
      createWalletClient({ account, chain, transport, pollingInterval: 10 });
    const [asAlice, asBob, asKeeper] = [wallet(alice), wallet(bob), wallet(keeper)];
    const mined = async (hash: Promise<Hex>): Promise<TransactionReceipt> => {
      const receipt = await client.waitForTransactionReceipt({ hash: await hash });
      if (receipt.status !== "success")
        throw new Error(`benchmark transaction ${receipt.transactionHash} reverted`);
      return receipt;
    };
    const warp = async (seconds: number) => {
      await client.request({ method: "evm_increaseTime", params: [seconds] } as never);
      await client.request({ method: "evm_mine", params: [] } as never);
    };
    const rows: GasRow[] = [];
    const raw: Record<string, number> = {};
    const record = (id: string, operation: string, receipt: TransactionReceipt, note: string) => {
      rows.push({ operation, gasUsed: Number(receipt.gasUsed), note });
      raw[id] = Number(receipt.gasUsed);
    };

    const c = d.contracts;
    for (const w of [asAlice, asBob]) {
      await mined(
        w.writeContract({
          address: c.vvv,
          abi: vvv.abi,
          functionName: "approve",
          args: [c.staking, maxUint256],
        }),
      );
      await mined(
        w.writeContract({
          address: c.usdc,
          abi: mockUsdc.abi,
          functionName: "approve",
          args: [c.subscriptions, maxUint256],
        }),
      );
    }

    const stake = (w: typeof asAlice, amount: bigint) =>
      mined(w.writeContract({ address: c.staking, abi: staking.abi, functionName: "stake", args: [amount] }));
    record(
      "stake.first",
      "stake (first staker)",
      await stake(asBob, 1_000n * 10n ** 18n),
      "fresh account, fresh totals",
    );
    await warp(3_600);
    record("stake", "stake", await stake(asAlice, 10_000n * 10n ** 18n), "new staker while others stake");
    await warp(86_400);
    record(
      "claim",
      "claim",
      await mined(asAlice.writeContract({ address: c.staking, abi: staking.abi, functionName: "claim" })),
      "one day of rewards, minted by VVV",
    );
    record(
      "mintDiem",
      "mintDiem",
      await mined(
        asAlice.writeContract({
          address: c.diem,
          abi: diem.abi,
          functionName: "mintDiem",
          args: [5_000n * 10n ** 18n, 0n],
        }),
      ),
      "locks 5,000 sVVV along the curve",
    );
    const subscribe = (w: typeof asAlice, tier: number) =>
      mined(
        w.writeContract({
          address: c.subscriptions,
          abi: subscriptions.abi,
          functionName: "subscribe",
          args: [tier, 1n],
        }),
      );
    record("subscribe", "subscribe", await subscribe(asAlice, 1), "Pro, one period, new subscriber");
    record(
      "subscribe.renewal",
      "subscribe (renewal)",
      await subscribe(asAlice, 1),
      "extends an active Pro subscription",
    );

    const execute = async () => {
      await warp(2 * 3_600);
      const batch = await prepareBuybackBatch({ client, buybackBurner: c.buybackBurner });
      if (!batch) throw new Error("no receipts to spend");
      const receipt = await mined(
        asKeeper.writeContract({
          address: c.buybackBurner,
          abi: buybackBurner.abi,
          functionName: "executeBuyback",
          args: batch.args,
        }),
      );
      return { receipt, count: batch.receipts.length };
    };
    // A first batch brings the buyback's counters out of their zero state, so the measured batches compare
    // like with like.
    await execute();
    for (const size of BATCH_SIZES) {
      for (let i = 0; i < size; i++) await subscribe(i % 2 === 0 ? asBob : asAlice, 1 + (i % 3));
      const { receipt, count } = await execute();
      if (count !== size) throw new Error(`expected a batch of ${size}, got ${count}`);
      record(
        `executeBuyback.${size}`,
        `executeBuyback (${size} receipt${size === 1 ? "" : "s"})`,
        receipt,
        "swap on Uniswap V2, burn, store root",
      );
    }
    return { rows, raw };
  } finally {
    await anvil.stop();
  }
}
