CREATE TABLE `sip_bans` (
	`ip` text PRIMARY KEY NOT NULL,
	`since` integer NOT NULL,
	`until` integer NOT NULL,
	`failures` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `sip_bans_until_idx` ON `sip_bans` (`until`);--> statement-breakpoint
DROP INDEX `call_records_open_idx`;--> statement-breakpoint
CREATE INDEX `call_records_open_idx` ON `call_records` (`started_at`) WHERE "call_records"."disposition" is null;