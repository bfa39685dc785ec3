import { afterEach, describe, expect, it } from 'vitest';
import type { OutboxRow } from '../outbox/outbox.table.ts';
import { handleChannelCreated, handleChannelFailed, handleMessagePosted, handlePagerDutyDelivered, handlePagerDutyFailed } from './incidents-setup.usecases.ts';
import { escalate, prepareEscalation } from './incidents.usecases.ts';
import {
  GROUP_MEMBER, ITEM_ID, ONCALL_USER, PD_URL, REPORTER, SECRET, START, createIncidentsTestContext, type IncidentsTestContext,
} from './incidents.test-utils.ts';

const CHANNEL = 'C0INCIDENT1';
const request = { source: 'support-bot', itemId: ITEM_ID, severity: 'SEV2' as const, title: 'AWS key leaked in answers', summary: 'Two answers so far.', reporter: REPORTER };

describe('escalate', () => {
  let ctx: IncidentsTestContext;
  afterEach(() => ctx.database.close());

  it('records the incident, its first timeline row and audit entry, and queues the channel and the page together', async () => {
    ctx = await createIncidentsTestContext();
    const incident = await escalate(ctx.deps, request);
    expect(incident).toMatchObject({
      source: 'support-bot',
      severity: 'SEV2',
      status: 'open',
      reporter: REPORTER,
      itemId: ITEM_ID,
      // 10:00 UTC is 11:00 in Paris, same day.
      channelName: 'inc-20261125-aws-key-leaked-in-answers',
      paging: 'pagerduty',
      pagerdutyDedupKey: incident.id,
      cardChannel: 'C07REVQUEUE',
      cardTs: '1730000000.123456',
      itemLink: 'https://acme.slack.com/archives/C07REVQUEUE/p1730000000123456',
      openedAt: START,
    });
    expect(incident.id).toMatch(/^inc_[0-9A-Z]{26}$/);
    expect(incident.invitees).toEqual([REPORTER, ONCALL_USER, GROUP_MEMBER]);
    expect((await ctx.deps.repository.listTimeline(incident.id)).map((e) => [e.kind, e.actor, e.text])).toEqual([['opened', REPORTER, 'AWS key leaked in answers']]);
    expect((await ctx.listAudit()).map((e) => [e.action, e.actor, e.subjectId])).toEqual([['incident.opened', `slack:${REPORTER}`, incident.id]]);

    const [trigger, create] = await ctx.listOutbox();
    expect(create).toMatchObject({ kind: 'slack', method: 'conversations.create', payload: { name: incident.channelName, is_private: false }, purposeRef: incident.id });
    expect(incident.channelOutboxId).toBe(create?.id);
    expect(trigger).toMatchObject({ kind: 'webhook', orderKey: `pagerduty:${incident.id}`, payload: { url: PD_URL } });
    const body = trigger?.payload.body as { routing_key: string; dedup_key: string; payload: { severity: string; custom_details: Record<string, unknown> } };
    expect(body.routing_key).toBe('vigil-routing-key:support-bot');
    expect(body.dedup_key).toBe(incident.id);
    expect(body.payload.severity).toBe('error');
    expect(body.payload.custom_details.item_link).toBe(incident.itemLink);
    expect(JSON.stringify(trigger)).not.toContain(SECRET);
    expect(ctx.notified.count).toBe(1);
  });

  it('refuses someone who is not a reviewer of the source, and writes nothing', async () => {
    ctx = await createIncidentsTestContext();
    await expect(escalate(ctx.deps, { ...request, reporter: 'U0STRANGER1' })).rejects.toMatchObject({ code: 'incident.not_allowed', statusCode: 403 });
    expect(await ctx.listOutbox()).toEqual([]);
    expect(await ctx.listAudit()).toEqual([]);
  });

  it('refuses an item of another source, an unknown source and an empty title', async () => {
    ctx = await createIncidentsTestContext();
    await expect(escalate(ctx.deps, { ...request, source: 'billing-bot' })).rejects.toMatchObject({ code: 'incident.evidence_not_found' });
    await expect(escalate(ctx.deps, { ...request, source: 'nope' })).rejects.toMatchObject({ code: 'incident.unknown_source' });
    await expect(escalate(ctx.deps, { ...request, title: '   ' })).rejects.toMatchObject({ code: 'incident.invalid_payload' });
  });

  it('returns the first incident when the same request is submitted twice', async () => {
    ctx = await createIncidentsTestContext();
    const first = await escalate(ctx.deps, { ...request, requestKey: 'slack-view:V1' });
    const again = await escalate(ctx.deps, { ...request, requestKey: 'slack-view:V1' });
    expect(again.id).toBe(first.id);
    expect(await ctx.listOutbox()).toHaveLength(2);
  });

  it('gives a second incident with the same title on the same day the next channel name', async () => {
    ctx = await createIncidentsTestContext();
    const first = await escalate(ctx.deps, request);
    const second = await escalate(ctx.deps, request);
    expect([first.channelName, second.channelName]).toEqual(['inc-20261125-aws-key-leaked-in-answers', 'inc-20261125-aws-key-leaked-in-answers-2']);
  });

  it('mentions on-call in Slack when the source has no PagerDuty key, and says so when nobody is on call', async () => {
    ctx = await createIncidentsTestContext({ config: { oncall_group: 'S07ONCALL01' } });
    expect((await escalate(ctx.deps, request)).paging).toBe('slack');
    expect((await ctx.listOutbox()).map((row) => row.kind)).toEqual(['slack']);
    await ctx.database.close();
    ctx = await createIncidentsTestContext({ config: {} });
    const alone = await escalate(ctx.deps, request);
    expect(alone.paging).toBe('none');
    expect((await ctx.deps.repository.listTimeline(alone.id)).map((e) => e.kind)).toEqual(['opened', 'page_failed']);
  });
});

