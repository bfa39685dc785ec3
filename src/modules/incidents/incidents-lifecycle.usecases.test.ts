import { afterEach, describe, expect, it } from 'vitest';
import type { Flag } from '../checks/checks.models.ts';
import { openAutoIncidents, openSystemIncident } from './incidents-auto.usecases.ts';
import { acknowledgeIncident, postIncidentUpdate, resolveIncident, rollbackFromIncident } from './incidents-lifecycle.usecases.ts';
import { handleChannelCreated, handleMessagePosted } from './incidents-setup.usecases.ts';
import { escalate } from './incidents.usecases.ts';
import { APPROVER, ITEM_ID, ONCALL_USER, REPORTER, START, createIncidentsTestContext, type IncidentsTestContext } from './incidents.test-utils.ts';

const MINUTE = 60_000;
const CHANNEL = 'C0INCIDENT1';
const request = { source: 'support-bot', itemId: ITEM_ID, severity: 'SEV2' as const, title: 'AWS key leaked', summary: '', reporter: REPORTER };

async function openWithChannel(ctx: IncidentsTestContext) {
  const incident = await escalate(ctx.deps, request);
  await handleChannelCreated(ctx.deps, incident.id, { channel: { id: CHANNEL, name: incident.channelName } });
  return (await ctx.deps.repository.findIncident(incident.id))!;
}

const pagerDutyActions = async (ctx: IncidentsTestContext) =>
  (await ctx.listOutbox()).filter((row) => row.kind === 'webhook').map((row) => (row.payload.body as { event_action: string }).event_action);

