ALTER TABLE `call_legs` ADD `mos` real;--> statement-breakpoint
ALTER TABLE `call_legs` ADD `packets_dropped` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `call_legs` ADD `srtp_failures` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `call_records` ADD `recording_path` text;--> statement-breakpoint
ALTER TABLE `call_records` ADD `recording_format` text;--> statement-breakpoint
ALTER TABLE `call_records` ADD `recording_duration_ms` integer;--> statement-breakpoint
ALTER TABLE `call_records` ADD `recording_pauses` text DEFAULT '[]' NOT NULL;