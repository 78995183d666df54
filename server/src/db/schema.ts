import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * The store holds who may call and how much they used — never what they asked.
 * No column here may ever hold prompt or answer text.
 */

const createdAt = () =>
  integer("created_at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch('subsec') * 1000)`);

export const accounts = sqliteTable("accounts", {
  id: text("id").primaryKey(),
  tier: text("tier", { enum: ["free", "pro", "pro_plus", "max"] })
    .notNull()
    .default("free"),
  /** SHA-256 of an anonymous browser's random device secret, hex. */
  deviceSecretHash: text("device_secret_hash").unique(),
  /** The wallet linked by Sign-In with Ethereum, lower-case hex. */
  walletAddress: text("wallet_address").unique(),
  /** End of the paid period; a paid tier lapses to free after it. Null: set by the operator, no expiry. */
  paidUntil: integer("paid_until", { mode: "timestamp_ms" }),
  createdAt: createdAt(),
});

/** Browser sessions, found by the SHA-256 of the cookie's token (the token is never stored). */
export const sessions = sqliteTable(
  "sessions",
  {
    tokenHash: text("token_hash").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    createdAt: createdAt(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("sessions_account_idx").on(t.accountId)],
);

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    /** SHA-256 of the whole key, hex. The key itself is never stored. */
    keyHash: text("key_hash").notNull().unique(),
    /** The first characters of the key, enough for a person to tell keys apart. */
    displayPrefix: text("display_prefix").notNull(),
    type: text("type", { enum: ["inference", "admin"] })
      .notNull()
      .default("inference"),
    label: text("label"),
    /** `private_only`: only `tee` and `local` models. */
    modelPrivacy: text("model_privacy", { enum: ["all", "private_only"] })
      .notNull()
      .default("all"),
    /** Spend limits in micro-USD per `spendLimitPeriod`; null means none. */
    spendLimitUsdMicro: integer("spend_limit_usd_micro"),
    spendLimitDiemMicro: integer("spend_limit_diem_micro"),
    spendLimitPeriod: text("spend_limit_period", { enum: ["day", "month"] }),
    createdAt: createdAt(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }),
    revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("api_keys_account_idx").on(t.accountId)],
);

/** Daily totals per account, source and model: counts only. */
export const usageCounters = sqliteTable(
  "usage_counters",
  {
    /** An API key's id, or `app` for the web app's session. */
    source: text("source").notNull(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    /** UTC day, `YYYY-MM-DD`. */
    day: text("day").notNull(),
    model: text("model").notNull(),
    requests: integer("requests").notNull().default(0),
    promptTokens: integer("prompt_tokens").notNull().default(0),
    completionTokens: integer("completion_tokens").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.source, t.day, t.model] })],
);

/**
 * The double-entry ledger, in integer micro-USD. Every transaction's entries
 * sum to zero; `ledger_balances` is kept in the same database transaction.
 * Books: `acct:<id>:usd`, `acct:<id>:plan:<YYYY-MM>`, `acct:<id>:diem:<YYYY-MM-DD>`
 * (never below zero), and the system's `issuance:*` and `revenue:*` books
 * (`hold:<reservation>` books are from releases before migration 0009: holds
 * are `reservations` rows now, and move no money).
 *
 * Every paid chat request posts here once, so each write touches as few B-trees
 * as it can: `ledger_transactions`, `ledger_balances` and `reservations` are
 * WITHOUT ROWID tables (migration 0007; drizzle does not model that, so a
 * migration that rebuilds one of them must keep it), the idempotency index
 * holds only the rows that have a key, entries' ids are plain rowids, and
 * entries are indexed by transaction only.
 */