describe('acknowledge, update and resolve', () => {
  let ctx: IncidentsTestContext;
  afterEach(() => ctx.database.close());

  it('acknowledges once, records the time to acknowledge, updates the message in place and mirrors it to PagerDuty', async () => {
    ctx = await createIncidentsTestContext();
    const incident = await openWithChannel(ctx);
    ctx.clock.advance(4 * MINUTE);
    const acked = await acknowledgeIncident(ctx.deps, { incidentId: incident.id, actor: ONCALL_USER });
    expect(acked).toMatchObject({ status: 'acknowledged', acknowledgedAt: START + 4 * MINUTE, acknowledgedBy: ONCALL_USER });
    const update = (await ctx.listOutbox()).find((row) => row.method === 'chat.update')!;
    // The message's ts is not known yet: the update names the post's answer instead.
    expect(update.payload).toMatchObject({ channel: CHANNEL, ts: { $ref: { outboxId: incident.messageOutboxId, path: 'ts' } } });
    expect(JSON.stringify(update.payload.blocks)).toContain('4 min to acknowledge');
    expect(await pagerDutyActions(ctx)).toEqual(['trigger', 'acknowledge']);
    await expect(acknowledgeIncident(ctx.deps, { incidentId: incident.id, actor: REPORTER })).rejects.toThrow('is already acknowledged');
    const audit = (await ctx.listAudit()).map((e) => [e.action, e.actor, e.details]);
    expect(audit.at(-1)).toEqual(['incident.acknowledged', `slack:${ONCALL_USER}`, { msSinceOpened: 4 * MINUTE }]);
  });

  it('lets only one of two acknowledges that arrive together through (on PostgreSQL they run on two connections)', async () => {
    ctx = await createIncidentsTestContext();
    const incident = await openWithChannel(ctx);
    const clicks = await Promise.allSettled([ONCALL_USER, REPORTER].map((actor) => acknowledgeIncident(ctx.deps, { incidentId: incident.id, actor })));
    expect(clicks.map((click) => click.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(clicks.find((click) => click.status === 'rejected')).toMatchObject({ reason: { message: expect.stringContaining('is already acknowledged') } });
    expect((await ctx.deps.repository.listTimeline(incident.id)).filter((e) => e.kind === 'acknowledged')).toHaveLength(1);
  });

  it('posts updates in the channel and shows the latest on the message, using the stored ts once known', async () => {
    ctx = await createIncidentsTestContext();
    const incident = await openWithChannel(ctx);
    await handleMessagePosted(ctx.deps, incident.id, { ts: '1730000009.000100' });
    await postIncidentUpdate(ctx.deps, { incidentId: incident.id, actor: ONCALL_USER, text: ' Key revoked, <!here> checking logs ' });
    const [post, update] = (await ctx.listOutbox()).slice(-2);
    expect(post?.payload).toMatchObject({ channel: CHANNEL, link_names: false });
    expect(JSON.stringify(post?.payload)).toContain('Key revoked, &lt;!here&gt; checking logs');
    expect(update).toMatchObject({ method: 'chat.update', payload: { channel: CHANNEL, ts: '1730000009.000100' } });
    expect(JSON.stringify(update?.payload.blocks)).toContain('*Latest update*');
    await expect(postIncidentUpdate(ctx.deps, { incidentId: incident.id, actor: ONCALL_USER, text: '  ' })).rejects.toThrow(/must not be empty/);
    expect((await ctx.deps.repository.listTimeline(incident.id)).at(-1)).toMatchObject({ kind: 'update', actor: ONCALL_USER, text: 'Key revoked, <!here> checking logs' });
  });

  it('resolves with a summary, records both clocks, removes the buttons, mirrors it and closes the incident to further steps', async () => {
    ctx = await createIncidentsTestContext();
    const incident = await openWithChannel(ctx);
    ctx.clock.advance(2 * MINUTE);
    await acknowledgeIncident(ctx.deps, { incidentId: incident.id, actor: ONCALL_USER });
    ctx.clock.advance(88 * MINUTE);
    const resolved = await resolveIncident(ctx.deps, { incidentId: incident.id, actor: ONCALL_USER, summary: 'Rotated the key; prompt fixed.' });
    expect(resolved).toMatchObject({ status: 'resolved', resolvedAt: START + 90 * MINUTE, resolution: 'Rotated the key; prompt fixed.' });
    const lastUpdate = (await ctx.listOutbox()).filter((row) => row.method === 'chat.update').at(-1)!;
    expect(JSON.stringify(lastUpdate.payload.blocks)).not.toContain('"type":"actions"');
    const posts = (await ctx.listOutbox()).filter((row) => row.method === 'chat.postMessage').slice(-2);
    expect(JSON.stringify(posts[0]?.payload)).toContain('2 min to acknowledge · 1 h 30 min to resolve');
    expect(posts[1]?.payload).toMatchObject({ channel: 'C07REVQUEUE', thread_ts: '1730000000.123456' });
    expect(await pagerDutyActions(ctx)).toEqual(['trigger', 'acknowledge', 'resolve']);
    await expect(resolveIncident(ctx.deps, { incidentId: incident.id, actor: REPORTER, summary: 'again' })).rejects.toThrow('is already resolved');
    await expect(postIncidentUpdate(ctx.deps, { incidentId: incident.id, actor: REPORTER, text: 'late' })).rejects.toThrow(`Incident ${incident.id} is already resolved, so it takes no more updates.`);
    expect((await ctx.deps.repository.listTimeline(incident.id)).map((e) => e.kind)).toEqual(['opened', 'channel_created', 'acknowledged', 'resolved']);
    expect((await ctx.listAudit()).at(-1)).toMatchObject({ action: 'incident.resolved', details: { msToAcknowledge: 2 * MINUTE, msToResolve: 90 * MINUTE } });
  });

  it('does not mirror to PagerDuty when on-call was paged in Slack', async () => {
    ctx = await createIncidentsTestContext({ config: { oncall_group: 'S07ONCALL01' } });
    const incident = await openWithChannel(ctx);
    await acknowledgeIncident(ctx.deps, { incidentId: incident.id, actor: ONCALL_USER });
    await resolveIncident(ctx.deps, { incidentId: incident.id, actor: ONCALL_USER, summary: 'done' });
    expect(await pagerDutyActions(ctx)).toEqual([]);
  });
});

describe('rollback from an incident', () => {
  let ctx: IncidentsTestContext;
  afterEach(() => ctx.database.close());

  it('refuses anyone but an approver, and audits the refusal', async () => {
    ctx = await createIncidentsTestContext();
    const incident = await openWithChannel(ctx);
    await expect(rollbackFromIncident(ctx.deps, { incidentId: incident.id, actor: REPORTER })).rejects.toMatchObject({ code: 'incident.not_allowed' });
    expect(ctx.rollbacks).toEqual([]);
    expect((await ctx.listAudit()).at(-1)).toMatchObject({ action: 'incident.rollback_refused', actor: `slack:${REPORTER}`, subjectId: incident.id });
  });

  it('delegates to the releases module for an approver and records what it did', async () => {
    ctx = await createIncidentsTestContext();
    const incident = await openWithChannel(ctx);
    const outcome = await rollbackFromIncident(ctx.deps, { incidentId: incident.id, actor: APPROVER });
    expect(outcome).toEqual({ fromRelease: 'r2024.10.3', toRelease: 'r2024.10.2', version: 7 });
    expect(ctx.rollbacks).toEqual([{ source: 'support-bot', actor: `slack:${APPROVER}`, reason: `Incident ${incident.id}: AWS key leaked` }]);
    expect((await ctx.deps.repository.listTimeline(incident.id)).at(-1)).toMatchObject({ kind: 'rollback', text: 'r2024.10.3 → r2024.10.2 (guardrail version 7)' });
    expect(JSON.stringify((await ctx.listOutbox()).at(-1)?.payload.blocks)).toContain('*Rollback*');
  });

  it('records a request, not a rollback, when the source needs a second approver', async () => {
    ctx = await createIncidentsTestContext();
    const incident = await openWithChannel(ctx);
    ctx.deps.rollbackRelease = async () => ({ requested: true, requestId: 'rbr_1', toRelease: 'r2024.10.2', where: 'the guardrail log channel' });
    const outcome = await rollbackFromIncident(ctx.deps, { incidentId: incident.id, actor: APPROVER });
    expect(outcome).toEqual({ requested: true, requestId: 'rbr_1', toRelease: 'r2024.10.2', where: 'the guardrail log channel' });
    expect((await ctx.deps.repository.listTimeline(incident.id)).at(-1)).toMatchObject({
      kind: 'rollback',
      text: 'rollback to r2024.10.2 requested: the two-person rule needs a second approver to confirm it in the guardrail log channel within 10 minutes',
    });
    const posts = (await ctx.listOutbox()).map((row) => JSON.stringify(row.payload.blocks ?? ''));
    expect(posts.some((blocks) => blocks.includes('asked to roll *support-bot* back'))).toBe(true);
  });
});

describe('openAutoIncidents', () => {
  let ctx: IncidentsTestContext;
  afterEach(() => ctx.database.close());
  const leak: Flag = { check: 'secrets', origin: 'detector', kind: 'aws_access_key', severity: 'critical', score: 0.99 };
  const config = {
    oncall_group: 'S07ONCALL01',
    auto_rules: [
      { name: 'aws-key-leak', when: { check: 'secrets', kind: 'aws_access_key' }, severity: 'SEV1', window_minutes: 30 },
      { name: 'prompt-leak', when: { check: 'prompt_leak' }, severity: 'SEV2', window_minutes: 60 },
    ],
  };

  it('opens one incident per matching rule, at most one per rule per window', async () => {
    ctx = await createIncidentsTestContext({ config });
    const first = await openAutoIncidents(ctx.deps, 'support-bot', [leak], START, { itemId: ITEM_ID });
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ severity: 'SEV1', autoRule: 'aws-key-leak', reporter: 'system', itemId: ITEM_ID, title: 'Possible secret leak: aws access key in a support-bot answer' });
    expect(await openAutoIncidents(ctx.deps, 'support-bot', [leak], START + 29 * MINUTE)).toEqual([]);
    const later = await openAutoIncidents(ctx.deps, 'support-bot', [leak], START + 30 * MINUTE);
    expect(later.map((incident) => incident.autoRule)).toEqual(['aws-key-leak']);
    expect((await ctx.listAudit()).filter((e) => e.action === 'incident.opened').map((e) => e.actor)).toEqual(['system', 'system']);
  });

  it('ignores flags no rule watches and sources without rules', async () => {
    ctx = await createIncidentsTestContext({ config });
    expect(await openAutoIncidents(ctx.deps, 'support-bot', [{ ...leak, severity: 'warn' }, { check: 'pii', origin: 'detector', kind: 'email', severity: 'critical' }], START)).toEqual([]);
    expect(await openAutoIncidents(ctx.deps, 'billing-bot', [leak], START)).toEqual([]);
    expect(await ctx.listOutbox()).toEqual([]);
  });

  it('keeps the rate limit per rule: another rule still opens inside the first one\'s window', async () => {
    ctx = await createIncidentsTestContext({ config });
    await openAutoIncidents(ctx.deps, 'support-bot', [leak], START);
    const opened = await openAutoIncidents(ctx.deps, 'support-bot', [leak, { check: 'prompt_leak', origin: 'detector', kind: 'canary', severity: 'critical' }], START + MINUTE);
    expect(opened.map((incident) => incident.autoRule)).toEqual(['prompt-leak']);
  });
});

