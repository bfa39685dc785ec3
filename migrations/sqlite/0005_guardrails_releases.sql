CREATE TABLE `guardrail_versions` (
	`source` text NOT NULL,
	`version` integer NOT NULL,
	`kind` text NOT NULL,
	`spec` text NOT NULL,
	`actor` text NOT NULL,
	`reason` text NOT NULL,
	`diff` text NOT NULL,
	`revert_of` integer,
	`webhook_outbox_id` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`source`, `version`)
);
--> statement-breakpoint
CREATE TABLE `incident_timeline` (
	`seq` integer PRIMARY KEY NOT NULL,
	`incident_id` text NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`kind` text NOT NULL,
	`text` text NOT NULL,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `incident_timeline_incident_idx` ON `incident_timeline` (`incident_id`,`seq`);--> statement-breakpoint
CREATE TABLE `incidents` (
	`seq` integer PRIMARY KEY NOT NULL,
	`id` text NOT NULL,
	`source` text NOT NULL,
	`severity` text NOT NULL,
	`title` text NOT NULL,
	`summary` text NOT NULL,
	`status` text NOT NULL,
	`reporter` text NOT NULL,
	`item_id` text,
	`auto_rule` text,
	`request_key` text,
	`channel_name` text NOT NULL,
	`channel_attempt` integer DEFAULT 0 NOT NULL,
	`channel_outbox_id` text,
	`channel_id` text,
	`channel_error` text,
	`message_outbox_id` text,
	`message_ts` text,
	`card_channel` text,
	`card_ts` text,
	`item_link` text,
	`invitees` text NOT NULL,
	`paging` text NOT NULL,
	`pagerduty_dedup_key` text,
	`opened_at` integer NOT NULL,
	`acknowledged_at` integer,
	`acknowledged_by` text,
	`resolved_at` integer,
	`resolved_by` text,
	`resolution` text,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `incidents_id_unique` ON `incidents` (`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `incidents_request_key_unique` ON `incidents` (`request_key`);--> statement-breakpoint
CREATE INDEX `incidents_source_opened_idx` ON `incidents` (`source`,`opened_at`);--> statement-breakpoint
CREATE INDEX `incidents_auto_rule_idx` ON `incidents` (`source`,`auto_rule`,`opened_at`);--> statement-breakpoint
CREATE INDEX `incidents_status_idx` ON `incidents` (`status`);--> statement-breakpoint
CREATE INDEX `incidents_channel_name_idx` ON `incidents` (`channel_name`);--> statement-breakpoint
CREATE TABLE `releases` (
	`source` text NOT NULL,
	`release` text NOT NULL,
	`model` text,
	`prompt_version` text,
	`metadata` text,
	`registered_by` text NOT NULL,
	`first_seen_at` integer NOT NULL,
	`last_live_at` integer NOT NULL,
	`live_since` integer,
	`live_ms` integer DEFAULT 0 NOT NULL,
	`known_good_at` integer,
	`known_good_by` text,
	PRIMARY KEY(`source`, `release`)
);
--> statement-breakpoint
CREATE INDEX `releases_source_live_idx` ON `releases` (`source`,`last_live_at`);