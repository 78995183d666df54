CREATE TABLE `card_payments` (
	`event_id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`tier` text NOT NULL,
	`amount_cents` integer NOT NULL,
	`buyback_micro` integer NOT NULL,
	`paid_until` integer NOT NULL,
	`deposited_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
