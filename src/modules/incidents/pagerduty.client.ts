import { z } from 'zod';
import { ConfigError } from '../../platform/config.ts';
import type { Logger } from '../../platform/logger.ts';
import type { OutboxMessageInput } from '../outbox/outbox.models.ts';
import type { SourcesFile } from '../sources/sources.config.ts';
import { PAGERDUTY_SEVERITIES, type IncidentSeverity } from './incidents.models.ts';

// PagerDuty Events API v2 (POST /v2/enqueue): `trigger` opens an alert keyed by dedup_key,
// `acknowledge` and `resolve` with the same key and routing key move it along. Events go
// through the outbox as webhooks, so they are retried (429, 5xx, network) and survive a
// restart, and they share one order key per incident so a resolve never overtakes its
// trigger. The routing key is a secret: the stored body carries a placeholder, and
// `createPagerDutyFetch` puts the key in just before the request leaves the process.

export const DEFAULT_PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';
export const PAGERDUTY_PURPOSE = 'incidents.pagerduty';
const ROUTING_KEY_PLACEHOLDER = 'vigil-routing-key:';

/** Integration keys of services and rulesets are 32 characters (PagerDuty's Events API v2 docs). */
const routingKeySchema = z.string().regex(/^[A-Za-z0-9]{32}$/, 'must be the 32-character integration key of an Events API v2 integration');

const linkSchema = z.strictObject({ href: z.url({ protocol: /^https?$/ }), text: z.string().max(1024).optional() });

export const pagerDutyTriggerSchema = z.strictObject({
  routing_key: z.string().min(1),
  event_action: z.literal('trigger'),
  dedup_key: z.string().min(1).max(255),
  payload: z.strictObject({
    summary: z.string().min(1).max(1024),
    source: z.string().min(1).max(255),
    severity: z.enum(['critical', 'error', 'warning', 'info']),
    timestamp: z.iso.datetime().optional(),
    component: z.string().min(1).max(255).optional(),
    group: z.string().min(1).max(255).optional(),
    class: z.string().min(1).max(255).optional(),
    custom_details: z.record(z.string(), z.unknown()).optional(),
  }),
  links: z.array(linkSchema).max(10).optional(),
  client: z.string().max(255).optional(),
});

export const pagerDutyFollowUpSchema = z.strictObject({
  routing_key: z.string().min(1),
  event_action: z.enum(['acknowledge', 'resolve']),
  dedup_key: z.string().min(1).max(255),
});

export const pagerDutyEventSchema = z.union([pagerDutyTriggerSchema, pagerDutyFollowUpSchema]);
export type PagerDutyEvent = z.infer<typeof pagerDutyEventSchema>;
export type PagerDutyAction = PagerDutyEvent['event_action'];

/** 202: `{ status: 'success', message: 'Event processed', dedup_key }`; 400: `{ status: 'invalid event', message, errors }`. */
export const pagerDutyResponseSchema = z.object({
  status: z.string(),
  message: z.string(),
  dedup_key: z.string().optional(),
  errors: z.array(z.string()).optional(),
});

export interface PagerDutyIncidentFacts {
  incidentId: string;
  source: string;
  severity: IncidentSeverity;
  title: string;
  summary: string;
  reporter: string;
  openedAt: number;
  itemId: string | null;
  itemLink: string | null;
  release: string | null;
  autoRule: string | null;
}

export function routingKeyPlaceholder(source: string): string {
  return `${ROUTING_KEY_PLACEHOLDER}${source}`;
}

const cut = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

export function buildTriggerEvent(facts: PagerDutyIncidentFacts): PagerDutyEvent {
  return pagerDutyTriggerSchema.parse({
    routing_key: routingKeyPlaceholder(facts.source),
    event_action: 'trigger',
    dedup_key: facts.incidentId,
    payload: {
      // The source once: a title in words usually names it already ("… in a support-bot answer").
      summary: cut(`[${facts.severity}] ${facts.title.includes(facts.source) ? facts.title : `${facts.source}: ${facts.title}`}`, 1024),
      source: facts.source,
      severity: PAGERDUTY_SEVERITIES[facts.severity],
      timestamp: new Date(facts.openedAt).toISOString(),
      ...(facts.release ? { component: cut(facts.release, 255) } : {}),
      group: 'vigil',
      class: facts.autoRule ? cut(`auto:${facts.autoRule}`, 255) : 'escalation',
      custom_details: {
        incident_id: facts.incidentId,
        severity: facts.severity,
        summary: cut(facts.summary, 4000),
        reporter: facts.reporter,
        ...(facts.itemId ? { item_id: facts.itemId } : {}),
        ...(facts.itemLink ? { item_link: facts.itemLink } : {}),
        ...(facts.autoRule ? { auto_rule: facts.autoRule } : {}),
      },
    },
    ...(facts.itemLink ? { links: [{ href: facts.itemLink, text: 'Review card in Slack' }] } : {}),
    client: 'Vigil',
  });
}

