CREATE TABLE `review_duplicates` (
	`event_seq` integer PRIMARY KEY NOT NULL,
	`item_id` text NOT NULL,
	`inclusion_probability` real NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`event_seq`) REFERENCES `events`(`seq`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`item_id`) REFERENCES `review_items`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `review_items` (
	`seq` integer PRIMARY KEY NOT NULL,
	`id` text NOT NULL,
	`event_seq` integer NOT NULL,
	`event_id` text NOT NULL,
	`source` text NOT NULL,
	`channel` text NOT NULL,
	`state` text NOT NULL,
	`priority` text NOT NULL,
	`reasons` text NOT NULL,
	`inclusion_probability` real NOT NULL,
	`output_hash` text NOT NULL,
	`seen_count` integer DEFAULT 1 NOT NULL,
	`required_verdicts` integer NOT NULL,
	`outcome` text,
	`decision_mode` text,
	`decided_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`dispatched_at` integer,
	`card_outbox_id` text,
	`card_channel` text,
	`card_ts` text,
	`card_error` text,
	`final_at` integer,
	`expired_at` integer,
	`sla_reminded_at` integer,
	FOREIGN KEY (`event_seq`) REFERENCES `events`(`seq`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `review_items_id_unique` ON `review_items` (`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `review_items_event_channel_unique` ON `review_items` (`event_seq`,`channel`);--> statement-breakpoint
CREATE INDEX `review_items_channel_state_idx` ON `review_items` (`channel`,`state`,`created_at`);--> statement-breakpoint
CREATE INDEX `review_items_dispatched_idx` ON `review_items` (`channel`,`dispatched_at`);--> statement-breakpoint
CREATE INDEX `review_items_output_idx` ON `review_items` (`source`,`output_hash`,`created_at`);--> statement-breakpoint
CREATE INDEX `review_items_source_created_idx` ON `review_items` (`source`,`created_at`);--> statement-breakpoint
CREATE INDEX `review_items_state_idx` ON `review_items` (`state`,`dispatched_at`);--> statement-breakpoint
CREATE TABLE `review_versions_seen` (
	`source` text NOT NULL,
	`kind` text NOT NULL,
	`value` text NOT NULL,
	`first_seen_at` integer NOT NULL,
	PRIMARY KEY(`source`, `kind`, `value`)
);
--> statement-breakpoint
CREATE TABLE `review_verdicts` (
	`id` integer PRIMARY KEY NOT NULL,
	`item_id` text NOT NULL,
	`reviewer_id` text NOT NULL,
	`decision` text,
	`reason_category` text,
	`dimension` text,
	`note` text,
	`tone` integer,
	`brand` integer,
	`edge_case` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`item_id`) REFERENCES `review_items`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `review_verdicts_item_reviewer_unique` ON `review_verdicts` (`item_id`,`reviewer_id`);--> statement-breakpoint
CREATE INDEX `review_verdicts_updated_idx` ON `review_verdicts` (`updated_at`);--> statement-breakpoint
CREATE INDEX `review_verdicts_reviewer_idx` ON `review_verdicts` (`reviewer_id`,`updated_at`);