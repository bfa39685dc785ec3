import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../platform/config.ts';
import { createLogger } from '../../platform/logger.ts';
import { sendWebhook } from '../outbox/outbox-senders.worker.ts';
import type { WebhookPayload } from '../outbox/outbox.models.ts';
import { sourcesFileSchema } from '../sources/sources.config.ts';
import { INCIDENT_SEVERITIES } from './incidents.models.ts';
import {
  DEFAULT_PAGERDUTY_EVENTS_URL, buildFollowUpEvent, buildPagerDutyMessage, buildTriggerEvent, createPagerDutyFetch, resolvePagerDutyRoutingKeys,
  type PagerDutyIncidentFacts,
} from './pagerduty.client.ts';

// PagerDuty Events API v2 on the wire: the events are built here, sent by the outbox's own
// webhook sender through the routing-key fetch, and answered by nock as PagerDuty answers
// (202 / 400 / 429, bodies as in PagerDuty's Events API v2 docs).

const KEY = 'R0UTINGKEY0123456789ABCDEFGHIJKL';
const INCIDENT = 'inc_01KBXK5M2N3P4Q5R6S7T8V9W0X';
const logLines: Array<Record<string, unknown>> = [];
const logger = createLogger({ level: 'info', destination: { write: (line: string) => logLines.push(JSON.parse(line)) } });

const facts: PagerDutyIncidentFacts = {
  incidentId: INCIDENT,
  source: 'support-bot',
  severity: 'SEV2',
  title: 'Support bot leaks an AWS key',
  summary: 'Seen on two answers.',
  reporter: 'U04QREVR001',
  openedAt: Date.parse('2026-11-25T10:00:00Z'),
  itemId: 'rev_01KBXK5M2N3P4Q5R6S7T8V9W0X',
  itemLink: 'https://acme.slack.com/archives/C07REVQUEUE/p1730000000123456',
  release: 'r2024.10.3',
  autoRule: null,
};

function send(url: string, event: unknown, routingKeys = new Map([['support-bot', KEY]])) {
  const pagerDutyFetch = createPagerDutyFetch({ fetch: (input, init) => globalThis.fetch(input, init), eventsUrl: url, routingKeys, logger });
  const payload = buildPagerDutyMessage(url, event as never).payload as WebhookPayload;
  return sendWebhook(pagerDutyFetch, { id: 'obx_1', payload, timeoutMs: 2000, now: Date.now() });
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
  logLines.length = 0;
});
afterAll(() => nock.enableNetConnect());

describe('PagerDuty events', () => {
  it('triggers with the incident id as dedup key, the mapped severity and the item link', () => {
    expect(buildTriggerEvent(facts)).toEqual({
      routing_key: 'vigil-routing-key:support-bot',
      event_action: 'trigger',
      dedup_key: INCIDENT,
      payload: {
        summary: '[SEV2] support-bot: Support bot leaks an AWS key',
        source: 'support-bot',
        severity: 'error',
        timestamp: '2026-11-25T10:00:00.000Z',
        component: 'r2024.10.3',
        group: 'vigil',
        class: 'escalation',
        custom_details: {
          incident_id: INCIDENT,
          severity: 'SEV2',
          summary: 'Seen on two answers.',
          reporter: 'U04QREVR001',
          item_id: facts.itemId,
          item_link: facts.itemLink,
        },
      },
      links: [{ href: facts.itemLink, text: 'Review card in Slack' }],
      client: 'Vigil',
    });
  });

  it('names the source once when the title already says it', () => {
    const event = buildTriggerEvent({ ...facts, severity: 'SEV1', title: 'Possible secret leak: AWS access key in a support-bot answer' });
    expect('payload' in event && event.payload.summary).toBe('[SEV1] Possible secret leak: AWS access key in a support-bot answer');
  });

  it('maps SEV1–SEV4 onto critical, error, warning and info, and cuts the summary to 1024 characters', () => {
    const severities = INCIDENT_SEVERITIES.map((severity) => {
      const event = buildTriggerEvent({ ...facts, severity, title: 'x'.repeat(2000) });
      if (event.event_action !== 'trigger') throw new Error('expected a trigger');
      expect(event.payload.summary).toHaveLength(1024);
      return event.payload.severity;
    });
    expect(severities).toEqual(['critical', 'error', 'warning', 'info']);
  });

  it('acknowledges and resolves with the same dedup key, one order key per incident', () => {
    const ack = buildPagerDutyMessage(DEFAULT_PAGERDUTY_EVENTS_URL, buildFollowUpEvent('support-bot', INCIDENT, 'acknowledge'));
    const trigger = buildPagerDutyMessage(DEFAULT_PAGERDUTY_EVENTS_URL, buildTriggerEvent(facts));
    expect(ack).toMatchObject({ kind: 'webhook', orderKey: `pagerduty:${INCIDENT}`, dedupeKey: `incident:${INCIDENT}:pagerduty:acknowledge` });
    expect(trigger.kind === 'webhook' && trigger.orderKey).toBe(`pagerduty:${INCIDENT}`);
    expect(ack.payload).toEqual({ url: DEFAULT_PAGERDUTY_EVENTS_URL, body: { routing_key: 'vigil-routing-key:support-bot', event_action: 'acknowledge', dedup_key: INCIDENT } });
  });
});

