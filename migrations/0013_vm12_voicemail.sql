CREATE TABLE `mailboxes` (
	`number` text PRIMARY KEY NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`pin_hash` text,
	`greeting_path` text,
	`max_message_s` integer DEFAULT 120 NOT NULL,
	`email` text,
	`email_attach_audio` integer DEFAULT false NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`number`) REFERENCES `extensions`(`number`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `voicemail_messages` (
	`id` text PRIMARY KEY NOT NULL,
	`mailbox` text NOT NULL,
	`caller` text NOT NULL,
	`caller_name` text,
	`call_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`duration_ms` integer DEFAULT 0 NOT NULL,
	`path` text NOT NULL,
	`read_at` integer,
	FOREIGN KEY (`mailbox`) REFERENCES `mailboxes`(`number`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `voicemail_messages_mailbox` ON `voicemail_messages` (`mailbox`,`created_at`);