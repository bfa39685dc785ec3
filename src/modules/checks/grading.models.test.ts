import { describe, expect, it } from 'vitest';
import { deriveGraderFlags } from './grading.models.ts';

const thresholds: Record<string, number> = { tone: 0.6, brand: 0.5 };
const thresholdOf = (grader: string) => thresholds[grader] ?? 0.5;

describe('deriveGraderFlags', () => {
  it('flags a score at the threshold and leaves one just under it alone', () => {
    const flags = deriveGraderFlags(
      [
        { grader: 'tone', score: 0.6, label: 'violation', reason: 'Sarcastic.', hijacked: false },
        { grader: 'brand', score: 0.49, label: 'ok', reason: 'On brand.', hijacked: false },
      ],
      [],
      thresholdOf,
    );
    expect(flags).toEqual([{ check: 'tone', origin: 'grader', kind: 'violation', severity: 'warn', score: 0.6, reason: 'Sarcastic.' }]);
  });

  it('turns a hijacked judge into a critical flag even when it scored 0', () => {
    const flags = deriveGraderFlags([{ grader: 'tone', score: 0, label: 'ok', reason: 'Fine.', hijacked: true }], [], thresholdOf);
    expect(flags).toEqual([
      expect.objectContaining({ check: 'tone', origin: 'grader', kind: 'judge_hijacked', severity: 'critical' }),
    ]);
    expect(flags[0]).not.toHaveProperty('score');
  });

  it('gathers every missing grading into one grader_unavailable flag, cut to 500 characters', () => {
    const flags = deriveGraderFlags(
      [],
      [
        { grader: 'tone', reason: 'circuit open' },
        { grader: 'brand', reason: 'x'.repeat(600) },
      ],
      thresholdOf,
    );
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({ check: 'grader_unavailable', origin: 'system', severity: 'warn' });
    expect(flags[0]!.reason).toMatch(/^tone: circuit open; brand: x+$/);
    expect(flags[0]!.reason).toHaveLength(500);
  });

  it('raises nothing for clean results and no missing gradings', () => {
    expect(deriveGraderFlags([{ grader: 'tone', score: 0.1, label: 'ok', reason: 'Polite.', hijacked: false }], [], thresholdOf)).toEqual([]);
  });
});
