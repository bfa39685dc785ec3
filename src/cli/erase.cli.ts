import type { Command } from 'commander';
import { createOutboxErasedCardUpdater, createRetentionStores } from '../app/retention-stores.ts';
import { registerRetentionCommands } from '../modules/retention/retention.cli.ts';

// `vigil erase` reaches into events, grading, review, outbox and audit: composed here, beside
// the CLI's entry point, like the server composes them in src/app.

export function registerComposedEraseCommand(program: Command): void {
  registerRetentionCommands(program, (context) => ({
    stores: createRetentionStores(context.database.db),
    clock: context.clock,
    retentionOf: (source) => context.config.sources.sources[source]?.retention,
    updateErasedCards: createOutboxErasedCardUpdater(context.database.db, context.clock),
  }));
}
