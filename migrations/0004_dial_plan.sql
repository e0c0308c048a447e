CREATE TABLE `dial_plan` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`position` integer NOT NULL,
	`pattern` text NOT NULL,
	`permission` text,
	`steps` text NOT NULL,
	`description` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `dial_plan_position_idx` ON `dial_plan` (`position`);