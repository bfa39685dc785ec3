CREATE TABLE `guardrail_card_notes` (
	`id` integer PRIMARY KEY NOT NULL,
	`item_id` text NOT NULL,
	`source` text NOT NULL,
	`version` integer,
	`actor` text NOT NULL,
	`text` text NOT NULL,
	`webhook_outbox_id` text,
	`rollback_request_id` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `guardrail_card_notes_item_idx` ON `guardrail_card_notes` (`item_id`,`id`);--> statement-breakpoint
CREATE INDEX `guardrail_card_notes_webhook_idx` ON `guardrail_card_notes` (`webhook_outbox_id`);--> statement-breakpoint
CREATE TABLE `rollback_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`source` text NOT NULL,
	`item_id` text,
	`requested_by` text NOT NULL,
	`reason` text NOT NULL,
	`from_release` text,
	`target_release` text NOT NULL,
	`state` text NOT NULL,
	`expires_at` integer NOT NULL,
	`decided_by` text,
	`decided_at` integer,
	`outcome` text,
	`version` integer,
	`message_outbox_id` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `rollback_requests_state_idx` ON `rollback_requests` (`state`,`expires_at`);