export const ledgerTransactions = sqliteTable(
  "ledger_transactions",
  {
    id: text("id").primaryKey(),
    kind: text("kind").notNull(),
    accountId: text("account_id").references(() => accounts.id),
    /** Makes a payment or grant apply once, however often it is delivered. */
    idempotencyKey: text("idempotency_key"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("ledger_transactions_idempotency_key_unique")
      .on(t.idempotencyKey)
      .where(sql`idempotency_key is not null`),
    // An account's credits, for its billing history; per-request settlements stay out.
    index("ledger_transactions_account_credits_idx")
      .on(t.accountId, t.createdAt)
      .where(sql`kind in ('payment', 'grant')`),
  ],
);

export const ledgerEntries = sqliteTable(
  "ledger_entries",
  {
    id: integer("id").primaryKey(),
    transactionId: text("transaction_id")
      .notNull()
      .references(() => ledgerTransactions.id),
    book: text("book").notNull(),
    amount: integer("amount").notNull(),
  },
  // No index on book: it would cost every settlement more WAL pages; books'
  // balances live in ledger_balances, and history finds its entries through their transactions.
  (t) => [index("ledger_entries_txn_idx").on(t.transactionId)],
);

export const ledgerBalances = sqliteTable("ledger_balances", {
  book: text("book").primaryKey(),
  balance: integer("balance").notNull().default(0),
});

/**
 * Credit held for a request in flight: while `held`, its account can spend that
 * much less (no money moves); settled to the actual cost, which is posted to
 * the ledger, when it ends.
 */
export const reservations = sqliteTable(
  "reservations",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    keyId: text("key_id"),
    model: text("model").notNull(),
    status: text("status", { enum: ["held", "settled", "released"] }).notNull(),
    /** Per bucket: what was held, and (once settled) what was charged, in micro-USD. */
    heldDiem: integer("held_diem").notNull(),
    heldPlan: integer("held_plan").notNull(),
    heldUsd: integer("held_usd").notNull(),
    chargedDiem: integer("charged_diem"),
    chargedPlan: integer("charged_plan"),
    chargedUsd: integer("charged_usd"),
    /** The books the holds came from (today's DIEM book, this month's plan book). */
    diemBook: text("diem_book").notNull(),
    planBook: text("plan_book").notNull(),
    createdAt: createdAt(),
    settledAt: integer("settled_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    index("reservations_key_idx").on(t.keyId, t.createdAt),
    // An account's open holds (what it cannot spend now) and its settled usage by day, both by range.
    index("reservations_account_status_idx").on(t.accountId, t.status, t.createdAt),
  ],
);

/** Credit granted per account and period (a UTC day of DIEM credit, a month of plan credit). */
export const creditGrants = sqliteTable(
  "credit_grants",
  {
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    kind: text("kind", { enum: ["diem", "plan"] }).notNull(),
    period: text("period").notNull(),
    grantedMicro: integer("granted_micro").notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.kind, t.period] })],
);

/** Sign-In with Ethereum nonces: issued by us, good once, for ten minutes. */
export const siweNonces = sqliteTable("siwe_nonces", {
  nonce: text("nonce").primaryKey(),
  expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
  usedAt: integer("used_at", { mode: "timestamp_ms" }),
});

