CREATE TABLE `task_runs` (
	`id` integer PRIMARY KEY NOT NULL,
	`task` text NOT NULL,
	`period_key` text NOT NULL,
	`status` text NOT NULL,
	`claimed_at` integer NOT NULL,
	`finished_at` integer,
	`error` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `task_runs_task_period_unique` ON `task_runs` (`task`,`period_key`);