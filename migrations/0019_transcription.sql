CREATE TABLE `transcript_segments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`call_id` text NOT NULL,
	`channel` integer NOT NULL,
	`speaker` text NOT NULL,
	`start_ms` integer NOT NULL,
	`end_ms` integer NOT NULL,
	`text` text NOT NULL,
	`confidence` real
);
--> statement-breakpoint
CREATE INDEX `transcript_segments_call` ON `transcript_segments` (`call_id`,`start_ms`);--> statement-breakpoint
CREATE TABLE `transcription_jobs` (
	`call_id` text PRIMARY KEY NOT NULL,
	`state` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`not_before` integer NOT NULL,
	`last_error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `transcription_jobs_state` ON `transcription_jobs` (`state`,`not_before`);