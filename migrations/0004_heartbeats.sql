CREATE TABLE `process_heartbeats` (
	`node` text PRIMARY KEY NOT NULL,
	`alive_at` integer NOT NULL
);
