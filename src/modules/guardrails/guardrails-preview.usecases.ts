import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { DetectorName } from '../checks/checks.models.ts';
import { compileBlocklist, validateBlocklistPattern } from '../checks/detectors/blocklist.detector.ts';
import { buildFieldViews } from '../checks/views.models.ts';
import type { GuardrailCardsRepository } from './guardrail-cards.repository.ts';
import { collectSensitiveSpans, DAY_MS, excerptAround, PREVIEW_DAYS, type PatternPreview } from './guardrail-proposals.models.ts';

// What a proposed change would have done to the source's last 7 days of traffic. The scan
// reads pages of events and yields to the event loop between them: the process also answers
// /v1/check (p99 ≤ 2 ms), which a second-long synchronous scan would stall. It stops at a
// count and a time budget, so the modal still opens inside its trigger_id's 3 seconds.

export const PREVIEW_MAX_EVENTS = 20_000;
export const PREVIEW_BUDGET_MS = 800;
const PAGE_SIZE = 250;
const SAMPLES = 3;

export interface TrafficPreview {
  /** The pattern's preview, or why the pattern cannot be used; null without a pattern. */
  pattern: { ok: true; preview: PatternPreview } | { ok: false; reason: string } | null;
  /** How many scanned events each of the given detectors fired on. */
  detectorCounts: Map<DetectorName, number>;
}

export async function previewTraffic(
  cards: Pick<GuardrailCardsRepository, 'listRecentEvents'>,
  request: { source: string; now: number; pattern: string | null; detectors: readonly DetectorName[]; budgetMs?: number; maxEvents?: number },
): Promise<TrafficPreview> {
  const detectorCounts = new Map(request.detectors.map((name) => [name, 0]));
  const verdict = request.pattern === null ? null : validateBlocklistPattern(request.pattern);
  const compiled = request.pattern && verdict?.ok ? compileBlocklist({ patterns: [request.pattern], fields: ['output'], timeoutMs: 20 }) : null;
  const preview: PatternPreview = { pattern: request.pattern ?? '', scanned: 0, matched: 0, partial: false, samples: [] };
  const deadline = performance.now() + (request.budgetMs ?? PREVIEW_BUDGET_MS);
  const maxEvents = request.maxEvents ?? PREVIEW_MAX_EVENTS;
  const since = request.now - PREVIEW_DAYS * DAY_MS;
  let cursor: { occurredAt: number; seq: number } | undefined;
  for (;;) {
    const want = Math.min(PAGE_SIZE, maxEvents - preview.scanned);
    const page = await cards.listRecentEvents(request.source, since, want, cursor);
    for (const event of page) {
      preview.scanned++;
      for (const name of new Set(event.detections.map((d) => d.detector as DetectorName))) {
        if (detectorCounts.has(name)) detectorCounts.set(name, (detectorCounts.get(name) ?? 0) + 1);
      }
      const match = compiled?.detect([buildFieldViews('output', event.output)]).find((d) => d.kind === 'pattern');
      if (!match) continue;
      preview.matched++;
      if (preview.samples.length < SAMPLES) {
        preview.samples.push({ occurredAt: event.occurredAt, excerpt: excerptAround(event.output, collectSensitiveSpans(event.detections), match.start, match.end) });
      }
    }
    const last = page.at(-1);
    if (!last || page.length < want) break;
    // More events may be left: the counts cover the most recent ones only.
    if (preview.scanned >= maxEvents || performance.now() > deadline) {
      preview.partial = true;
      break;
    }
    cursor = { occurredAt: last.occurredAt, seq: last.seq };
    await yieldToLoop();
  }
  const pattern = verdict === null ? null : verdict.ok ? { ok: true as const, preview } : verdict;
  return { pattern, detectorCounts };
}
