CREATE TABLE `conference_rooms` (
	`room` text PRIMARY KEY NOT NULL,
	`name` text,
	`participant_pin_hash` text,
	`moderator_pin_hash` text,
	`wait_for_moderator` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
