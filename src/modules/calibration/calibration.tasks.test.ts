import { asc, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../platform/db.test-utils.ts';
import { auditLogTable } from '../audit/audit.table.ts';
import { guardrailVersionsTable } from '../guardrails/guardrails.table.ts';
import { outboxTable } from '../outbox/outbox.table.ts';
import { PROPOSAL_POSTED, recordProposalPosted } from './calibration-card.usecases.ts';
import { applyProposal, dismissProposal } from './calibration-decisions.usecases.ts';
import { calibrationProposalsTable } from './calibration.table.ts';
import { calibrateAllGraders, runDailyCalibration } from './calibration.tasks.ts';
import { createTestProposalContext, seedCalibrationSource, seedLabelledItem, SEED_START } from './calibration.test-utils.ts';

// The daily job and the decisions on a proposal, on a migrated in-memory database: the
// guardrail versions, outbox messages and audit rows they leave behind.

const DAY = 86_400_000;

describe('daily calibration and proposal decisions', () => {
  let database: TestDb;
  afterEach(() => database.close());

  /** Recall 0.9 of 12 violations needs the threshold down from 0.6 to 0.3. */
  async function seedLabels(grader = 'tone') {
    database = await createTestDb(async (db) => {
      await seedCalibrationSource(db.db);
      for (let i = 0; i < 10; i++) await seedLabelledItem(db.db, { score: 0.9, violation: true, inclusionProbability: 1, grader });
      for (let i = 0; i < 2; i++) await seedLabelledItem(db.db, { score: 0.3, violation: true, inclusionProbability: 1, grader });
      for (let i = 0; i < 10; i++) await seedLabelledItem(db.db, { score: 0.1, violation: false, inclusionProbability: 1, grader });
    });
  }

  const proposals = () => database.db.select().from(calibrationProposalsTable).orderBy(asc(calibrationProposalsTable.createdAt), asc(calibrationProposalsTable.id));
  const outbox = (method: string) => database.db.select().from(outboxTable).where(eq(outboxTable.method, method)).orderBy(asc(outboxTable.seq));
  const auditActions = async () => (await database.db.select({ action: auditLogTable.action }).from(auditLogTable).orderBy(asc(auditLogTable.seq))).map((row) => row.action);
  const versions = () => database.db.select().from(guardrailVersionsTable).orderBy(asc(guardrailVersionsTable.version));

  it('posts one proposal card per grader that has enough labels, to the admin channel, and not twice', async () => {
    await seedLabels();
    const ctx = await createTestProposalContext(database, { graders: ['tone', 'brand'] });
    expect(await calibrateAllGraders(ctx)).toEqual([
      { source: 'support-bot', grader: 'tone', status: 'posted', proposalId: (await proposals())[0]!.id, note: 'auto-apply is off for this source' },
      { source: 'support-bot', grader: 'brand', status: 'insufficient_labels' },
    ]);
    expect(await proposals()).toMatchObject([{ grader: 'tone', status: 'open', currentThreshold: 0.6, proposedThreshold: 0.3, channel: 'C07ADMINCHN', createdBy: 'system:calibration' }]);
    expect(await outbox('chat.postMessage')).toMatchObject([{ purpose: PROPOSAL_POSTED, purposeRef: (await proposals())[0]!.id, payload: { channel: 'C07ADMINCHN' } }]);
    expect(ctx.notified).toBe(1);
    const again = await calibrateAllGraders(ctx);
    expect(again[0]).toMatchObject({ status: 'already_open' });
    expect(await outbox('chat.postMessage')).toHaveLength(1);
    expect(await versions()).toHaveLength(1);
  });

  it('records where the card landed and uploads the chart into its thread once', async () => {
    await seedLabels();
    const ctx = await createTestProposalContext(database);
    await calibrateAllGraders(ctx);
    const id = (await proposals())[0]!.id;
    await recordProposalPosted(ctx, id, { channel: 'C07ADMINCHN', ts: '1750000000.000100' });
    await recordProposalPosted(ctx, id, { channel: 'C07ADMINCHN', ts: '1750000000.000100' });
    expect(ctx.uploads).toEqual([
      { channel_id: 'C07ADMINCHN', thread_ts: '1750000000.000100', file: Buffer.from('png'), filename: `${id}-precision-recall.png`, title: 'Precision–recall of tone on support-bot', alt_text: 'Precision–recall of tone on support-bot' },
    ]);
    expect((await proposals())[0]).toMatchObject({ cardChannel: 'C07ADMINCHN', cardTs: '1750000000.000100', chartUploadedAt: SEED_START + DAY });
  });

  it('auto-applies a proposal within the daily bound: a guardrail version by Vigil, audited, card updated', async () => {
    await seedLabels();
    const ctx = await createTestProposalContext(database, { calibration: { auto_apply: { enabled: true, max_change_per_day: 0.5 } } });
    const [outcome] = await calibrateAllGraders(ctx);
    expect(outcome).toMatchObject({ status: 'posted', autoApplied: true });
    expect((await versions()).map((v) => [v.version, v.actor, v.spec.graders.tone?.threshold])).toEqual([
      [1, 'system:config', 0.6],
      [2, 'system:calibration', 0.3],
    ]);
    expect((await proposals())[0]).toMatchObject({ status: 'applied', autoApplied: true, guardrailVersion: 2, decidedBy: 'system:calibration' });
    expect(await auditActions()).toEqual(['guardrail.seeded', 'calibration.proposed', 'guardrail.version_created', 'calibration.auto_applied']);
    expect(await outbox('chat.update')).toHaveLength(1);
    expect(ctx.thresholdOf('support-bot', 'tone')).toBe(0.3);
  });

  it('leaves a change larger than the daily bound to an approver', async () => {
    await seedLabels();
    const ctx = await createTestProposalContext(database, { calibration: { auto_apply: { enabled: true, max_change_per_day: 0.05 } } });
    const [outcome] = await calibrateAllGraders(ctx);
    expect(outcome).toMatchObject({ status: 'posted', note: 'a change of 0.30 exceeds what auto-apply may still move today (0.05 of 0.05)' });
    expect(outcome!.autoApplied).toBeUndefined();
    expect((await proposals())[0]!.status).toBe('open');
    expect(await versions()).toHaveLength(1);
  });

  it('runs once per day, and one failing grader does not stop the others', async () => {
    await seedLabels();
    const ctx = await createTestProposalContext(database, { graders: ['nope', 'tone'] });
    await expect(runDailyCalibration(ctx, SEED_START + DAY)).rejects.toThrow(/1 calibration\(s\) failed/);
    expect(await proposals()).toHaveLength(1);
    await expect(runDailyCalibration(ctx, SEED_START + DAY + 60_000)).rejects.toThrow(/failed/);
    const healthy = await createTestProposalContext({ db: database.db }, { graders: ['tone'] });
    expect(await runDailyCalibration(healthy, SEED_START + 2 * DAY)).toEqual([{ source: 'support-bot', grader: 'tone', status: 'already_open', proposalId: (await proposals())[0]!.id, note: 'auto-apply is off for this source' }]);
    expect(await runDailyCalibration(healthy, SEED_START + 2 * DAY + 60_000)).toBeNull();
  });

  it('refuses a stale proposal: the threshold changed since, so the card is closed and the approver told why', async () => {
    await seedLabels();
    const ctx = await createTestProposalContext(database);
    await calibrateAllGraders(ctx);
    const id = (await proposals())[0]!.id;
    await ctx.guardrails.repository.writeNext(
      'support-bot',
      (latest) => ({ row: { kind: 'change', spec: { ...latest!.spec, graders: { tone: { threshold: 0.55, action: 'flag' } } }, actor: 'cli:ops', reason: 'manual', diff: [], revertOf: null }, audit: () => ({ actor: 'cli:ops', action: 'guardrail.version_created' }) }),
      SEED_START + DAY,
    );
    const result = await applyProposal(ctx, { userId: 'U0APPROVE1', channelId: 'C07ADMINCHN' }, id);
    expect(result).toEqual({ status: 'stale', message: 'The live threshold is now 0.55, not 0.6 as on this card; ask for a fresh proposal.' });
    expect((await proposals())[0]).toMatchObject({ status: 'superseded', decisionReason: result.status === 'stale' ? result.message : '' });
    expect((await versions()).at(-1)!.spec.graders.tone?.threshold).toBe(0.55);
    expect(await outbox('chat.postEphemeral')).toMatchObject([{ payload: { channel: 'C07ADMINCHN', user: 'U0APPROVE1', text: `:warning: ${result.status === 'stale' ? result.message : ''}` } }]);
  });

  it('dismisses for an approver with the reason, and refuses a reviewer with an audit row', async () => {
    await seedLabels();
    const ctx = await createTestProposalContext(database);
    await calibrateAllGraders(ctx);
    const id = (await proposals())[0]!.id;
    expect(await dismissProposal(ctx, { userId: 'U0REVIEW01', channelId: 'C07ADMINCHN' }, { proposalId: id, reason: 'no' })).toEqual({ status: 'refused' });
    expect(await dismissProposal(ctx, { userId: 'U0APPROVE1' }, { proposalId: id, reason: 'rubric changes next week' })).toMatchObject({ status: 'dismissed' });
    expect((await proposals())[0]).toMatchObject({ status: 'dismissed', decidedBy: 'slack:U0APPROVE1', decisionReason: 'rubric changes next week' });
    expect((await auditActions()).slice(-2)).toEqual(['calibration.refused', 'calibration.dismissed']);
    expect(await applyProposal(ctx, { userId: 'U0APPROVE1' }, id)).toEqual({ status: 'stale', message: 'This proposal is already dismissed.' });
    expect(await applyProposal(ctx, { userId: 'U0APPROVE1' }, 'cal_01JD0000000000000000000000')).toEqual({ status: 'not_found' });
  });
});
