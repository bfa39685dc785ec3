import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Detection } from '../checks/checks.models.ts';
import { eventsTable } from '../ingestion/events.table.ts';
import { sourcesTable } from '../sources/sources.table.ts';
import { DAY_MS } from './guardrail-proposals.models.ts';
import { previewTraffic } from './guardrails-preview.usecases.ts';
import { createGuardrailSlackTestContext, SOURCE, type GuardrailSlackTestContext } from './guardrails-slack.test-utils.ts';

describe('previewTraffic', () => {
  let t: GuardrailSlackTestContext;
  let now: number;

  beforeEach(async () => {
    t = await createGuardrailSlackTestContext();
    now = t.clock.now();
    await t.database.db.insert(sourcesTable).values({ name: SOURCE, createdAt: now, updatedAt: now }).onConflictDoNothing();
  });
  afterEach(() => t.database.close());

  let inserted = 0;
  async function insertEvents(count: number, build: (i: number) => { output: string; occurredAt: number; detections?: Detection[] }) {
    const rows = Array.from({ length: count }, (_, i) => {
      const event = build(i);
      return { id: `e-${++inserted}`, source: SOURCE, output: event.output, occurredAt: event.occurredAt, receivedAt: event.occurredAt, detections: event.detections ?? [] };
    });
    for (let i = 0; i < rows.length; i += 500) await t.database.db.insert(eventsTable).values(rows.slice(i, i + 500));
  }

  const pii = (output: string): Detection[] => {
    const start = output.indexOf('jane@example.com');
    return [{ detector: 'pii', kind: 'email', field: 'output', score: 1, severity: 'warn', start, end: start + 16, evidence: 'j***@example.com' }];
  };

  it('counts matches of the last 7 days across pages, with the three most recent samples redacted', async () => {
    await insertEvents(700, (i) => {
      const output = i % 100 === 0 ? `Write to jane@example.com: refunds are never possible (${i})` : `A polite answer number ${i}`;
      return { output, occurredAt: now - i * 60_000, detections: i % 100 === 0 ? pii(output) : [] };
    });
    await insertEvents(1, () => ({ output: 'refunds are never possible, and this is too old', occurredAt: now - 8 * DAY_MS }));
    const result = await previewTraffic(t.ctx.cards, { source: SOURCE, now, pattern: 'refunds are never', detectors: ['pii', 'secrets'] });
    expect(result.pattern).toMatchObject({ ok: true, preview: { scanned: 700, matched: 7, partial: false } });
    const samples = result.pattern?.ok ? result.pattern.preview.samples : [];
    expect(samples.map((s) => s.occurredAt)).toEqual([now, now - 100 * 60_000, now - 200 * 60_000]);
    expect(samples[1]!.excerpt).toBe('Write to [redacted email]: refunds are never possible (100)');
    expect(result.detectorCounts).toEqual(new Map([['pii', 7], ['secrets', 0]]));
  });

  it('stops at its event cap and says the counts cover only the most recent events', async () => {
    await insertEvents(600, (i) => ({ output: `refund ${i}`, occurredAt: now - (i % 3) * 1000 }));
    const result = await previewTraffic(t.ctx.cards, { source: SOURCE, now, pattern: 'refund', detectors: [], maxEvents: 520 });
    expect(result.pattern).toMatchObject({ ok: true, preview: { scanned: 520, matched: 520, partial: true } });
    // Pages break inside runs of equal times: the (time, seq) cursor neither skips nor repeats an event.
    const all = await previewTraffic(t.ctx.cards, { source: SOURCE, now, pattern: 'refund', detectors: [], maxEvents: 1000 });
    expect(all.pattern).toMatchObject({ ok: true, preview: { scanned: 600, matched: 600, partial: false } });
  });

  it('explains an unusable pattern and still counts the detectors', async () => {
    await insertEvents(3, (i) => ({ output: `Mail jane@example.com ${i}`, occurredAt: now - i, detections: pii(`Mail jane@example.com ${i}`) }));
    const result = await previewTraffic(t.ctx.cards, { source: SOURCE, now, pattern: '(a|ab)+', detectors: ['pii'] });
    expect(result.pattern).toEqual({ ok: false, reason: expect.stringContaining('repeats a group of alternatives') });
    expect(result.detectorCounts.get('pii')).toBe(3);
  });
});