/** USDC subscription payments seen on-chain; one row per `Subscribed` log, whatever happens to it. */
export const chainPayments = sqliteTable(
  "chain_payments",
  {
    txHash: text("tx_hash").notNull(),
    logIndex: integer("log_index").notNull(),
    blockNumber: integer("block_number").notNull(),
    blockHash: text("block_hash").notNull(),
    /** The paying wallet, lower-case hex. */
    subscriber: text("subscriber").notNull(),
    tier: text("tier", { enum: ["free", "pro", "pro_plus", "max"] }).notNull(),
    periods: integer("periods").notNull(),
    paidUntil: integer("paid_until", { mode: "timestamp_ms" }).notNull(),
    /** USDC base units (6 decimals), as decimal strings. */
    amount: text("amount").notNull(),
    buybackAmount: text("buyback_amount").notNull(),
    receiptId: text("receipt_id").notNull(),
    /** The account it activated; null until a wallet-linked account exists. */
    accountId: text("account_id").references(() => accounts.id),
    appliedAt: integer("applied_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    primaryKey({ columns: [t.txHash, t.logIndex] }),
    index("chain_payments_subscriber_idx").on(t.subscriber),
  ],
);

/** How far a chain follower has read: the last block, and its hash to notice reorgs. */
export const chainCursors = sqliteTable("chain_cursors", {
  name: text("name").primaryKey(),
  blockNumber: integer("block_number").notNull(),
  blockHash: text("block_hash").notNull(),
});

/** Card payments through Stripe, one row per webhook event: idempotent on the event id. */
export const cardPayments = sqliteTable("card_payments", {
  eventId: text("event_id").primaryKey(),
  accountId: text("account_id")
    .notNull()
    .references(() => accounts.id),
  tier: text("tier", { enum: ["free", "pro", "pro_plus", "max"] }).notNull(),
  /** Amount paid, in US cents as Stripe reports it. */
  amountCents: integer("amount_cents").notNull(),
  /** The VVV buyback this payment funds, in micro-USD; the buyback job deposits it on-chain. */
  buybackMicro: integer("buyback_micro").notNull(),
  paidUntil: integer("paid_until", { mode: "timestamp_ms" }).notNull(),
  /** Set once the buyback budget has been deposited to the Subscriptions contract. */
  depositedAt: integer("deposited_at", { mode: "timestamp_ms" }),
  /** The on-chain deposit that carries (or is carrying) this payment's buyback budget. */
  depositTxId: integer("deposit_tx_id").references(() => chainTransactions.id),
  /** The BuybackBurner receipt of that deposit, once confirmed: its burn can be proven by this id. */
  buybackReceiptId: integer("buyback_receipt_id"),
  createdAt: createdAt(),
});

/**
 * Transactions the server sends (card budget deposits, buyback batches), written before each step so
 * a crash never sends one twice: planned → sent (nonce, hash and the signed bytes, stored before they
 * are broadcast) → confirmed or failed (with the reason).
 */
export const chainTransactions = sqliteTable(
  "chain_transactions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    purpose: text("purpose", { enum: ["usdc_approval", "card_deposit", "buyback"] }).notNull(),
    state: text("state", { enum: ["planned", "sent", "confirmed", "failed"] }).notNull(),
    sender: text("sender").notNull(),
    to: text("to").notNull(),
    calldata: text("calldata").notNull(),
    nonce: integer("nonce"),
    hash: text("hash"),
    rawTransaction: text("raw_transaction"),
    blockNumber: integer("block_number"),
    failureReason: text("failure_reason"),
    /** Purpose-specific facts as JSON (a batch's receipts and amounts, a deposit's total). */
    details: text("details").notNull(),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("chain_transactions_state_idx").on(t.state)],
);

/** Leases that keep a job to one process at a time, across instances sharing the store. */
export const jobLeases = sqliteTable("job_leases", {
  name: text("name").primaryKey(),
  holder: text("holder").notNull(),
  expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
});

/**
 * Token events indexed from the chain for the public token API: one row per log, keyed by the block
 * it is in, so a reorg removes exactly the logs of the blocks it replaced. Amounts in `args` are
 * decimal strings.
 */
export const chainEvents = sqliteTable(
  "chain_events",
  {
    blockHash: text("block_hash").notNull(),
    logIndex: integer("log_index").notNull(),
    blockNumber: integer("block_number").notNull(),
    blockTime: integer("block_time").notNull(),
    txHash: text("tx_hash").notNull(),
    contract: text("contract").notNull(),
    event: text("event").notNull(),
    args: text("args").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.blockHash, t.logIndex] }),
    index("chain_events_event_idx").on(t.event, t.blockNumber),
    index("chain_events_block_idx").on(t.blockNumber),
  ],
);

/** Hashes of the blocks the indexer read events from, to find where a reorg forked. */
export const indexedBlocks = sqliteTable("indexed_blocks", {
  number: integer("number").primaryKey(),
  hash: text("hash").notNull(),
});
