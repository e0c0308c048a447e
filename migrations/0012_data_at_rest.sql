CREATE TABLE `retention_policies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`direction` text,
	`disposition` text,
	`tag` text,
	`retain_days` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `retention_policies_name_unique` ON `retention_policies` (`name`);--> statement-breakpoint
ALTER TABLE `call_records` ADD `direction` text DEFAULT 'internal' NOT NULL;--> statement-breakpoint
ALTER TABLE `call_records` ADD `tags` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `call_records` ADD `legal_hold_reason` text;--> statement-breakpoint
ALTER TABLE `call_records` ADD `legal_hold_by` text;--> statement-breakpoint
ALTER TABLE `call_records` ADD `legal_hold_at` integer;--> statement-breakpoint
ALTER TABLE `call_records` ADD `purged_at` integer;--> statement-breakpoint
CREATE INDEX `call_records_purge_idx` ON `call_records` (`ended_at`) WHERE "call_records"."purged_at" is null;