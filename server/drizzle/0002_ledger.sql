CREATE TABLE `credit_grants` (
	`account_id` text NOT NULL,
	`kind` text NOT NULL,
	`period` text NOT NULL,
	`granted_micro` integer NOT NULL,
	PRIMARY KEY(`account_id`, `kind`, `period`),
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `ledger_balances` (
	`book` text PRIMARY KEY NOT NULL,
	`balance` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `ledger_entries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`transaction_id` text NOT NULL,
	`book` text NOT NULL,
	`amount` integer NOT NULL,
	FOREIGN KEY (`transaction_id`) REFERENCES `ledger_transactions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `ledger_entries_book_idx` ON `ledger_entries` (`book`);--> statement-breakpoint
CREATE INDEX `ledger_entries_txn_idx` ON `ledger_entries` (`transaction_id`);--> statement-breakpoint
CREATE TABLE `ledger_transactions` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`account_id` text,
	`idempotency_key` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_transactions_idempotency_key_unique` ON `ledger_transactions` (`idempotency_key`);--> statement-breakpoint
CREATE TABLE `reservations` (
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
);
--> statement-breakpoint
CREATE INDEX `reservations_key_idx` ON `reservations` (`key_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `reservations_account_idx` ON `reservations` (`account_id`);--> statement-breakpoint
ALTER TABLE `accounts` ADD `wallet_address` text;--> statement-breakpoint
ALTER TABLE `accounts` ADD `paid_until` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `accounts_wallet_address_unique` ON `accounts` (`wallet_address`);--> statement-breakpoint
ALTER TABLE `api_keys` ADD `model_privacy` text DEFAULT 'all' NOT NULL;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `spend_limit_usd_micro` integer;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `spend_limit_diem_micro` integer;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `spend_limit_period` text;