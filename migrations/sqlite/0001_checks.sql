CREATE TABLE `grader_results` (
	`id` integer PRIMARY KEY NOT NULL,
	`event_seq` integer NOT NULL,
	`source` text NOT NULL,
	`grader` text NOT NULL,
	`grader_version` text NOT NULL,
	`content_hash` text NOT NULL,
	`score` real NOT NULL,
	`label` text NOT NULL,
	`reason` text NOT NULL,
	`hijacked` integer NOT NULL,
	`cached` integer NOT NULL,
	`model` text,
	`prompt_tokens` integer,
	`completion_tokens` integer,
	`cost_usd` real,
	`latency_ms` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`event_seq`) REFERENCES `events`(`seq`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `grader_results_event_grader_unique` ON `grader_results` (`event_seq`,`grader`,`grader_version`);--> statement-breakpoint
CREATE INDEX `grader_results_cache_idx` ON `grader_results` (`grader_version`,`content_hash`);--> statement-breakpoint
CREATE INDEX `grader_results_source_grader_idx` ON `grader_results` (`source`,`grader`,`created_at`);--> statement-breakpoint
CREATE TABLE `grading_jobs` (
	`id` integer PRIMARY KEY NOT NULL,
	`event_seq` integer NOT NULL,
	`source` text NOT NULL,
	`grader` text NOT NULL,
	`grader_version` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`lease_until` integer,
	`last_error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`event_seq`) REFERENCES `events`(`seq`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `grading_jobs_event_grader_unique` ON `grading_jobs` (`event_seq`,`grader`,`grader_version`);--> statement-breakpoint
CREATE INDEX `grading_jobs_due_idx` ON `grading_jobs` (`status`,`next_attempt_at`);--> statement-breakpoint
ALTER TABLE `events` ADD `detections` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `events` ADD `flags` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `events` ADD `checks_status` text DEFAULT 'complete' NOT NULL;--> statement-breakpoint
ALTER TABLE `events` ADD `review_status` text DEFAULT 'pending' NOT NULL;--> statement-breakpoint
ALTER TABLE `events` ADD `origin` text DEFAULT 'live' NOT NULL;--> statement-breakpoint
CREATE INDEX `events_review_pending_idx` ON `events` (`review_status`,`checks_status`);