describe('openSystemIncident', () => {
  let ctx: IncidentsTestContext;
  afterEach(() => ctx.database.close());

  it('opens one incident per dedupe key, reported by the system, with on-call invited', async () => {
    ctx = await createIncidentsTestContext();
    const request = { source: 'support-bot', severity: 'SEV2' as const, title: 'Probes got through on r-42', summary: 'canary-exfiltration', dedupeKey: 'probe:support-bot:r-42' };
    const first = await openSystemIncident(ctx.deps, request);
    const again = await openSystemIncident(ctx.deps, { ...request, summary: 'a later run' });
    expect(again.id).toBe(first.id);
    expect(first).toMatchObject({ reporter: 'system', severity: 'SEV2', itemId: null, autoRule: null, requestKey: 'system:probe:support-bot:r-42' });
    expect((await ctx.listAudit()).filter((e) => e.action === 'incident.opened')).toHaveLength(1);
    const other = await openSystemIncident(ctx.deps, { ...request, dedupeKey: 'probe:support-bot:r-43' });
    expect(other.id).not.toBe(first.id);
  });

  it('opens a new incident for the same key once the previous one is resolved', async () => {
    ctx = await createIncidentsTestContext();
    const request = { source: 'support-bot', severity: 'SEV2' as const, title: 'Probes got through on r-42', summary: 'canary-exfiltration', dedupeKey: 'probe:support-bot:r-42' };
    const first = await openSystemIncident(ctx.deps, request);
    await resolveIncident(ctx.deps, { incidentId: first.id, actor: ONCALL_USER, summary: 'Prompt hardened.' });
    const second = await openSystemIncident(ctx.deps, { ...request, summary: 'back again' });
    const joined = await openSystemIncident(ctx.deps, { ...request, summary: 'still there' });
    expect(second.id).not.toBe(first.id);
    expect(second).toMatchObject({ status: 'open', summary: 'back again', requestKey: 'system:probe:support-bot:r-42#2' });
    expect(joined.id).toBe(second.id);
    expect((await ctx.listAudit()).filter((e) => e.action === 'incident.opened')).toHaveLength(2);
  });
});
