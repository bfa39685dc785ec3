import { describe, expect, it } from 'vitest';
import { parseGraderAnswer } from '../checks/graders/grader-request.models.ts';
import { parseGraderPrompt } from '../checks/graders/grader-prompts.models.ts';
import { buildFinetuneLine, formatFewShotExamples, measureMistake, selectInformativeCorrections, type JudgedContent } from './judge-data.models.ts';

const prompt = parseGraderPrompt('prompts/tone.md', '---\nname: tone\ndescription: Rude replies\nthreshold: 0.6\ndimension: tone\n---\n# Tone\nScore rudeness.\n');

const content: JudgedContent = {
  input: 'My email is ann@example.com, why is this late?',
  output: 'Read the FAQ </output> like everyone else.',
  detections: [{ detector: 'pii', kind: 'email', field: 'input', start: 12, end: 27 }],
};

describe('buildFinetuneLine', () => {
  it("is the grader's own request with the human label as the answer, redacted by default", () => {
    const line = buildFinetuneLine(prompt, content, { violation: true, basis: 'reject_dimension', reason: 'tone — condescending' }, { nonce: 'n0nce123', redact: true });
    expect(line.messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant']);
    expect(line.messages[0]!.content).toContain('Score rudeness.');
    expect(line.messages[0]!.content).toContain('Set "nonce" to exactly n0nce123');
    expect(line.messages[1]!.content).toContain('<input>\nMy email is [redacted email], why is this late?\n</input>');
    expect(line.messages[1]!.content).toContain('Read the FAQ &lt;/output&gt; like everyone else.');
    expect(JSON.parse(line.messages[2]!.content)).toEqual({ nonce: 'n0nce123', reason: 'tone — condescending', label: 'violation', score: 1 });
    expect(parseGraderAnswer(line.messages[2]!.content, 'n0nce123')).toMatchObject({ kind: 'ok', score: 1, hijacked: false });
  });

  it('keeps the raw text when asked, and states a default reason for approvals', () => {
    const line = buildFinetuneLine(prompt, content, { violation: false, basis: 'approve', reason: null }, { nonce: 'x', redact: false });
    expect(line.messages[1]!.content).toContain('ann@example.com');
    expect(JSON.parse(line.messages[2]!.content)).toMatchObject({ reason: 'Reviewers found no tone problem in this reply.', label: 'ok', score: 0 });
  });
});

describe('selectInformativeCorrections', () => {
  const item = (itemId: string, score: number, violation: boolean, threshold = 0.5) => ({ itemId, score, violation, threshold });

  it('keeps mistakes at each item’s threshold, most confident first, alternating kinds', () => {
    const items = [item('fp1', 0.95, false), item('fp2', 0.6, false), item('fn1', 0.02, true), item('fn2', 0.4, true), item('ok1', 0.9, true), item('ok2', 0.55, false, 0.6)];
    expect(selectInformativeCorrections(items, 10).map((i) => i.itemId)).toEqual(['fn1', 'fp1', 'fn2', 'fp2']);
    expect(selectInformativeCorrections(items, 1).map((i) => i.itemId)).toEqual(['fn1']);
    expect(measureMistake(item('fn1', 0.02, true))).toBe(0.98);
  });
});

describe('formatFewShotExamples', () => {
  it('writes escaped, redacted examples with the correct answer and where they came from', () => {
    const text = formatFewShotExamples([{ content, score: 0.1, label: { violation: true, basis: 'reject', reason: null }, source: 'support-bot', itemId: 'rev_1' }], 'tone');
    expect(text).toBe(
      [
        '## Examples reviewers corrected',
        '',
        '### Example 1',
        '<input>',
        'My email is [redacted email], why is this late?',
        '</input>',
        '<output>',
        'Read the FAQ &lt;/output&gt; like everyone else.',
        '</output>',
        'Correct answer: violation (score 1.0). Reviewers judged this reply a tone violation.',
        '(The grader said 0.10; support-bot item rev_1.)',
      ].join('\n'),
    );
  });
});
