CREATE TABLE `ivr_flow_versions` (
	`flow_id` integer NOT NULL,
	`version` integer NOT NULL,
	`document` text NOT NULL,
	`created_by` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`flow_id`, `version`),
	FOREIGN KEY (`flow_id`) REFERENCES `ivr_flows`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `ivr_flows` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`current_version` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ivr_flows_name_unique` ON `ivr_flows` (`name`);--> statement-breakpoint
CREATE TABLE `ivr_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`flow_id` integer NOT NULL,
	`version` integer NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer NOT NULL,
	`outcome` text NOT NULL,
	`path` text NOT NULL,
	`failures_by_node` text NOT NULL,
	`trace` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `ivr_runs_flow_idx` ON `ivr_runs` (`flow_id`,`started_at`);--> statement-breakpoint
ALTER TABLE `call_records` ADD `ivr` text;