CREATE TABLE `api_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`public_id` text NOT NULL,
	`user_id` text NOT NULL,
	`name` text NOT NULL,
	`permissions` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`last_used_at` integer,
	`last_used_from` text,
	`revoked_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `admin_users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_public_id_unique` ON `api_tokens` (`public_id`);--> statement-breakpoint
CREATE INDEX `api_tokens_user_idx` ON `api_tokens` (`user_id`);--> statement-breakpoint
CREATE TABLE `security_settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text
);
--> statement-breakpoint
CREATE TABLE `user_recovery_codes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` text NOT NULL,
	`code_hash` text NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `admin_users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `user_recovery_codes_user_idx` ON `user_recovery_codes` (`user_id`);--> statement-breakpoint
ALTER TABLE `admin_users` ADD `roles` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `admin_users` ADD `display_name` text;--> statement-breakpoint
ALTER TABLE `admin_users` ADD `extensions` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `admin_users` ADD `queues` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `admin_users` ADD `teams` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `admin_users` ADD `disabled` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `admin_users` ADD `password_changed_at` integer;--> statement-breakpoint
ALTER TABLE `admin_users` ADD `password_history` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `admin_users` ADD `totp_secret` text;--> statement-breakpoint
ALTER TABLE `admin_users` ADD `totp_enabled_at` integer;--> statement-breakpoint
ALTER TABLE `admin_users` ADD `totp_last_step` integer;--> statement-breakpoint
-- existing accounts keep what they could do: an admin held the whole system, users and audit log
UPDATE `admin_users` SET `roles` = CASE `role` WHEN 'admin' THEN '["admin","security-admin","auditor"]' ELSE json_array(`role`) END, `password_changed_at` = `updated_at`;
