CREATE TABLE `sip_bans` (
	`ip` text PRIMARY KEY NOT NULL,
	`since` integer NOT NULL,
	`until` integer NOT NULL,
	`failures` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `sip_bans_until_idx` ON `sip_bans` (`until`);