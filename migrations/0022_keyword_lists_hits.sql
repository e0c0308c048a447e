CREATE TABLE `keyword_hits` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`call_id` text NOT NULL,
	`leg` text NOT NULL,
	`keyword` text NOT NULL,
	`list_id` integer,
	`list_name` text NOT NULL,
	`at_ms` integer NOT NULL,
	`heard_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `keyword_hits_call` ON `keyword_hits` (`call_id`,`at_ms`);--> statement-breakpoint
CREATE INDEX `keyword_hits_keyword` ON `keyword_hits` (`keyword`,`heard_at`);--> statement-breakpoint
CREATE INDEX `keyword_hits_heard` ON `keyword_hits` (`heard_at`);--> statement-breakpoint
CREATE TABLE `keyword_lists` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`phrases` text NOT NULL,
	`numbers` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `keyword_lists_name_unique` ON `keyword_lists` (`name`);