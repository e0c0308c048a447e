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
CREATE INDEX `dial_plan_position_idx` ON `dial_plan` (`position`);--> statement-breakpoint
CREATE TABLE `call_handling` (
	`number` text PRIMARY KEY NOT NULL,
	`dnd` integer DEFAULT false NOT NULL,
	`forward_always` text,
	`forward_busy` text,
	`forward_no_answer` text,
	`no_answer_s` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`number`) REFERENCES `extensions`(`number`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `call_records` ADD `routing` text;