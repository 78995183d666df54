CREATE TABLE `chain_events` (
	`block_hash` text NOT NULL,
	`log_index` integer NOT NULL,
	`block_number` integer NOT NULL,
	`block_time` integer NOT NULL,
	`tx_hash` text NOT NULL,
	`contract` text NOT NULL,
	`event` text NOT NULL,
	`args` text NOT NULL,
	PRIMARY KEY(`block_hash`, `log_index`)
);
--> statement-breakpoint
CREATE INDEX `chain_events_event_idx` ON `chain_events` (`event`,`block_number`);--> statement-breakpoint
CREATE INDEX `chain_events_block_idx` ON `chain_events` (`block_number`);--> statement-breakpoint
CREATE TABLE `chain_transactions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`purpose` text NOT NULL,
	`state` text NOT NULL,
	`sender` text NOT NULL,
	`to` text NOT NULL,
	`calldata` text NOT NULL,
	`nonce` integer,
	`hash` text,
	`raw_transaction` text,
	`block_number` integer,
	`failure_reason` text,
	`details` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `chain_transactions_state_idx` ON `chain_transactions` (`state`);--> statement-breakpoint
CREATE TABLE `indexed_blocks` (
	`number` integer PRIMARY KEY NOT NULL,
	`hash` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `job_leases` (
	`name` text PRIMARY KEY NOT NULL,
	`holder` text NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `card_payments` ADD `deposit_tx_id` integer REFERENCES chain_transactions(id);--> statement-breakpoint
ALTER TABLE `card_payments` ADD `buyback_receipt_id` integer;