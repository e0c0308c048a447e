ALTER TABLE `mailboxes` ADD `busy_greeting_path` text;--> statement-breakpoint
ALTER TABLE `mailboxes` ADD `temporary_greeting_path` text;