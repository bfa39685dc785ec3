CREATE TABLE `outbox` (
	`seq` integer PRIMARY KEY NOT NULL,
	`id` text NOT NULL,
	`kind` text NOT NULL,
	`order_key` text NOT NULL,
	`method` text NOT NULL,
	`payload` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`lease_owner` text,
	`lease_until` integer,
	`last_error` text,
	`dedupe_key` text,
	`purpose` text,
	`purpose_ref` text,
	`response` text,
	`created_at` integer NOT NULL,
	`delivered_at` integer,
	`failed_at` integer,
	`hooked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_id_unique` ON `outbox` (`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_dedupe_key_unique` ON `outbox` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `outbox_open_idx` ON `outbox` (`order_key`,`seq`) WHERE status in ('pending', 'in_flight');--> statement-breakpoint
CREATE INDEX `outbox_due_idx` ON `outbox` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `outbox_purpose_idx` ON `outbox` (`purpose`,`purpose_ref`);--> statement-breakpoint
CREATE INDEX `outbox_unhooked_idx` ON `outbox` (`seq`) WHERE hooked_at is null and purpose is not null and status in ('delivered', 'failed');