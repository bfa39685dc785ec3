import { inArray } from 'drizzle-orm';
import type { DbExecutor } from '../../platform/db.ts';
import { gradingJobsTable, graderResultsTable } from './grading.table.ts';

// What the retention module may do to grading rows. A grader's reason can quote the text it
// judged, and the content hash would let an identical text be matched to the erased one
// (the grading cache): both go; the score and label, which calibration counts, stay.

const ERASED_REASON = '[erased]';

export async function eraseGraderResultTexts(db: DbExecutor, eventSeqs: readonly number[]): Promise<void> {
  if (eventSeqs.length === 0) return;
  await db
    .update(graderResultsTable)
    .set({ reason: ERASED_REASON, contentHash: 'erased' })
    .where(inArray(graderResultsTable.eventSeq, [...eventSeqs]));
}

/** Deletes the grading jobs and results of events about to be deleted. */
export async function deleteGradingRows(db: DbExecutor, eventSeqs: readonly number[]): Promise<void> {
  if (eventSeqs.length === 0) return;
  await db.delete(gradingJobsTable).where(inArray(gradingJobsTable.eventSeq, [...eventSeqs]));
  await db.delete(graderResultsTable).where(inArray(graderResultsTable.eventSeq, [...eventSeqs]));
}
