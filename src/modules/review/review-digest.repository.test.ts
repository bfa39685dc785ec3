import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../platform/db.test-utils.ts';
import { outboxTable } from '../outbox/outbox.table.ts';
import { createReviewDigestRepository } from './review-digest.repository.ts';
import { dispatchQueuedItems, recordCardOutcomes } from './review-dispatch.usecases.ts';
import { recordRating } from './review-ratings.usecases.ts';
import { sampleBatch } from './review-sampler.usecases.ts';
import { sendSlaReminders } from './review-sla.usecases.ts';
import { reviewItemsTable } from './review.table.ts';
import { adjudicateItem, recordDecision } from './review.usecases.ts';
import {
  APPROVER, createTestReviewContext, insertEvent, insertReviewItem, REVIEWER, REVIEWER_2, seedSource, TEST_START, type TestReviewContext,
} from './review-context.test-utils.ts';

// One seeded week, driven through the review use cases with a fake clock, so the figures are
// read from what Vigil really stores (items, verdicts and their audit entries). Items e0–e8
// are named by the order their events arrive; each comment says what it adds to the week.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = TEST_START + DAY;
const END = START + 7 * DAY;
const CHANNEL = 'C07REVQUEUE';
const CRITICAL = { appFlags: [{ name: 'leak', severity: 'critical' as const }] };

