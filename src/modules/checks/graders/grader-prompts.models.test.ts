import { describe, expect, it } from 'vitest';
import { assertUniqueGraderNames, computeGraderVersion, parseGraderPrompt } from './grader-prompts.models.ts';

const FRONT = {
  name: 'tone',
  description: 'Rude replies.',
  model: 'gpt-4o-mini',
  threshold: '0.6',
  dimension: 'tone',
};

function buildFile(fields: Record<string, string | undefined>, body = '# Rubric\nScore rudeness.'): string {
  const lines = Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}: ${value}`);
  return ['---', ...lines, '---', body].join('\n');
}

describe('parseGraderPrompt', () => {
  it('reads the front matter, the rubric body and a 12-hex version of the bytes', () => {
    const text = buildFile({ ...FRONT, temperature: '0' });
    const prompt = parseGraderPrompt('prompts/tone.md', Buffer.from(text));
    expect(prompt).toEqual({
      name: 'tone',
      description: 'Rude replies.',
      model: 'gpt-4o-mini',
      threshold: 0.6,
      dimension: 'tone',
      temperature: 0,
      rubric: '# Rubric\nScore rudeness.',
      version: computeGraderVersion(text),
      path: 'prompts/tone.md',
    });
    expect(prompt.version).toMatch(/^[0-9a-f]{12}$/);
  });

  it('defaults the model to gpt-4o-mini', () => {
    expect(parseGraderPrompt('p.md', buildFile({ ...FRONT, model: undefined })).model).toBe('gpt-4o-mini');
  });

  it('gives a different version when one byte of the rubric changes', () => {
    const a = parseGraderPrompt('p.md', buildFile(FRONT, 'Score rudeness.'));
    const b = parseGraderPrompt('p.md', buildFile(FRONT, 'Score rudeness!'));
    expect(a.version).not.toBe(b.version);
  });

  it.each([
    [{ ...FRONT, threshold: '1.5' }, 'prompts/tone.md: threshold: must be ≤ 1'],
    [{ ...FRONT, threshold: '-0.1' }, 'prompts/tone.md: threshold: must be ≥ 0'],
    [{ ...FRONT, threshold: 'high' }, 'prompts/tone.md: threshold: must be a number'],
    [{ ...FRONT, threshold: undefined }, 'prompts/tone.md: threshold: must be a number'],
    [{ ...FRONT, dimension: 'style' }, 'prompts/tone.md: dimension: must be one of tone, brand, policy, injection'],
    [{ ...FRONT, name: 'Tone Grader' }, 'prompts/tone.md: name: must be lowercase'],
    [{ ...FRONT, temperature: '3' }, 'prompts/tone.md: temperature: must be ≤ 2'],
    [{ ...FRONT, maxCompletionTokens: '10.5' }, 'prompts/tone.md: maxCompletionTokens: must be an integer'],
    [{ ...FRONT, treshold: '0.5' }, 'prompts/tone.md: treshold: unknown field'],
    [{ ...FRONT, description: '""' }, 'prompts/tone.md: description: must not be empty'],
  ])('rejects bad front matter %# with a message naming the file and the field', (fields, message) => {
    expect(() => parseGraderPrompt('prompts/tone.md', buildFile(fields))).toThrow(message);
  });

  it('rejects a file without front matter, with broken YAML, or with an empty rubric', () => {
    expect(() => parseGraderPrompt('prompts/x.md', '# Just a rubric')).toThrow('prompts/x.md: missing YAML front matter');
    expect(() => parseGraderPrompt('prompts/x.md', '---\nname: [tone\n---\nbody')).toThrow(
      'prompts/x.md: invalid YAML front matter',
    );
    expect(() => parseGraderPrompt('prompts/x.md', '---\n- a\n- b\n---\nbody')).toThrow('must be a YAML mapping');
    expect(() => parseGraderPrompt('prompts/x.md', buildFile(FRONT, '  \n'))).toThrow('prompts/x.md: body: the rubric must not be empty');
  });

  it('accepts Windows line endings', () => {
    const prompt = parseGraderPrompt('p.md', buildFile(FRONT).replace(/\n/g, '\r\n'));
    expect(prompt.threshold).toBe(0.6);
    expect(prompt.rubric.startsWith('# Rubric')).toBe(true);
  });
});

describe('assertUniqueGraderNames', () => {
  it('names both files when two graders share a name', () => {
    const a = parseGraderPrompt('prompts/a.md', buildFile(FRONT));
    const b = parseGraderPrompt('prompts/b.md', buildFile(FRONT));
    expect(() => assertUniqueGraderNames([a, b])).toThrow('prompts/b.md: name: "tone" is already used by prompts/a.md');
  });
});
