-- Every chat request writes a hold and a settlement; each B-tree a write touches is one more page in
-- the WAL at commit. The ledger's text-keyed tables become WITHOUT ROWID (one B-tree instead of a
-- table plus its primary key index), the idempotency index keeps only rows that have a key, and
-- entries drop AUTOINCREMENT (which rewrote sqlite_sequence on every insert; entries are never deleted).
-- Migrations run in one transaction with foreign keys on, so a parent table cannot be dropped while
-- entries point at it: the old transactions table is renamed first (which repoints the entries'
-- foreign key to it), and dropped once the rebuilt entries point at the new one.
ALTER TABLE `ledger_transactions` RENAME TO `__old_ledger_transactions`;--> statement-breakpoint
CREATE TABLE `ledger_transactions` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`account_id` text,
	`idempotency_key` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `ledger_transactions`("id", "kind", "account_id", "idempotency_key", "created_at") SELECT "id", "kind", "account_id", "idempotency_key", "created_at" FROM `__old_ledger_transactions`;--> statement-breakpoint
DROP INDEX `ledger_transactions_idempotency_key_unique`;--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_transactions_idempotency_key_unique` ON `ledger_transactions` (`idempotency_key`) WHERE idempotency_key is not null;--> statement-breakpoint
CREATE TABLE `__new_ledger_entries` (
	`id` integer PRIMARY KEY NOT NULL,
	`transaction_id` text NOT NULL,
	`book` text NOT NULL,
	`amount` integer NOT NULL,
	FOREIGN KEY (`transaction_id`) REFERENCES `ledger_transactions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_ledger_entries`("id", "transaction_id", "book", "amount") SELECT "id", "transaction_id", "book", "amount" FROM `ledger_entries`;--> statement-breakpoint
DROP TABLE `ledger_entries`;--> statement-breakpoint
ALTER TABLE `__new_ledger_entries` RENAME TO `ledger_entries`;--> statement-breakpoint
CREATE INDEX `ledger_entries_book_idx` ON `ledger_entries` (`book`);--> statement-breakpoint
CREATE INDEX `ledger_entries_txn_idx` ON `ledger_entries` (`transaction_id`);--> statement-breakpoint
DROP TABLE `__old_ledger_transactions`;--> statement-breakpoint
CREATE TABLE `__new_ledger_balances` (
	`book` text PRIMARY KEY NOT NULL,
	`balance` integer DEFAULT 0 NOT NULL
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_ledger_balances`("book", "balance") SELECT "book", "balance" FROM `ledger_balances`;--> statement-breakpoint
DROP TABLE `ledger_balances`;--> statement-breakpoint
ALTER TABLE `__new_ledger_balances` RENAME TO `ledger_balances`;--> statement-breakpoint
CREATE TABLE `__new_reservations` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`key_id` text,
	`model` text NOT NULL,
	`status` text NOT NULL,
	`held_diem` integer NOT NULL,
	`held_plan` integer NOT NULL,
	`held_usd` integer NOT NULL,
	`charged_diem` integer,
	`charged_plan` integer,
	`charged_usd` integer,
	`diem_book` text NOT NULL,
	`plan_book` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`settled_at` integer,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_reservations` SELECT "id", "account_id", "key_id", "model", "status", "held_diem", "held_plan", "held_usd", "charged_diem", "charged_plan", "charged_usd", "diem_book", "plan_book", "created_at", "settled_at" FROM `reservations`;--> statement-breakpoint
DROP TABLE `reservations`;--> statement-breakpoint
ALTER TABLE `__new_reservations` RENAME TO `reservations`;--> statement-breakpoint
CREATE INDEX `reservations_key_idx` ON `reservations` (`key_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `reservations_account_idx` ON `reservations` (`account_id`);
