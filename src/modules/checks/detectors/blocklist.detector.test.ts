import { Script } from 'node:vm';
import { describe, expect, it, vi } from 'vitest';
import { isVigilError } from '../../../platform/errors.ts';
import type { FieldViews, TextField } from '../checks.models.ts';
import { buildFieldViews } from '../views.models.ts';
import { BlocklistPatternError, compileBlocklist, isStraightPattern, MAX_PATTERN_LENGTH, validateBlocklistPattern } from './blocklist.detector.ts';

/** Prints a measured figure in the test output (the figures are part of what these tests report). */
function report(line: string): void {
  process.stdout.write(`${line}\n`);
}

function fieldOf(text: string, field: TextField = 'output'): FieldViews {
  return { field, original: text, views: [{ name: 'original', text, toOriginal: (start, end) => ({ start, end }) }] };
}

function bestOf<T>(runs: number, run: () => T): { millis: number; result: T } {
  let best = { millis: Number.POSITIVE_INFINITY, result: run() };
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const result = run();
    const millis = performance.now() - started;
    if (millis < best.millis) best = { millis, result };
  }
  return best;
}

describe('validateBlocklistPattern', () => {
  it.each([
    ['(a+)+$', /nests quantifiers/],
    ['(.*a){20}', /nests quantifiers/],
    ['([a-z]+)*x', /nests quantifiers/],
    ['(a|ab)+c', /group of alternatives/],
    ['(\\w|\\d)*$', /group of alternatives/],
    ['(x)\\1', /backreference/],
    ['(?<w>x)\\k<w>', /backreference/],
    ['(?<=secret)code', /lookbehind/],
    ['a*b*c*d*e', /4 unbounded repetitions/],
    ['[unclosed', /not a valid regular expression/],
    ['x*', /matches the empty string/],
    ['   ', /empty/],
  ])('rejects %s quickly with a precise reason', (pattern, reason) => {
    const verdict = validateBlocklistPattern(pattern);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.reason).toMatch(reason);
  });

  it('rejects a pattern longer than the limit', () => {
    const verdict = validateBlocklistPattern('a'.repeat(MAX_PATTERN_LENGTH + 1));
    expect(verdict).toEqual({ ok: false, reason: `the pattern is ${MAX_PATTERN_LENGTH + 1} characters long; at most ${MAX_PATTERN_LENGTH} are allowed` });
  });

  it.each(['\\bacme\\s+corp\\b', '\\d{3}-\\d{2}-\\d{4}', '(?:foo|bar)+baz', 'refund(?=\\s+guaranteed)', '\\p{Lu}{3}-\\d{4}', 'a{2,5}'])('accepts %s', (pattern) => {
    expect(validateBlocklistPattern(pattern)).toEqual({ ok: true });
  });
});

