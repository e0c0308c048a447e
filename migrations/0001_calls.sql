CREATE TABLE `call_legs` (
	`id` text PRIMARY KEY NOT NULL,
	`call_id` text NOT NULL,
	`role` text NOT NULL,
	`sip_call_id` text NOT NULL,
	`uri` text NOT NULL,
	`transport` text,
	`source_address` text,
	`user_agent` text,
	`started_at` integer NOT NULL,
	`answered_at` integer,
	`ended_at` integer,
	`sip_status` integer,
	`codec` text,
	`packets_received` integer DEFAULT 0 NOT NULL,
	`packets_sent` integer DEFAULT 0 NOT NULL,
	`bytes_received` integer DEFAULT 0 NOT NULL,
	`bytes_sent` integer DEFAULT 0 NOT NULL,
	`packets_lost` integer,
	`fraction_lost` real,
	`jitter_ms` real,
	FOREIGN KEY (`call_id`) REFERENCES `call_records`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `call_legs_call_idx` ON `call_legs` (`call_id`);--> statement-breakpoint
CREATE TABLE `call_records` (
	`id` text PRIMARY KEY NOT NULL,
	`caller` text NOT NULL,
	`caller_name` text,
	`callee` text NOT NULL,
	`started_at` integer NOT NULL,
	`answered_at` integer,
	`ended_at` integer,
	`duration_s` integer,
	`billable_s` integer,
	`disposition` text,
	`hangup_cause` text,
	`sip_status` integer,
	`hangup_by` text,
	`codec` text
);
--> statement-breakpoint
CREATE INDEX `call_records_started_idx` ON `call_records` (`started_at`);--> statement-breakpoint
CREATE INDEX `call_records_caller_idx` ON `call_records` (`caller`);--> statement-breakpoint
CREATE INDEX `call_records_callee_idx` ON `call_records` (`callee`);--> statement-breakpoint
CREATE INDEX `call_records_open_idx` ON `call_records` (`started_at`) WHERE "call_records"."ended_at" is null;--> statement-breakpoint
ALTER TABLE `extensions` ADD `permissions` text DEFAULT '["internal","emergency"]' NOT NULL;