DROP INDEX `reservations_account_idx`;--> statement-breakpoint
CREATE INDEX `reservations_account_status_idx` ON `reservations` (`account_id`,`status`,`created_at`);--> statement-breakpoint
-- A hold is now its reservation row alone (billing/meter.ts): the books of holds still open
-- (posted to a hold:<id> book by an older release) get their amounts back, in one balanced
-- posting per hold.
CREATE TEMP TABLE `posted_holds` AS
  SELECT r.`id`, r.`account_id`, r.`held_diem`, r.`held_plan`, r.`held_usd`, r.`diem_book`, r.`plan_book`
  FROM `reservations` r JOIN `ledger_balances` b ON b.`book` = 'hold:' || r.`id`
  WHERE r.`status` = 'held' AND b.`balance` != 0;--> statement-breakpoint
INSERT INTO `ledger_transactions` (`id`, `kind`, `account_id`)
  SELECT 'txn_unhold_' || `id`, 'unhold', `account_id` FROM `posted_holds`;--> statement-breakpoint
INSERT INTO `ledger_entries` (`transaction_id`, `book`, `amount`)
  SELECT 'txn_unhold_' || `id`, 'hold:' || `id`, -(`held_diem` + `held_plan` + `held_usd`) FROM `posted_holds`
  UNION ALL SELECT 'txn_unhold_' || `id`, `diem_book`, `held_diem` FROM `posted_holds` WHERE `held_diem` != 0
  UNION ALL SELECT 'txn_unhold_' || `id`, `plan_book`, `held_plan` FROM `posted_holds` WHERE `held_plan` != 0
  UNION ALL SELECT 'txn_unhold_' || `id`, 'acct:' || `account_id` || ':usd', `held_usd` FROM `posted_holds` WHERE `held_usd` != 0;--> statement-breakpoint
UPDATE `ledger_balances` SET `balance` = 0 WHERE `book` IN (SELECT 'hold:' || `id` FROM `posted_holds`);--> statement-breakpoint
UPDATE `ledger_balances` SET `balance` = `balance`
    + coalesce((SELECT sum(p.`held_diem`) FROM `posted_holds` p WHERE p.`diem_book` = `ledger_balances`.`book`), 0)
    + coalesce((SELECT sum(p.`held_plan`) FROM `posted_holds` p WHERE p.`plan_book` = `ledger_balances`.`book`), 0)
    + coalesce((SELECT sum(p.`held_usd`) FROM `posted_holds` p WHERE 'acct:' || p.`account_id` || ':usd' = `ledger_balances`.`book`), 0)
  WHERE `book` IN (
    SELECT `diem_book` FROM `posted_holds` UNION SELECT `plan_book` FROM `posted_holds`
    UNION SELECT 'acct:' || `account_id` || ':usd' FROM `posted_holds`
  );--> statement-breakpoint
DROP TABLE `posted_holds`;
