import { and, asc, eq, inArray, isNotNull, notInArray, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
import { eventsTable } from '../ingestion/events.table.ts';
import { reviewItemsTable } from '../review/review.table.ts';
import { reviewVerdictsTable } from '../review/verdicts.table.ts';
import { finalLiveItemsOf } from '../review/review-queries.repository.ts';
import type { LabelVerdict } from './calibration-labels.models.ts';
import { calibrationGoldItemsTable } from './calibration.table.ts';
import type { JudgedContent } from './judge-data.models.ts';

// What the judge learns from: final review items of live events (gold copies aside), with
// the event's content and every reviewer's verdict. Read in pages, so an export of a large
// history never holds it all at once.

export interface AdjudicatedItem {
  itemId: string;
  eventSeq: number;
  outcome: 'approved' | 'rejected';
  content: JudgedContent;
  verdicts: LabelVerdict[];
}

const PAGE = 500;

export function createJudgeRepository({ db }: { db: Db }) {
  async function listVerdicts(itemIds: string[]): Promise<Map<string, LabelVerdict[]>> {
    const byItem = new Map<string, LabelVerdict[]>();
    if (itemIds.length === 0) return byItem;
    const rows = await db.select().from(reviewVerdictsTable).where(inArray(reviewVerdictsTable.itemId, itemIds)).orderBy(asc(reviewVerdictsTable.createdAt), asc(reviewVerdictsTable.id));
    for (const { itemId, reviewerId, decision, dimension, reasonCategory, note, tone, brand } of rows) {
      byItem.set(itemId, [...(byItem.get(itemId) ?? []), { reviewerId, decision, dimension, reasonCategory, note, tone, brand }]);
    }
    return byItem;
  }

  return {
    /** Every final live item of the source, oldest first, page by page. */
    async *iterateAdjudicatedItems(source: string): AsyncGenerator<AdjudicatedItem> {
      let afterSeq = 0;
      for (;;) {
        const page = await db
          .select({ seq: reviewItemsTable.seq, itemId: reviewItemsTable.id, eventSeq: reviewItemsTable.eventSeq, outcome: reviewItemsTable.outcome, input: eventsTable.input, output: eventsTable.output, detections: eventsTable.detections })
          .from(reviewItemsTable)
          .innerJoin(eventsTable, eq(eventsTable.seq, reviewItemsTable.eventSeq))
          .where(
            and(
              ...finalLiveItemsOf(source),
              isNotNull(reviewItemsTable.outcome),
              sql`${reviewItemsTable.seq} > ${afterSeq}`,
              notInArray(reviewItemsTable.id, sql`(select ${calibrationGoldItemsTable.itemId} from ${calibrationGoldItemsTable})`),
            ),
          )
          .orderBy(asc(reviewItemsTable.seq))
          .limit(PAGE);
        const verdicts = await listVerdicts(page.map((row) => row.itemId));
        for (const row of page) {
          yield { itemId: row.itemId, eventSeq: row.eventSeq, outcome: row.outcome!, content: { input: row.input, output: row.output, detections: row.detections }, verdicts: verdicts.get(row.itemId) ?? [] };
        }
        if (page.length < PAGE) return;
        afterSeq = page[page.length - 1]!.seq;
      }
    },

    /** The content of events, by seq. */
    async loadContents(eventSeqs: number[]): Promise<Map<number, JudgedContent>> {
      if (eventSeqs.length === 0) return new Map();
      const rows = await db.select({ seq: eventsTable.seq, input: eventsTable.input, output: eventsTable.output, detections: eventsTable.detections }).from(eventsTable).where(inArray(eventsTable.seq, eventSeqs));
      return new Map(rows.map(({ seq, ...content }) => [seq, content]));
    },
  };
}

export type JudgeRepository = ReturnType<typeof createJudgeRepository>;
