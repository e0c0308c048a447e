CREATE TABLE `acd_agents` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`extension` text NOT NULL,
	`pin` text NOT NULL,
	`skills` text NOT NULL,
	`capacity` text NOT NULL,
	`max_missed` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `acd_interactions` (
	`id` text PRIMARY KEY NOT NULL,
	`call_id` text,
	`queue_id` text NOT NULL,
	`channel` text NOT NULL,
	`caller` text NOT NULL,
	`priority` integer NOT NULL,
	`entered_at` integer NOT NULL,
	`ended_at` integer NOT NULL,
	`wait_ms` integer NOT NULL,
	`outcome` text NOT NULL,
	`agent_id` text,
	`answered_at` integer,
	`talk_ms` integer,
	`wrap_up_ms` integer,
	`wrap_up_code` text,
	`ended_by` text,
	`overflow_to` text,
	`offers` text NOT NULL,
	`decisions` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `acd_interactions_call_idx` ON `acd_interactions` (`call_id`);--> statement-breakpoint
CREATE INDEX `acd_interactions_queue_idx` ON `acd_interactions` (`queue_id`,`entered_at`);--> statement-breakpoint
CREATE TABLE `acd_intervals` (
	`queue_id` text NOT NULL,
	`start` integer NOT NULL,
	`entered` integer NOT NULL,
	`answered` integer NOT NULL,
	`answered_in_sl` integer NOT NULL,
	`abandoned` integer NOT NULL,
	`short_abandoned` integer NOT NULL,
	`other_exits` integer NOT NULL,
	`wait_answered_ms` integer NOT NULL,
	`handled` integer NOT NULL,
	`handle_ms` integer NOT NULL,
	`busy_ms` integer NOT NULL,
	`idle_ms` integer NOT NULL,
	PRIMARY KEY(`queue_id`, `start`)
);
--> statement-breakpoint
CREATE TABLE `acd_memberships` (
	`agent_id` text NOT NULL,
	`queue_id` text NOT NULL,
	`penalty` integer NOT NULL,
	`weight` integer NOT NULL,
	`position` integer NOT NULL,
	PRIMARY KEY(`agent_id`, `queue_id`),
	FOREIGN KEY (`agent_id`) REFERENCES `acd_agents`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`queue_id`) REFERENCES `acd_queues`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `acd_queues` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`config` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `acd_skills` (
	`name` text PRIMARY KEY NOT NULL,
	`description` text
);
