CREATE TABLE `drift_alerts` (
	`id` integer PRIMARY KEY NOT NULL,
	`source` text NOT NULL,
	`metric` text NOT NULL,
	`slice` text NOT NULL,
	`opened_at` integer NOT NULL,
	`last_drift_at` integer NOT NULL,
	`clear_since` integer,
	`resolved_at` integer,
	`posted_at` integer,
	`summary` text NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`source`) REFERENCES `sources`(`name`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `drift_alerts_open_unique` ON `drift_alerts` (`source`,`metric`) WHERE resolved_at IS NULL;--> statement-breakpoint
CREATE INDEX `drift_alerts_source_idx` ON `drift_alerts` (`source`,`opened_at`);--> statement-breakpoint
CREATE TABLE `probe_runs` (
	`id` integer PRIMARY KEY NOT NULL,
	`run_id` text NOT NULL,
	`source` text NOT NULL,
	`probe` text NOT NULL,
	`category` text NOT NULL,
	`release` text,
	`passed` integer,
	`reason` text,
	`error` text,
	`latency_ms` integer,
	`event_id` text,
	`started_at` integer NOT NULL,
	FOREIGN KEY (`source`) REFERENCES `sources`(`name`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `probe_runs_run_probe_unique` ON `probe_runs` (`run_id`,`probe`);--> statement-breakpoint
CREATE INDEX `probe_runs_source_probe_idx` ON `probe_runs` (`source`,`probe`,`release`);--> statement-breakpoint
CREATE INDEX `probe_runs_source_started_idx` ON `probe_runs` (`source`,`started_at`);--> statement-breakpoint
CREATE TABLE `sampling_boosts` (
	`id` integer PRIMARY KEY NOT NULL,
	`source` text NOT NULL,
	`slice` text NOT NULL,
	`metric` text NOT NULL,
	`rate` real NOT NULL,
	`started_at` integer NOT NULL,
	`until` integer NOT NULL,
	`stopped_by` text,
	`stopped_at` integer,
	`alert_id` integer,
	FOREIGN KEY (`source`) REFERENCES `sources`(`name`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`alert_id`) REFERENCES `drift_alerts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `sampling_boosts_source_until_idx` ON `sampling_boosts` (`source`,`until`);--> statement-breakpoint
CREATE INDEX `sampling_boosts_alert_idx` ON `sampling_boosts` (`alert_id`);