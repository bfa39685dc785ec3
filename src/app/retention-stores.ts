import type { Db } from '../platform/db.ts';
import type { Clock } from '../shared/clock.ts';
import { appendAuditEntry } from '../modules/audit/audit.repository.ts';
import { deleteGradingRows, eraseGraderResultTexts } from '../modules/checks/grading-erasure.repository.ts';
import { deleteEventRows, eraseEventTexts, findEventsReceivedBefore, findUnerasedEventSeqs } from '../modules/ingestion/events-erasure.repository.ts';
import { slackOrderKey } from '../modules/outbox/outbox.models.ts';
import { eraseOutboxPayloadsNaming } from '../modules/outbox/outbox-erasure.repository.ts';
import { enqueueOutboxMessage } from '../modules/outbox/outbox.repository.ts';
import { buildErasedCardMessage } from '../modules/retention/retention.blocks.ts';
import type { RetentionStores } from '../modules/retention/retention.usecases.ts';
import { deleteReviewRows, eraseVerdictNotes, listCardLocations, listItemIdsOfEvents, listReviewedEventSeqs } from '../modules/review/review-erasure.repository.ts';

// Retention and erasure reach into events, grading, review, outbox and audit, each through
// the small repository functions those modules export for it; this is where they meet.
// Used by the server (vigil-app) and by `vigil erase` (src/cli/erase.cli.ts).

export function createRetentionStores(db: Db): RetentionStores {
  return {
    transaction: (run) => db.transaction(run),
    findUnerasedEventSeqs,
    eraseEventTexts,
    eraseGraderResultTexts,
    listItemIdsOfEvents,
    eraseVerdictNotes,
    eraseOutboxPayloadsNaming,
    findEventsReceivedBefore,
    listReviewedEventSeqs,
    deleteGradingRows,
    deleteReviewRows,
    deleteEventRows,
    appendAudit: async (tx, entry, now) => void (await appendAuditEntry(tx, entry, now)),
  };
}

/**
 * For `vigil erase`, where no review module runs: each erased card is replaced, through the
 * outbox the running Vigil delivers, by a card that says its content was erased.
 */
export function createOutboxErasedCardUpdater(db: Db, clock: Clock): (itemIds: string[]) => Promise<void> {
  return async (itemIds) => {
    const now = clock.now();
    await db.transaction(async (tx) => {
      for (const card of await listCardLocations(tx, itemIds)) {
        await enqueueOutboxMessage(
          tx,
          { kind: 'slack', method: 'chat.update', payload: { channel: card.channel, ts: card.ts, ...buildErasedCardMessage(now) }, orderKey: slackOrderKey(card.channel) },
          now,
        );
      }
    });
  };
}
