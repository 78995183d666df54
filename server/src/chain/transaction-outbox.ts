import { and, eq, inArray } from "drizzle-orm";
import {
  type Abi,
  type Account,
  type Address,
  BaseError,
  ContractFunctionRevertedError,
  decodeFunctionData,
  type Hex,
  keccak256,
  type PublicClient,
  TransactionNotFoundError,
  type TransactionReceipt,
  TransactionReceiptNotFoundError,
} from "viem";
import type { Db } from "../db/open-database.ts";
import { chainTransactions } from "../db/schema.ts";
import type { Logger } from "../logging/logger.ts";

export type OutboxRow = typeof chainTransactions.$inferSelect;
export type Purpose = OutboxRow["purpose"];
/** A drizzle transaction, for hooks that must commit together with a state change. */
export type DbTx = Parameters<Parameters<Db["transaction"]>[0]>[0];

export interface PurposeHandlers {
  /** The ABI of the called contract, to name a revert's reason. */
  abi: Abi;
  /** Runs in the same database transaction that marks the row confirmed or failed. */
  onSettled?(tx: DbTx, row: OutboxRow, outcome: "confirmed" | "failed", receipt?: TransactionReceipt): void;
}

export interface OutboxOptions {
  db: Db;
  client: PublicClient;
  /** The local account (a private key) that signs; its nonces are used only through this outbox. */
  account: Account;
  /** Blocks a receipt must be under before the transaction counts as confirmed (0: the receipt suffices). */
  confirmations: number;
  handlers: Record<Purpose, PurposeHandlers>;
  logger: Logger;
}

export type Resolution = "confirmed" | "failed" | "pending";

/**
 * Sends transactions exactly once across crashes and restarts. Every step is written before it is
 * taken: a row is `planned`, then signed and stored as `sent` (nonce, hash and the signed bytes)
 * before the bytes are broadcast, then `confirmed` or `failed`. After a crash a `sent` row is resolved
 * from the chain: its receipt, a rebroadcast of the same signed bytes if the node forgot them (same
 * hash, so never a second transaction), or failure if another transaction took its nonce. Nonces come
 * from the chain's pending count after every earlier row is resolved, so the sequence has no gaps.
 */
export class TransactionOutbox {
  constructor(private readonly o: OutboxOptions) {}

  get sender(): Address {
    return this.o.account.address;
  }

  /** Records a planned transaction; `attach` runs in the same database transaction (e.g. to claim budget). */
  plan(
    purpose: Purpose,
    call: { to: Address; data: Hex; details: unknown },
    attach?: (tx: DbTx, id: number) => void,
  ): number {
    return this.o.db.transaction((tx) => {
      const row = tx
        .insert(chainTransactions)
        .values({
          purpose,
          state: "planned",
          sender: this.sender.toLowerCase(),
          to: call.to,
          calldata: call.data,
          details: JSON.stringify(call.details),
          updatedAt: new Date(),
        })
        .returning({ id: chainTransactions.id })
        .get();
      attach?.(tx, row.id);
      return row.id;
    });
  }

  /** Signs a planned row with the next nonce, stores it as sent, then broadcasts it. */
  async send(id: number): Promise<Hex> {
    const row = this.row(id);
    if (row.state !== "planned") throw new Error(`transaction ${id} is ${row.state}, not planned`);
    let signed: { raw: Hex; nonce: number };
    try {
      signed = await this.sign(row);
    } catch (err) {
      // Nothing left the process: the plan fails (releasing what it claimed) and a later run plans anew.
      const failureReason = describeRevert(err);
      this.settle(row, "failed", { failureReason });
      throw new Error(`transaction ${id} (${row.purpose}) not sent: ${failureReason}`);
    }
    const { raw, nonce } = signed;
    const hash = keccak256(raw);
    this.update(id, { state: "sent", nonce, hash, rawTransaction: raw });
    this.o.logger.info({ id, purpose: row.purpose, hash, nonce }, "transaction sent");
    await this.broadcast(raw);
    return hash;
  }

  private async sign(row: OutboxRow): Promise<{ raw: Hex; nonce: number }> {
    const { client, account } = this.o;
    if (!account.signTransaction) throw new Error("the outbox needs a local account that can sign");
    const nonce = await client.getTransactionCount({ address: this.sender, blockTag: "pending" });
    const request = { account, to: row.to as Address, data: row.calldata as Hex, nonce };
    // Padded as a wallet would: gas used here depends on the second the transaction lands in.
    const estimate = await client.estimateGas(request);
    const gas = estimate + (estimate / 4n > 100_000n ? estimate / 4n : 100_000n);
    const [fees, chainId] = await Promise.all([client.estimateFeesPerGas(), client.getChainId()]);
    const raw = await account.signTransaction({
      type: "eip1559",
      chainId,
      to: request.to,
      data: request.data,
      nonce,
      gas,
      maxFeePerGas: fees.maxFeePerGas,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
    });
    return { raw, nonce };
  }

