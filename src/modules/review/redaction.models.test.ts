import { describe, expect, it } from 'vitest';
import { mergeRedactionSpans, redactText } from './redaction.models.ts';

describe('redactText', () => {
  it('replaces each span with its kind', () => {
    const text = 'mail dana@example.com key AKIAIOSFODNN7EXAMPLE end';
    const spans = [
      { start: 5, end: 21, kind: 'email' },
      { start: 26, end: 46, kind: 'aws_access_key' },
    ];
    expect(redactText(text, spans)).toBe('mail [redacted email] key [redacted aws_access_key] end');
  });

  it('merges overlapping spans into one replacement named after the earliest', () => {
    expect(redactText('0123456789', [{ start: 4, end: 8, kind: 'b' }, { start: 2, end: 5, kind: 'a' }])).toBe('01[redacted a]89');
  });

  it('keeps adjacent spans separate', () => {
    expect(redactText('abcdef', [{ start: 0, end: 3, kind: 'x' }, { start: 3, end: 6, kind: 'y' }])).toBe('[redacted x][redacted y]');
  });

  it('clamps spans to the text and ignores empty ones', () => {
    expect(redactText('secret', [{ start: -3, end: 99, kind: 's' }, { start: 2, end: 2, kind: 'z' }])).toBe('[redacted s]');
  });

  it('returns the text unchanged without spans', () => {
    expect(redactText('hello', [])).toBe('hello');
  });
});

describe('mergeRedactionSpans', () => {
  it('sorts, merges and does not mutate its input', () => {
    const spans = [{ start: 6, end: 9, kind: 'c' }, { start: 0, end: 2, kind: 'a' }, { start: 1, end: 4, kind: 'b' }];
    expect(mergeRedactionSpans(spans, 10)).toEqual([{ start: 0, end: 4, kind: 'a' }, { start: 6, end: 9, kind: 'c' }]);
    expect(spans[2]).toEqual({ start: 1, end: 4, kind: 'b' });
  });
});
