CREATE TABLE `admin_users` (
	`id` text PRIMARY KEY NOT NULL,
	`username` text NOT NULL,
	`password_hash` text NOT NULL,
	`role` text DEFAULT 'admin' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `admin_users_username_unique` ON `admin_users` (`username`);--> statement-breakpoint
CREATE TABLE `admin_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`source_ip` text,
	`user_agent` text,
	FOREIGN KEY (`user_id`) REFERENCES `admin_users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `admin_sessions_user_idx` ON `admin_sessions` (`user_id`);--> statement-breakpoint
CREATE INDEX `admin_sessions_expires_idx` ON `admin_sessions` (`expires_at`);--> statement-breakpoint
CREATE TABLE `extensions` (
	`number` text PRIMARY KEY NOT NULL,
	`display_name` text,
	`realm` text NOT NULL,
	`ha1_md5` text NOT NULL,
	`ha1_sha256` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `registration_bindings` (
	`aor` text NOT NULL,
	`contact` text NOT NULL,
	`q` real NOT NULL,
	`expires_at` integer NOT NULL,
	`call_id` text NOT NULL,
	`cseq` integer NOT NULL,
	`flow_protocol` text NOT NULL,
	`flow_local_address` text NOT NULL,
	`flow_local_port` integer NOT NULL,
	`flow_remote_address` text NOT NULL,
	`flow_remote_port` integer NOT NULL,
	`flow_connection_id` text,
	`source_address` text NOT NULL,
	`source_port` integer NOT NULL,
	`user_agent` text,
	`instance_id` text,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`aor`, `contact`)
);
--> statement-breakpoint
CREATE INDEX `registration_bindings_expires_idx` ON `registration_bindings` (`expires_at`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`target` text,
	`source` text,
	`detail` text,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_log_at_idx` ON `audit_log` (`at`);--> statement-breakpoint
CREATE INDEX `audit_log_action_idx` ON `audit_log` (`action`);