  /**
   * Settles a sent row from the chain (see the class notes); a planned row left by a crash is failed,
   * since it was never broadcast and its plan is stale. Returns where the row now stands.
   */
  async resolve(id: number): Promise<Resolution> {
    const row = this.row(id);
    if (row.state === "confirmed" || row.state === "failed") return row.state;
    if (row.state === "planned") {
      this.settle(row, "failed", { failureReason: "abandoned before it was sent" });
      return "failed";
    }
    const { client } = this.o;
    const hash = row.hash as Hex;
    const receipt = await client.getTransactionReceipt({ hash }).catch((err) => {
      if (err instanceof TransactionReceiptNotFoundError) return undefined;
      throw err;
    });
    if (receipt) return this.settleReceipt(row, receipt);

    const mined = await client.getTransactionCount({ address: this.sender, blockTag: "latest" });
    if (mined > (row.nonce ?? 0)) {
      // Our nonce is used; look once more in case our own transaction was mined just now.
      const late = await client.getTransactionReceipt({ hash }).catch(() => undefined);
      if (late) return this.settleReceipt(row, late);
      this.settle(row, "failed", { failureReason: `nonce ${row.nonce} was taken by another transaction` });
      return "failed";
    }
    const known = await client.getTransaction({ hash }).catch((err) => {
      if (err instanceof TransactionNotFoundError) return undefined;
      throw err;
    });
    if (!known) {
      this.o.logger.warn(
        { id, hash },
        "sent transaction unknown to the node; broadcasting the same bytes again",
      );
      await this.broadcast(row.rawTransaction as Hex);
    }
    return "pending";
  }

  /** Resolves the row until it settles or `timeoutMs` passes (then it stays sent for a later run). */
  async waitFor(id: number, timeoutMs: number, pollMs = 250): Promise<Resolution> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = await this.resolve(id);
      if (state !== "pending" || Date.now() >= deadline) return state;
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  /** Rows not yet settled, oldest first. */
  open(purpose?: Purpose): OutboxRow[] {
    return this.o.db
      .select()
      .from(chainTransactions)
      .where(
        and(
          inArray(chainTransactions.state, ["planned", "sent"]),
          eq(chainTransactions.sender, this.sender.toLowerCase()),
          purpose ? eq(chainTransactions.purpose, purpose) : undefined,
        ),
      )
      .orderBy(chainTransactions.id)
      .all();
  }

  row(id: number): OutboxRow {
    const row = this.o.db.select().from(chainTransactions).where(eq(chainTransactions.id, id)).get();
    if (!row) throw new Error(`no transaction ${id}`);
    return row;
  }

  private async settleReceipt(row: OutboxRow, receipt: TransactionReceipt): Promise<Resolution> {
    const head = await this.o.client.getBlockNumber({ cacheTime: 0 });
    if (head - receipt.blockNumber < BigInt(this.o.confirmations)) return "pending";
    const blockNumber = Number(receipt.blockNumber);
    if (receipt.status === "success") {
      this.settle(row, "confirmed", { blockNumber }, receipt);
      this.o.logger.info({ id: row.id, purpose: row.purpose, hash: row.hash }, "transaction confirmed");
      return "confirmed";
    }
    const failureReason = await this.revertReason(row, receipt.blockNumber);
    this.settle(row, "failed", { blockNumber, failureReason }, receipt);
    this.o.logger.warn(
      { id: row.id, purpose: row.purpose, hash: row.hash, failureReason },
      "transaction reverted",
    );
    return "failed";
  }

  /** The revert's reason, by replaying the call on the state the block left (a reverted call changed none). */
  private async revertReason(row: OutboxRow, blockNumber: bigint): Promise<string> {
    const { abi } = this.o.handlers[row.purpose];
    try {
      const { functionName, args } = decodeFunctionData({ abi, data: row.calldata as Hex });
      await this.o.client.simulateContract({
        abi,
        address: row.to as Address,
        functionName,
        args,
        account: this.sender,
        blockNumber,
      } as never);
    } catch (err) {
      return describeRevert(err);
    }
    return "reverted (the call succeeds when replayed: the state it met was changed by a transaction before it in its block)";
  }

  private settle(
    row: OutboxRow,
    state: "confirmed" | "failed",
    set: Partial<OutboxRow>,
    receipt?: TransactionReceipt,
  ): void {
    this.o.db.transaction((tx) => {
      tx.update(chainTransactions)
        .set({ ...set, state, updatedAt: new Date() })
        .where(eq(chainTransactions.id, row.id))
        .run();
      this.o.handlers[row.purpose].onSettled?.(tx, row, state, receipt);
    });
  }

  private update(id: number, set: Partial<OutboxRow>): void {
    this.o.db
      .update(chainTransactions)
      .set({ ...set, updatedAt: new Date() })
      .where(eq(chainTransactions.id, id))
      .run();
  }

  private async broadcast(raw: Hex): Promise<void> {
    try {
      await this.o.client.sendRawTransaction({ serializedTransaction: raw });
    } catch (err) {
      // Already in the pool or already mined: resolve() finds out which.
      const message = err instanceof BaseError ? err.details || err.shortMessage : String(err);
      if (!/already known|known transaction|nonce too low|already imported/i.test(message)) throw err;
    }
  }
}

/** A revert as a sentence: the contract's custom error and its arguments when the ABI names it. */
export function describeRevert(err: unknown): string {
  if (err instanceof BaseError) {
    const revert = err.walk((e) => e instanceof ContractFunctionRevertedError);
    if (revert instanceof ContractFunctionRevertedError) {
      if (revert.data?.errorName) {
        const args = (revert.data.args ?? []).map((a) => String(a)).join(", ");
        return `${revert.data.errorName}(${args})`;
      }
      if (revert.reason) return revert.reason;
    }
    return err.shortMessage;
  }
  return String(err);
}
