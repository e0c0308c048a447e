CREATE TABLE `provisioning_devices` (
	`mac` text PRIMARY KEY NOT NULL,
	`family` text NOT NULL,
	`model` text,
	`label` text,
	`extension` text NOT NULL,
	`sip_password_sealed` text NOT NULL,
	`provision_ha1_md5` text NOT NULL,
	`provision_ha1_sha256` text NOT NULL,
	`token_sealed` text NOT NULL,
	`last_seen_at` integer,
	`last_source` text,
	`last_user_agent` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `provisioning_devices_extension_idx` ON `provisioning_devices` (`extension`);--> statement-breakpoint
CREATE TABLE `provisioning_pending` (
	`mac` text PRIMARY KEY NOT NULL,
	`family` text,
	`user_agent` text,
	`source` text NOT NULL,
	`via` text NOT NULL,
	`requests` integer NOT NULL,
	`first_seen_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `provisioning_templates` (
	`id` text PRIMARY KEY NOT NULL,
	`body` text NOT NULL,
	`updated_at` integer NOT NULL
);
