import type { Command } from 'commander';
import { withContext, type CliContext } from '../../cli/cli.context.ts';
import { toErrorDetails } from '../../shared/validation.ts';
import { createInvalidErasureError, createUnknownErasureSourceError } from './retention.errors.ts';
import { erasureQuerySchema, toEventSubject } from './retention.schemas.ts';
import { eraseEvents, type RetentionDeps } from './retention.usecases.ts';

// `vigil erase --source S --user-id U | --session-id S | --event-id E`: a data-subject
// erasure from the command line, the same usecase as DELETE /v1/events.

export const ERASE_DESCRIPTION = "erase the text of a source's events of one user, session or event id, everywhere Vigil stores it (counts and verdicts stay)";

interface EraseOptions {
  source: string;
  userId?: string;
  sessionId?: string;
  eventId?: string;
  json?: boolean;
}

export function registerRetentionCommands(program: Command, buildDeps: (context: CliContext) => RetentionDeps): void {
  program
    .command('erase')
    .description(ERASE_DESCRIPTION)
    .requiredOption('--source <source>', 'the source the events belong to')
    .option('--user-id <id>', 'every event of this user_id')
    .option('--session-id <id>', 'every event of this session_id')
    .option('--event-id <id>', 'the event with this id')
    .option('--json', 'print the counts as JSON')
    .action(
      withContext(async (context, options: EraseOptions) => {
        const parsed = erasureQuerySchema.safeParse({ source: options.source, user_id: options.userId, session_id: options.sessionId, event_id: options.eventId });
        if (!parsed.success) {
          // The CLI's words for the API's fields: --user-id for user_id.
          const asOption = (text: string) => text.replace(/\b(user|session|event)_id\b/g, '--$1-id');
          throw createInvalidErasureError(toErrorDetails(parsed.error.issues).map((detail) => ({ path: asOption(detail.path), message: asOption(detail.message) })));
        }
        if (!context.knownSources.includes(parsed.data.source)) throw createUnknownErasureSourceError(parsed.data.source);
        const result = await eraseEvents(buildDeps(context), { source: parsed.data.source, subject: toEventSubject(parsed.data), actor: context.actor });
        if (options.json) console.log(JSON.stringify(result));
        else console.log(`erased ${result.events} event(s) of ${parsed.data.source}: ${result.review_items} review card(s) updated, ${result.outbox_rows} outbox payload(s) cleared`);
      }),
    );
}
