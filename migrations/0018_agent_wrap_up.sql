ALTER TABLE `call_records` ADD `wrap_up_code` text;--> statement-breakpoint
ALTER TABLE `call_records` ADD `wrap_up_notes` text;--> statement-breakpoint
ALTER TABLE `call_records` ADD `wrap_up_by` text;--> statement-breakpoint
ALTER TABLE `call_records` ADD `wrap_up_at` integer;