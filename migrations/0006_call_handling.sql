CREATE TABLE `call_handling` (
	`number` text PRIMARY KEY NOT NULL,
	`dnd` integer DEFAULT false NOT NULL,
	`forward_always` text,
	`forward_busy` text,
	`forward_no_answer` text,
	`no_answer_s` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`number`) REFERENCES `extensions`(`number`) ON UPDATE no action ON DELETE cascade
);