describe('the channel set-up driven by outbox deliveries', () => {
  let ctx: IncidentsTestContext;
  afterEach(() => ctx.database.close());

  const rowOf = async (ctx: IncidentsTestContext, id: string | null) => (await ctx.listOutbox()).find((row) => row.id === id) as OutboxRow;

  it('once the channel exists, invites people, posts the incident message first, its redacted evidence in its thread, and links back from the card', async () => {
    ctx = await createIncidentsTestContext();
    const incident = await escalate(ctx.deps, request);
    const before = (await ctx.listOutbox()).length;
    await handleChannelCreated(ctx.deps, incident.id, { channel: { id: CHANNEL, name: incident.channelName } });
    await handleChannelCreated(ctx.deps, incident.id, { channel: { id: CHANNEL, name: incident.channelName } });
    const added = (await ctx.listOutbox()).slice(before);
    expect(added.map((row) => [row.method, row.payload.channel, row.orderKey])).toEqual([
      ['conversations.invite', CHANNEL, `slack:${CHANNEL}`],
      ['chat.postMessage', CHANNEL, `slack:${CHANNEL}`],
      ['chat.postMessage', 'C07REVQUEUE', 'slack:C07REVQUEUE'],
    ]);
    const [invite, message, linkBack] = added;
    expect(invite?.payload).toEqual({ channel: CHANNEL, users: `${REPORTER},${ONCALL_USER},${GROUP_MEMBER}`, force: true });
    expect(message?.payload.text).toBe('SEV2 incident (open) on support-bot: AWS key leaked in answers');
    expect(linkBack?.payload).toMatchObject({ thread_ts: '1730000000.123456' });
    expect(JSON.stringify(linkBack?.payload)).toContain(`<#${CHANNEL}>`);
    const stored = await ctx.deps.repository.findIncident(incident.id);
    expect(stored).toMatchObject({ channelId: CHANNEL, messageOutboxId: message?.id });

    const afterSetup = (await ctx.listOutbox()).length;
    await handleMessagePosted(ctx.deps, incident.id, { channel: CHANNEL, ts: '1730000009.000100' });
    await handleMessagePosted(ctx.deps, incident.id, { channel: CHANNEL, ts: '1730000009.000100' });
    expect((await ctx.deps.repository.findIncident(incident.id))?.messageTs).toBe('1730000009.000100');
    const [evidence, ...more] = (await ctx.listOutbox()).slice(afterSetup);
    expect(more).toEqual([]);
    expect(evidence?.payload).toMatchObject({ channel: CHANNEL, thread_ts: '1730000009.000100' });
    expect(JSON.stringify(evidence?.payload)).toContain('[redacted aws_access_key]');
    expect(JSON.stringify(await ctx.listOutbox())).not.toContain(SECRET);
    expect((await ctx.deps.repository.listTimeline(incident.id)).map((e) => e.kind)).toEqual(['opened', 'channel_created']);
  });

  it('tries the next name when Slack says the name is taken, and reports any other refusal in the card thread', async () => {
    ctx = await createIncidentsTestContext({ config: { oncall_group: 'S07ONCALL01' } });
    const incident = await escalate(ctx.deps, request);
    await handleChannelFailed(ctx.deps, await rowOf(ctx, incident.channelOutboxId), { code: 'name_taken', message: 'name_taken' });
    const renamed = (await ctx.deps.repository.findIncident(incident.id))!;
    expect(renamed).toMatchObject({ channelName: 'inc-20261125-aws-key-leaked-in-answers-2', channelAttempt: 1 });
    expect(await rowOf(ctx, renamed.channelOutboxId)).toMatchObject({ method: 'conversations.create', payload: { name: renamed.channelName } });
    // A late failure of the first attempt changes nothing.
    await handleChannelFailed(ctx.deps, await rowOf(ctx, incident.channelOutboxId), { code: 'name_taken', message: 'name_taken' });
    expect((await ctx.deps.repository.findIncident(incident.id))?.channelAttempt).toBe(1);

    await handleChannelFailed(ctx.deps, await rowOf(ctx, renamed.channelOutboxId), { code: 'restricted_action', message: 'restricted_action' });
    expect((await ctx.deps.repository.findIncident(incident.id))?.channelError).toBe('restricted_action');
    const notice = (await ctx.listOutbox()).at(-1)!;
    expect(notice.payload).toMatchObject({ channel: 'C07REVQUEUE', thread_ts: '1730000000.123456' });
    expect(JSON.stringify(notice.payload)).toContain('<!subteam^S07ONCALL01>');
    expect((await ctx.deps.repository.listTimeline(incident.id)).map((e) => e.kind)).toEqual(['opened', 'channel_name_taken', 'channel_failed']);
  });

  it('records the page once PagerDuty took it, and falls back to a Slack mention when PagerDuty refuses it', async () => {
    ctx = await createIncidentsTestContext();
    const incident = await escalate(ctx.deps, request);
    const trigger = (await ctx.listOutbox()).find((row) => row.kind === 'webhook')!;
    await handlePagerDutyDelivered(ctx.deps, trigger);
    await handlePagerDutyDelivered(ctx.deps, trigger);
    expect((await ctx.deps.repository.listTimeline(incident.id)).map((e) => e.text)).toEqual(['AWS key leaked in answers', 'PagerDuty accepted the page.']);

    const other = await escalate(ctx.deps, { ...request, title: 'Second' });
    await handleChannelCreated(ctx.deps, other.id, { channel: { id: 'C0INCIDENT2', name: other.channelName } });
    const otherTrigger = (await ctx.listOutbox()).find((row) => row.kind === 'webhook' && row.purposeRef === `${other.id}:trigger`)!;
    await handlePagerDutyFailed(ctx.deps, otherTrigger, { code: 'http_400', message: 'http_400' });
    expect((await ctx.deps.repository.findIncident(other.id))?.paging).toBe('slack');
    const mention = (await ctx.listOutbox()).at(-1)!;
    expect(mention.payload.channel).toBe('C0INCIDENT2');
    expect(JSON.stringify(mention.payload)).toContain(`<!subteam^S07ONCALL01> <@${ONCALL_USER}>`);
    expect((await ctx.deps.repository.listTimeline(other.id)).map((e) => e.kind)).toEqual(['opened', 'channel_created', 'page_failed', 'paged']);
  });
});