export function buildFollowUpEvent(source: string, incidentId: string, action: 'acknowledge' | 'resolve'): PagerDutyEvent {
  return pagerDutyFollowUpSchema.parse({ routing_key: routingKeyPlaceholder(source), event_action: action, dedup_key: incidentId });
}

/** The outbox webhook that sends `event`; one order key per incident keeps trigger → acknowledge → resolve in order. */
export function buildPagerDutyMessage(eventsUrl: string, event: PagerDutyEvent): OutboxMessageInput {
  return {
    kind: 'webhook',
    payload: { url: eventsUrl, body: event },
    orderKey: `pagerduty:${event.dedup_key}`,
    dedupeKey: `incident:${event.dedup_key}:pagerduty:${event.event_action}`,
    purpose: PAGERDUTY_PURPOSE,
    purposeRef: `${event.dedup_key}:${event.event_action}`,
  };
}

/**
 * The routing key of every source whose config names one, read from the environment
 * variable it names (the YAML never holds the key). A missing or malformed one stops the start.
 */
export function resolvePagerDutyRoutingKeys(sources: SourcesFile, env: Readonly<Record<string, string | undefined>>): Map<string, string> {
  const keys = new Map<string, string>();
  for (const [source, config] of Object.entries(sources.sources)) {
    const name = config.incidents.pagerduty_routing_key_env;
    if (!name) continue;
    const key = env[name];
    if (!key) throw new ConfigError(`Invalid environment: ${name}: not set, but sources.${source}.incidents.pagerduty_routing_key_env names it`);
    const parsed = routingKeySchema.safeParse(key.trim());
    if (!parsed.success) throw new ConfigError(`Invalid environment: ${name}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    keys.set(source, parsed.data);
  }
  return keys;
}

function readUrl(input: Parameters<typeof fetch>[0]): string {
  return typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
}

/**
 * Wraps the outbox worker's fetch: a POST to the events URL whose body carries a routing-key
 * placeholder leaves with the source's real key. Other requests pass through untouched. A
 * source without a key (its config changed since the event was queued) gets a local 400, a
 * permanent failure, so the incident falls back to a Slack mention instead of retrying.
 * PagerDuty's reasons for a 400 are logged, since the outbox keeps only the status.
 */
export function createPagerDutyFetch(options: { fetch: typeof fetch; eventsUrl: string; routingKeys: ReadonlyMap<string, string>; logger: Logger }): typeof fetch {
  const logger = options.logger.child({ component: 'pagerduty' });
  return async (input, init) => {
    if (readUrl(input) !== options.eventsUrl || typeof init?.body !== 'string') return options.fetch(input, init);
    let event: { routing_key?: unknown; dedup_key?: unknown; event_action?: unknown };
    try {
      event = JSON.parse(init.body) as typeof event;
    } catch {
      return options.fetch(input, init);
    }
    const placeholder = typeof event.routing_key === 'string' && event.routing_key.startsWith(ROUTING_KEY_PLACEHOLDER) ? event.routing_key : null;
    if (placeholder === null) return options.fetch(input, init);
    const source = placeholder.slice(ROUTING_KEY_PLACEHOLDER.length);
    const key = options.routingKeys.get(source);
    const context = { source, dedupKey: event.dedup_key, action: event.event_action };
    if (!key) {
      logger.error(context, 'no PagerDuty routing key for this source any more; the event is not sent');
      return Response.json({ status: 'invalid event', message: 'no routing key configured', errors: [`no routing key for ${source}`] }, { status: 400 });
    }
    const response = await options.fetch(input, { ...init, body: JSON.stringify({ ...event, routing_key: key }) });
    if (response.status === 400) {
      const answer = pagerDutyResponseSchema.safeParse(await response.clone().json().catch(() => null));
      logger.error({ ...context, status: 400, errors: answer.success ? answer.data.errors : undefined }, 'PagerDuty refused the event');
    }
    return response;
  };
}
