import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../../shared/random.ts';
import { createPlainCheckBodyReader } from './guardrails-check.schemas.ts';
import { checkBodySchema, MAX_CHECK_TEXT_CHARS } from './guardrails.schemas.ts';

// The zod-free reader of /v1/check bodies may only ever agree with checkBodySchema: every body
// it accepts, zod accepts with the same data. What it turns down goes to zod, which decides.

const VALID_BODIES: unknown[] = [
  { source: 'support-bot', output: 'Hello!' },
  { source: 'support-bot', input: 'Where is my order?', output: 'It left on Monday.', scores: { brand: 0.2, tone: 0.1 } },
  { source: 'a', input: null, output: '', scores: {} },
  { source: 'billing_bot-2', output: 'x'.repeat(MAX_CHECK_TEXT_CHARS), scores: { 'grader-1': 0, grader_2: 1 } },
  { source: 'support-bot', input: 'ünïcødé → 😀', output: 'Ｆｕｌｌ ｗｉｄｔｈ' },
];

/** Ways to spoil a valid body, each one a value zod must judge. */
const SPOILERS: Array<(body: Record<string, unknown>) => unknown> = [
  (body) => ({ ...body, extra: 1 }),
  (body) => ({ ...body, source: 'Support-Bot' }),
  (body) => ({ ...body, source: '-bot' }),
  (body) => ({ ...body, source: 'x'.repeat(65) }),
  (body) => ({ ...body, source: 7 }),
  ({ source: _source, ...body }) => body,
  ({ output: _output, ...body }) => body,
  (body) => ({ ...body, output: null }),
  (body) => ({ ...body, output: 'x'.repeat(MAX_CHECK_TEXT_CHARS + 1) }),
  (body) => ({ ...body, input: 42 }),
  (body) => ({ ...body, input: 'x'.repeat(MAX_CHECK_TEXT_CHARS + 1) }),
  (body) => ({ ...body, scores: null }),
  (body) => ({ ...body, scores: [0.5] }),
  (body) => ({ ...body, scores: { brand: 1.01 } }),
  (body) => ({ ...body, scores: { brand: -0.01 } }),
  (body) => ({ ...body, scores: { brand: '0.5' } }),
  (body) => ({ ...body, scores: { Brand: 0.5 } }),
  (body) => ({ ...body, scores: { '': 0.5 } }),
  (body) => ({ ...body, scores: { brand: Number.NaN } }),
  (body) => ({ ...body, scores: Object.assign(Object.create(null) as object, { brand: 0.5 }) }),
  () => [],
  () => null,
  () => 'support-bot',
];

describe('plain /v1/check body reader', () => {
  it('takes the valid bodies as they are, exactly as checkBodySchema parses them', () => {
    const read = createPlainCheckBodyReader();
    for (const body of VALID_BODIES) {
      expect(read(body)).toBe(body);
      expect(checkBodySchema.parse(body)).toEqual(body);
    }
  });

  it('turns down every spoiled body, and accepts nothing zod refuses or reads differently', () => {
    const read = createPlainCheckBodyReader();
    const rng = createSeededRandom(7);
    for (let i = 0; i < 500; i++) {
      const base = VALID_BODIES[Math.floor(rng() * VALID_BODIES.length)] as Record<string, unknown>;
      let body: unknown = base;
      for (let spoils = 1 + Math.floor(rng() * 2); spoils > 0; spoils--) {
        body = SPOILERS[Math.floor(rng() * SPOILERS.length)]!((body ?? {}) as Record<string, unknown>);
      }
      const zod = checkBodySchema.safeParse(body);
      const fast = read(body);
      if (fast !== undefined) expect(zod).toEqual({ success: true, data: fast });
      if (!zod.success) expect(fast).toBeUndefined();
    }
    for (const spoil of SPOILERS) expect(read(spoil(VALID_BODIES[1] as Record<string, unknown>))).toBeUndefined();
  });

  it('judges grader names as graderNameSchema does, the first time and when it has seen them', () => {
    const read = createPlainCheckBodyReader();
    for (let i = 0; i < 2; i++) {
      expect(read({ source: 'support-bot', output: 'ok', scores: { brand: 0.5 } })).toBeDefined();
      expect(read({ source: 'support-bot', output: 'ok', scores: { 'Not A Grader': 0.6 } })).toBeUndefined();
    }
  });
});
