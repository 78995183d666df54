CREATE TABLE `chain_cursors` (
	`name` text PRIMARY KEY NOT NULL,
	`block_number` integer NOT NULL,
	`block_hash` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `chain_payments` (
	`tx_hash` text NOT NULL,
	`log_index` integer NOT NULL,
	`block_number` integer NOT NULL,
	`block_hash` text NOT NULL,
	`subscriber` text NOT NULL,
	`tier` text NOT NULL,
	`periods` integer NOT NULL,
	`paid_until` integer NOT NULL,
	`amount` text NOT NULL,
	`buyback_amount` text NOT NULL,
	`receipt_id` text NOT NULL,
	`account_id` text,
	`applied_at` integer,
	PRIMARY KEY(`tx_hash`, `log_index`),
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `chain_payments_subscriber_idx` ON `chain_payments` (`subscriber`);