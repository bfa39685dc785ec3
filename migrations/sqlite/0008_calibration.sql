CREATE TABLE `calibration_gold_items` (
	`item_id` text PRIMARY KEY NOT NULL,
	`source` text NOT NULL,
	`origin_item_id` text NOT NULL,
	`expected_outcome` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `calibration_gold_items_source_idx` ON `calibration_gold_items` (`source`,`created_at`);--> statement-breakpoint
CREATE INDEX `calibration_gold_items_origin_idx` ON `calibration_gold_items` (`origin_item_id`);--> statement-breakpoint
CREATE TABLE `calibration_proposals` (
	`id` text PRIMARY KEY NOT NULL,
	`source` text NOT NULL,
	`grader` text NOT NULL,
	`grader_version` text NOT NULL,
	`status` text NOT NULL,
	`current_threshold` real NOT NULL,
	`proposed_threshold` real NOT NULL,
	`figures` text NOT NULL,
	`chart` text NOT NULL,
	`channel` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`decided_at` integer,
	`decided_by` text,
	`decision_reason` text,
	`guardrail_version` integer,
	`auto_applied` integer DEFAULT false NOT NULL,
	`card_outbox_id` text,
	`card_channel` text,
	`card_ts` text,
	`chart_uploaded_at` integer
);
--> statement-breakpoint
CREATE INDEX `calibration_proposals_grader_idx` ON `calibration_proposals` (`source`,`grader`,`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `calibration_proposals_chart_idx` ON `calibration_proposals` (`chart_uploaded_at`,`card_ts`);