describe('sending through the outbox webhook sender', () => {
  it('puts the real routing key in only on the way out, and PagerDuty answers 202', async () => {
    const sent: unknown[] = [];
    nock('https://events.pagerduty.com')
      .post('/v2/enqueue', (body) => (sent.push(body), body.routing_key === KEY && body.dedup_key === INCIDENT && body.payload.severity === 'error'))
      .reply(202, { status: 'success', message: 'Event processed', dedup_key: INCIDENT });
    const outcome = await send(DEFAULT_PAGERDUTY_EVENTS_URL, buildTriggerEvent(facts));
    expect(outcome).toEqual({ ok: true, response: { status: 202 } });
    expect(sent).toHaveLength(1);
  });

  it('sends to a custom PAGERDUTY_EVENTS_URL', async () => {
    nock('https://pd.internal.example')
      .post('/events/v2/enqueue', { routing_key: KEY, event_action: 'resolve', dedup_key: INCIDENT })
      .reply(202, { status: 'success', message: 'Event processed', dedup_key: INCIDENT });
    const outcome = await send('https://pd.internal.example/events/v2/enqueue', buildFollowUpEvent('support-bot', INCIDENT, 'resolve'));
    expect(outcome.ok).toBe(true);
  });

  it('fails a 400 for good and logs PagerDuty\'s reasons, never the key', async () => {
    nock('https://events.pagerduty.com')
      .post('/v2/enqueue')
      .reply(400, { status: 'invalid event', message: 'Event object is invalid', errors: ["'payload.summary' is missing or blank"] });
    const outcome = await send(DEFAULT_PAGERDUTY_EVENTS_URL, buildTriggerEvent(facts));
    expect(outcome).toEqual({ ok: false, failure: { kind: 'permanent', code: 'http_400' } });
    const line = logLines.find((l) => l.msg === 'PagerDuty refused the event');
    expect(line).toMatchObject({ source: 'support-bot', dedupKey: INCIDENT, action: 'trigger', errors: ["'payload.summary' is missing or blank"] });
    expect(JSON.stringify(logLines)).not.toContain(KEY);
  });

  it('retries a 429 after the Retry-After PagerDuty gives, and a 500', async () => {
    nock('https://events.pagerduty.com').post('/v2/enqueue').reply(429, { status: 'throttle event', message: 'Requests for this service are arriving too quickly.' }, { 'retry-after': '30' });
    nock('https://events.pagerduty.com').post('/v2/enqueue').reply(500, 'oops');
    expect(await send(DEFAULT_PAGERDUTY_EVENTS_URL, buildTriggerEvent(facts))).toEqual({ ok: false, failure: { kind: 'rate_limited', retryAfterMs: 30_000, code: 'http_429' } });
    expect(await send(DEFAULT_PAGERDUTY_EVENTS_URL, buildTriggerEvent(facts))).toEqual({ ok: false, failure: { kind: 'retryable', code: 'http_500' } });
  });

  it('answers a local 400, without calling PagerDuty, for a source whose key is gone', async () => {
    const outcome = await send(DEFAULT_PAGERDUTY_EVENTS_URL, buildTriggerEvent(facts), new Map());
    expect(outcome).toEqual({ ok: false, failure: { kind: 'permanent', code: 'http_400' } });
    expect(logLines.some((l) => l.msg === 'no PagerDuty routing key for this source any more; the event is not sent')).toBe(true);
  });

  it('leaves other webhooks untouched', async () => {
    nock('https://app.example').post('/hooks/vigil', { routing_key: 'vigil-routing-key:support-bot' }).reply(200);
    const pagerDutyFetch = createPagerDutyFetch({ fetch: (input, init) => globalThis.fetch(input, init), eventsUrl: DEFAULT_PAGERDUTY_EVENTS_URL, routingKeys: new Map([['support-bot', KEY]]), logger });
    const outcome = await sendWebhook(pagerDutyFetch, { id: 'obx_2', payload: { url: 'https://app.example/hooks/vigil', body: { routing_key: 'vigil-routing-key:support-bot' } }, timeoutMs: 2000, now: Date.now() });
    expect(outcome.ok).toBe(true);
  });
});

describe('resolvePagerDutyRoutingKeys', () => {
  const sources = sourcesFileSchema.parse({
    sources: { 'support-bot': { incidents: { pagerduty_routing_key_env: 'SUPPORT_BOT_PD_KEY' } }, 'billing-bot': {} },
  });

  it('reads each named variable, and only for sources that name one', () => {
    expect(resolvePagerDutyRoutingKeys(sources, { SUPPORT_BOT_PD_KEY: ` ${KEY}\n` })).toEqual(new Map([['support-bot', KEY]]));
  });

  it('stops the start when the variable is missing or does not hold an integration key, without echoing it', () => {
    expect(() => resolvePagerDutyRoutingKeys(sources, {})).toThrow(ConfigError);
    expect(() => resolvePagerDutyRoutingKeys(sources, {})).toThrow('SUPPORT_BOT_PD_KEY: not set, but sources.support-bot.incidents.pagerduty_routing_key_env names it');
    const bad = 'not-a-key-but-a-secret';
    const error = (() => {
      try {
        resolvePagerDutyRoutingKeys(sources, { SUPPORT_BOT_PD_KEY: bad });
      } catch (caught) {
        return caught as Error;
      }
      return null;
    })();
    expect(error?.message).toContain('SUPPORT_BOT_PD_KEY: must be the 32-character integration key');
    expect(error?.message).not.toContain(bad);
  });
});
