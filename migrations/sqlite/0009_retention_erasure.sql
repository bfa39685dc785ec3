ALTER TABLE `events` ADD `erased_at` integer;--> statement-breakpoint
CREATE INDEX `events_source_received_idx` ON `events` (`source`,`received_at`);--> statement-breakpoint
CREATE INDEX `events_source_user_idx` ON `events` (`source`,`user_id`);--> statement-breakpoint
CREATE INDEX `events_source_session_idx` ON `events` (`source`,`session_id`);