import { inArray, or, sql } from 'drizzle-orm';
import { affectedRows, type DbExecutor } from '../../platform/db.ts';
import { outboxTable } from './outbox.table.ts';

// What the retention module may do to outbox rows. A Slack card carries the event's text in
// its payload, and every payload about a review item names the item's id (button values,
// thread keys), so the rows to erase are found by that id. A delivered or failed row keeps
// its status and timestamps (delivery counts) but not its payload; one not yet sent is
// cancelled, since sending it would post the erased text.

export const ERASED_PAYLOAD = { erased: true } as const;

/** Erases the payloads that name any of these ids; returns how many rows were erased. */
export async function eraseOutboxPayloadsNaming(db: DbExecutor, ids: readonly string[], now: number): Promise<number> {
  if (ids.length === 0) return 0;
  const contains = db.dialect === 'sqlite' ? 'instr' : 'strpos';
  const names = or(...ids.map((id) => sql`${sql.raw(contains)}(${outboxTable.payload}, ${id}) > 0`))!;
  const cancelled = await db
    .update(outboxTable)
    .set({ payload: ERASED_PAYLOAD, status: 'failed', failedAt: now, lastError: 'content erased before delivery', leaseOwner: null, leaseUntil: null })
    .where(sql`${names} and ${inArray(outboxTable.status, ['pending', 'in_flight'])}`);
  const erased = await db
    .update(outboxTable)
    .set({ payload: ERASED_PAYLOAD, response: null })
    .where(sql`${names} and ${inArray(outboxTable.status, ['delivered', 'failed'])} and ${outboxTable.payload} != ${JSON.stringify(ERASED_PAYLOAD)}`);
  return affectedRows(cancelled) + affectedRows(erased);
}
