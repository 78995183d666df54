import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

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