describe('compileBlocklist', () => {
  it('throws a BlocklistPatternError naming the pattern, its position and the reason', () => {
    const attempt = () => compileBlocklist({ patterns: ['\\bok\\b', '(a+)+$'] });
    expect(attempt).toThrow(BlocklistPatternError);
    try {
      attempt();
    } catch (error) {
      expect(isVigilError(error)).toBe(true);
      const typed = error as BlocklistPatternError;
      expect(typed.pattern).toBe('(a+)+$');
      expect(typed.code).toBe('blocklist.invalid_pattern');
      expect(typed.message).toBe('Blocklist pattern #2 /(a+)+$/ was rejected: nests quantifiers, e.g. (a+)+ or (.*a){20}, which can take exponential time');
      expect(typed.details).toEqual([{ path: 'patterns[1]', message: typed.reason }]);
    }
  });

  it('matches words case-insensitively on whole words only', () => {
    const blocklist = compileBlocklist({ words: ['Globex', 'free money'] });
    const text = 'GLOBEX beats Globexia. Get FREE   money now! globex.';
    const detections = blocklist.detect([fieldOf(text)]);
    expect(detections.map((d) => text.slice(d.start, d.end))).toEqual(['GLOBEX', 'FREE   money', 'globex']);
    expect(detections.every((d) => d.kind === 'word' && d.severity === 'warn' && d.score === 1 && d.detector === 'blocklist')).toBe(true);
    expect(detections.map((d) => d.evidence)).toEqual(['Globex', 'free money', 'Globex']);
  });

  it('sees through full-width letters and zero-width characters via the normalised view', () => {
    const blocklist = compileBlocklist({ words: ['globex'] });
    const fullWidth = 'Try ＧＬＯＢＥＸ instead';
    const zeroWidth = 'Try glo\u200bbex instead';
    for (const text of [fullWidth, zeroWidth]) {
      const [detection] = blocklist.detect([buildFieldViews('output', text)]);
      expect(detection?.kind).toBe('word');
      expect(text.slice(detection?.start, detection?.end).normalize('NFKC').replace('\u200b', '').toLowerCase()).toBe('globex');
    }
  });

  it('matches words that start or end with symbols and prefers the longest word', () => {
    const blocklist = compileBlocklist({ words: ['c++', 'acme', 'acme corp'] });
    const text = 'We use C++ at ACME Corp, not acme.';
    expect(blocklist.detect([fieldOf(text)]).map((d) => text.slice(d.start, d.end))).toEqual(['C++', 'ACME Corp', 'acme']);
  });

  it('matches patterns, masks their evidence and reports each span once across views', () => {
    const blocklist = compileBlocklist({ patterns: ['\\b\\d{3}-\\d{2}-\\d{4}\\b'] });
    const text = 'SSN 123-45-6789 on file. Ünïcode makes a normalised view.';
    const detections = blocklist.detect([buildFieldViews('output', text)]);
    expect(detections).toHaveLength(1);
    expect(detections[0]).toMatchObject({ kind: 'pattern', start: 4, end: 15, evidence: '1•••••••••9' });
  });

  it('scans the output by default and the input only when asked, with the configured severity', () => {
    const outputOnly = compileBlocklist({ words: ['globex'] });
    const both = compileBlocklist({ words: ['globex'], fields: ['input', 'output'], severity: 'critical' });
    const fields = [fieldOf('globex?', 'input'), fieldOf('no', 'output')];
    expect(outputOnly.detect(fields)).toEqual([]);
    expect(both.detect(fields)).toMatchObject([{ field: 'input', severity: 'critical' }]);
  });

  it('does not scan beyond the per-view size cap', () => {
    const blocklist = compileBlocklist({ words: ['globex'], maxScanChars: 100 });
    expect(blocklist.detect([fieldOf(`${'x '.repeat(60)}globex`)])).toEqual([]);
    expect(blocklist.detect([fieldOf(`${'x '.repeat(10)}globex`)])).toHaveLength(1);
  });

  it('bounds the scan of 1 MB of adversarial text by the time budget and reports a pattern that ran out of time', () => {
    const words = Array.from({ length: 200 }, (_, i) => `forbidden${i}`);
    const blocklist = compileBlocklist({ words, patterns: ['\\w+@\\w+\\.com', '\\d{3}-\\d{2}-\\d{4}'] });
    for (const text of ['a'.repeat(1 << 20), `${'x'.repeat(60)}@`.repeat((1 << 20) / 61), 'ab '.repeat(350_000)]) {
      const { millis, result } = bestOf(3, () => blocklist.detect([fieldOf(text)]));
      report(`blocklist: ${millis.toFixed(1)} ms for ${(text.length / 1024).toFixed(0)} KB of adversarial text (${result.map((d) => d.kind).join(', ') || 'no detections'})`);
      // The budget is 20 ms; the generous bound only separates "bounded" from catastrophic backtracking on a busy machine.
      expect(millis).toBeLessThan(1_000);
      for (const detection of result) expect(['pattern_timeout']).toContain(detection.kind);
    }
    const [timeout] = blocklist.detect([fieldOf('a'.repeat(1 << 20))]);
    expect(timeout).toMatchObject({ kind: 'pattern_timeout', severity: 'warn', evidence: 'pattern #1 ran out of its 20 ms budget; later patterns were not checked' });
  });

  it('keeps checking after a timeout and stays quick on ordinary 1–4 KB outputs', () => {
    const blocklist = compileBlocklist({ words: ['globex', 'initech', 'free money'], patterns: ['\\b\\d{3}-\\d{2}-\\d{4}\\b', '\\bguaranteed\\s+refund\\b'] });
    blocklist.detect([fieldOf('a'.repeat(1 << 20))]);
    for (const size of [1024, 4096]) {
      const text = 'Thanks for reaching out! Your parcel left our warehouse today and should arrive within three days. '.repeat(50).slice(0, size);
      const fields = [fieldOf(`${text} Call Globex at 123-45-6789.`)];
      expect(blocklist.detect(fields).map((d) => d.kind)).toEqual(['word', 'pattern']);
      const started = process.cpuUsage();
      for (let i = 0; i < 200; i++) blocklist.detect(fields);
      const used = process.cpuUsage(started);
      report(`blocklist: ${((used.user + used.system) / 200).toFixed(0)} µs CPU per ${size / 1024} KB output (3 words, 2 patterns, vm time budget included)`);
    }
  });

  it('tells straight patterns (one path per attempt) from those that can backtrack into a choice', () => {
    const straight = ['We never give refunds \\(ever\\), deal with it', 'Ignore previous instructions', '[A-Z][a-z]\\d', '(?:foo)bar(?=baz)', '(?<word>foo)', '[+*?{|]x', '\\+\\*\\?\\{\\|'];
    const branching = ['refund\\s+policy', 'colou?r', 'a*', '\\d{3}', 'cat|dog', '\\p{L}x', '[a]+'];
    expect(straight.filter((pattern) => !isStraightPattern(pattern))).toEqual([]);
    expect(branching.filter((pattern) => isStraightPattern(pattern))).toEqual([]);
  });

  it('runs straight patterns on ordinary outputs without the vm, and everything else inside its time budget', () => {
    const runInContext = vi.spyOn(Script.prototype, 'runInContext');
    try {
      const output = 'We never give refunds (ever), deal with it. Call 123-45-6789.';
      const straight = compileBlocklist({ patterns: ['We never give refunds \\(ever\\)', 'deal with it'] });
      expect(straight.detect([fieldOf(output)]).map((d) => [d.kind, d.start, d.end])).toEqual([['pattern', 0, 28], ['pattern', 30, 42]]);
      expect(runInContext).not.toHaveBeenCalled();

      const mixed = compileBlocklist({ patterns: ['deal with it', '\\d{3}-\\d{2}-\\d{4}'] });
      expect(mixed.detect([fieldOf(output)]).map((d) => d.evidence)).toEqual(['d••••••••••t', '1•••••••••9']);
      expect(runInContext).toHaveBeenCalledTimes(1);

      // A straight pattern on a text long enough for its worst case to matter goes back under the budget.
      runInContext.mockClear();
      expect(straight.detect([fieldOf(`${'a'.repeat(150_000)} deal with it`)]).map((d) => d.kind)).toEqual(['pattern']);
      expect(runInContext).toHaveBeenCalledTimes(1);
    } finally {
      runInContext.mockRestore();
    }
  });
});