describe('loadReview', () => {
  let database: TestDb;
  let ctx: TestReviewContext;
  const ids: Record<string, string> = {};

  const at = (time: number) => ctx.clock.set(time);
  const sample = async (name: string, overrides = {}) => {
    await insertEvent(database, { occurredAt: ctx.clock.now(), ...overrides });
    ids[name] = (await sampleBatch(ctx)).created[0]!.id;
  };
  /** Slack answers every card posted so far, so the SLA sweep can find them. */
  const deliverCards = async () => {
    const posts = await database.db.select().from(outboxTable).where(and(eq(outboxTable.method, 'chat.postMessage'), eq(outboxTable.status, 'pending')));
    for (const post of posts) {
      await database.db.update(outboxTable).set({ status: 'delivered', response: { channel: CHANNEL, ts: `1730000000.${String(post.seq).padStart(6, '0')}` } }).where(eq(outboxTable.id, post.id));
    }
    await recordCardOutcomes(ctx);
  };
  const by = (userId: string) => ({ userId, channelId: CHANNEL });
  const reject = (reasonCategory: string) => ({ reasonCategory, dimension: null, note: null });

  beforeAll(async () => {
    database = await createTestDb((db) => seedSource(db));
    ctx = createTestReviewContext(database);

    // Before the week: e0 is decided, e1 and e2 wait and get their SLA reminders.
    await sample('e0');
    await sample('e1');
    await sample('e2');
    await dispatchQueuedItems(ctx);
    await deliverCards();
    at(TEST_START + HOUR);
    await recordDecision(ctx, by(REVIEWER), { itemId: ids.e0!, decision: 'approve' });
    at(TEST_START + 3 * HOUR);
    expect(await sendSlaReminders(ctx)).toBe(2);

    // The week. e1 is rejected 25 h after its card was posted.
    at(START + HOUR);
    await recordDecision(ctx, by(REVIEWER), { itemId: ids.e1!, decision: 'reject', reject: reject('tone') });
    await sample('e3', CRITICAL);
    await sample('e4');
    await sample('e5');
    await dispatchQueuedItems(ctx);
    await deliverCards();
    // A gold copy of a past item: reviewed in the week, but none of its figures count.
    const goldSeq = await insertEvent(database, { origin: 'gold', reviewStatus: 'done' });
    ids.gold = await insertReviewItem(database, goldSeq, { state: 'in_review', createdAt: START, dispatchedAt: START, cardChannel: CHANNEL, cardTs: '1730000000.900000' });

    at(START + HOUR + 30 * 60_000);
    await recordRating(ctx, by(REVIEWER), { itemId: ids.e4!, rating: { brand: 5 } });
    at(START + 2 * HOUR);
    await recordDecision(ctx, by(REVIEWER), { itemId: ids.e4!, decision: 'approve' });
    await recordRating(ctx, by(REVIEWER), { itemId: ids.e3!, rating: { tone: 4 } });
    await recordRating(ctx, by(REVIEWER_2), { itemId: ids.e3!, rating: { tone: 2 } });
    await recordDecision(ctx, by(REVIEWER), { itemId: ids.e3!, decision: 'reject', reject: reject('tone') });
    at(START + 2 * HOUR + 30 * 60_000);
    // A changed reason is one verdict: the last one given in the week counts.
    await recordDecision(ctx, by(REVIEWER), { itemId: ids.e3!, decision: 'reject', reject: reject('off_brand') });
    await recordRating(ctx, by(REVIEWER_2), { itemId: ids.e3!, rating: { tone: 3 } });
    at(START + 3 * HOUR);
    await recordDecision(ctx, by(REVIEWER_2), { itemId: ids.e3!, decision: 'approve' });
    at(START + 3 * HOUR + 30 * 60_000);
    // e3 (critical, disputed), e5 and the gold item are past their SLA; e1 and e2 were reminded before.
    expect(await sendSlaReminders(ctx)).toBe(3);
    at(START + 4 * HOUR);
    await adjudicateItem(ctx, by(APPROVER), { itemId: ids.e3!, outcome: 'rejected' });
    at(START + 5 * HOUR);
    await recordDecision(ctx, by(REVIEWER), { itemId: ids.gold, decision: 'reject', reject: reject('unsafe') });

    // e6 waits unsent past its 24 h TTL and expires; e7 is still queued when the week ends.
    at(START + DAY);
    await sample('e6');
    at(START + 2 * DAY + HOUR);
    expect((await dispatchQueuedItems(ctx, { send: false })).expired.map((item) => item.id)).toEqual([ids.e6]);
    at(START + 6 * DAY);
    await sample('e7');

    // After the week: e8 arrives and e5 is finally decided; neither changes the week.
    at(END + HOUR);
    await sample('e8');
    at(END + 2 * HOUR);
    await recordDecision(ctx, by(REVIEWER), { itemId: ids.e5!, decision: 'reject', reject: reject('factually_wrong') });
  });
  afterAll(() => database.close());

  it('gives every figure of the week exactly', async () => {
    const figures = await createReviewDigestRepository({ db: database.db }).loadReview('support-bot', { start: START, end: END });
    expect(figures).toEqual({
      sampled: 5, // e3 e4 e5 e6 e7
      approved: 1, // e4
      rejected: 2, // e1, e3 (adjudicated)
      rejectionReasons: { tone: 1, off_brand: 1 }, // e1 and e3 by REVIEWER
      tone: { count: 2, sum: 7 }, // e3: REVIEWER 4, REVIEWER_2 3 (changed from 2)
      brand: { count: 1, sum: 5 }, // e4: REVIEWER 5
      decisionTimesMs: [25 * HOUR, HOUR, 3 * HOUR], // e1, e4, e3, in the order they became final
      slaBreaches: 2, // e3, e5
      backlog: 3, // e2 (never decided), e5 (decided after the week), e7 (queued)
      expiredUnreviewed: 1, // e6
      verdictsByReviewer: { [REVIEWER]: 3, [REVIEWER_2]: 1 }, // e1 e3 e4; e3
    });
  });

  it('gives the week before its own figures, which the later week leaves unchanged', async () => {
    const figures = await createReviewDigestRepository({ db: database.db }).loadReview('support-bot', { start: START - 7 * DAY, end: START });
    expect(figures).toMatchObject({ sampled: 3, approved: 1, rejected: 0, slaBreaches: 2, backlog: 2, expiredUnreviewed: 0, verdictsByReviewer: { [REVIEWER]: 1 } });
    expect(figures.decisionTimesMs).toEqual([HOUR]);
  });

  it('gives zeros for a source without review items', async () => {
    const figures = await createReviewDigestRepository({ db: database.db }).loadReview('other-bot', { start: START, end: END });
    expect(figures).toEqual({
      sampled: 0, approved: 0, rejected: 0, rejectionReasons: {}, tone: { count: 0, sum: 0 }, brand: { count: 0, sum: 0 },
      decisionTimesMs: [], slaBreaches: 0, backlog: 0, expiredUnreviewed: 0, verdictsByReviewer: {},
    });
  });

  it('stores what the figures rely on: a final time on every decided item and the gold item left out', async () => {
    const rows = await database.db.select().from(reviewItemsTable).orderBy(asc(reviewItemsTable.seq));
    expect(rows.filter((row) => row.state === 'final').every((row) => row.finalAt !== null && row.dispatchedAt !== null)).toBe(true);
    expect(rows.find((row) => row.id === ids.gold)).toMatchObject({ state: 'final', outcome: 'rejected' });
  });
});