describe('prepareEscalation', () => {
  let ctx: IncidentsTestContext;
  afterEach(() => ctx.database.close());

  it('prefills from the item for a reviewer, and refuses anyone else before a modal opens', async () => {
    ctx = await createIncidentsTestContext();
    const prefill = await prepareEscalation(ctx.deps, { userId: REPORTER, itemId: ITEM_ID, channel: 'C07REVQUEUE' });
    // The item's strongest flag is a critical secret: the page starts at SEV1.
    expect(prefill).toMatchObject({ source: 'support-bot', itemId: ITEM_ID, channel: 'C07REVQUEUE', severity: 'SEV1' });
    expect(JSON.stringify(prefill)).not.toContain(SECRET);
    await expect(prepareEscalation(ctx.deps, { userId: 'U0STRANGER1', itemId: ITEM_ID })).rejects.toMatchObject({ code: 'incident.not_allowed' });
    await expect(prepareEscalation(ctx.deps, { userId: REPORTER, itemId: 'rev_missing' })).rejects.toThrow('Review item rev_missing does not exist.');
  });

  it('offers the sources the user reviews when there is no item', async () => {
    ctx = await createIncidentsTestContext();
    ctx.deps.isReviewer = async (source, userId) => source === 'billing-bot' && userId === REPORTER;
    expect(await prepareEscalation(ctx.deps, { userId: REPORTER })).toEqual({ sources: ['billing-bot'] });
    await expect(prepareEscalation(ctx.deps, { userId: 'U0STRANGER1' })).rejects.toThrow('Only reviewers of a source can escalate an incident.');
  });
});
