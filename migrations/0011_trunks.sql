CREATE TABLE `dids` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`first` text NOT NULL,
	`last` text NOT NULL,
	`trunk_id` integer,
	`steps` text NOT NULL,
	`description` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`trunk_id`) REFERENCES `trunks`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `dids_first_idx` ON `dids` (`first`);--> statement-breakpoint
CREATE TABLE `outbound_routes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`settings` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbound_routes_name_unique` ON `outbound_routes` (`name`);--> statement-breakpoint
CREATE TABLE `trunk_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`call_id` text NOT NULL,
	`seq` integer NOT NULL,
	`route_id` integer,
	`trunk_id` integer,
	`trunk_name` text NOT NULL,
	`target` text,
	`number` text NOT NULL,
	`status` integer,
	`outcome` text NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `trunk_attempts_call_seq_idx` ON `trunk_attempts` (`call_id`,`seq`);--> statement-breakpoint
CREATE TABLE `trunks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`settings` text NOT NULL,
	`secret` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `trunks_name_unique` ON `trunks` (`name`);