import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabaseUrl, testStore } from '../../src/platform/db.test-utils.ts';
import { openDatabase, runMigrations } from '../../src/platform/db.ts';
import { parseConfig } from '../../src/app/config.ts';
import { seedCalibrationSource, seedLabelledItem, seedTraffic } from '../../src/modules/calibration/calibration.test-utils.ts';
import { createCalibrationRepository } from '../../src/modules/calibration/calibration.repository.ts';
import { calibrateGrader, replaceNonFinite } from '../../src/modules/calibration/calibration.usecases.ts';
import { PROMPTS_DIR } from '../../src/modules/checks/checks.module.ts';
import { loadGraderPrompts } from '../../src/modules/checks/graders/grader-prompts.config.ts';
import type { GraderPrompt } from '../../src/modules/checks/graders/grader-prompts.models.ts';
import { createSeededRandom } from '../../src/shared/random.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { createTempDir } from '../helpers/temp-dir.ts';
import { runVigilCli } from '../helpers/vigil-process.ts';

// `vigil calibrate`, `vigil export finetune` and `vigil grader examples` as real processes on
// a database seeded with labelled review items.

const CONFIG = `
sources:
  support-bot:
    review: { channel: C07REVQUEUE, sampling: { baseline_rate: 0.05 } }
    calibration: { min_labels_per_class: 5, target_recall: 0.9 }
`;

describe('calibration CLI', { timeout: 60_000 }, () => {
  const dir = createTempDir('vigil-calibration-cli-');
  const configPath = join(dir.path, 'vigil.config.yaml');
  const env = { DATABASE_URL: join(dir.path, 'vigil.db'), VIGIL_CONFIG: configPath };
  let dropDatabase = async () => {};
  let tone: GraderPrompt;

  beforeAll(async () => {
    if (testStore() === 'postgres') ({ url: env.DATABASE_URL, drop: dropDatabase } = await createTestDatabaseUrl());
    writeFileSync(configPath, CONFIG);
    tone = (await loadGraderPrompts(PROMPTS_DIR)).find((prompt) => prompt.name === 'tone')!;
    const database = openDatabase({ url: env.DATABASE_URL });
    try {
      await runMigrations(database);
      await seedCalibrationSource(database.db);
      const rng = createSeededRandom(5);
      for (let i = 0; i < 60; i++) {
        const score = Math.round(rng() * 100) / 100;
        const violation = rng() < score;
        await seedLabelledItem(database.db, {
          score,
          inclusionProbability: score >= 0.6 ? 1 : 0.25,
          graderVersion: tone.version,
          input: `Customer question ${i}`,
          output: `Reply ${i}`,
          verdicts: [{ reviewerId: 'U0REVIEW01', decision: violation ? 'reject' : 'approve', ...(violation ? { reasonCategory: 'tone', note: `rude reply ${i}` } : {}) }],
        });
      }
      await seedTraffic(database.db, Array.from({ length: 100 }, () => rng()), { graderVersion: tone.version });
    } finally {
      await database.close();
    }
  });

  afterAll(async () => {
    await dropDatabase();
    dir.remove();
  });

  it('calibrate --json prints the report the use case computes', async () => {
    const result = await runVigilCli(['calibrate', '--source', 'support-bot', '--grader', 'tone', '--json'], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as Record<string, unknown>;
    const config = parseConfig({ ...env });
    const database = openDatabase({ url: env.DATABASE_URL });
    try {
      const { report } = await calibrateGrader(
        {
          repository: createCalibrationRepository({ db: database.db }),
          sources: { 'support-bot': { calibration: config.sources.sources['support-bot']!.calibration, review: config.sources.sources['support-bot']!.review } },
          graders: new Map([['tone', { name: 'tone', version: tone.version, dimension: tone.dimension }]]),
          thresholdOf: () => tone.threshold,
          clock: systemClock,
        },
        { source: 'support-bot', grader: 'tone' },
      );
      const expected = JSON.parse(JSON.stringify(report, replaceNonFinite)) as Record<string, unknown>;
      expect({ ...printed, generatedAt: null }).toEqual({ ...expected, generatedAt: null });
      expect(printed.recommendation).toMatchObject({ status: 'ok' });
      expect(printed.labels).toMatchObject({ items: 60 });
    } finally {
      await database.close();
    }
  });

  it('calibrate prints a readable report without --json', async () => {
    const result = await runVigilCli(['calibrate', '--source', 'support-bot', '--grader', 'tone'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^support-bot · tone \\(version ${tone.version}, dimension tone\\)\n`));
    expect(result.stdout).toMatch(/\nrecommended threshold: 0\.\d{3} \(now 0\.600, [+−]0\.\d{3}\)\n/);
    expect(result.stdout).toMatch(/\nfalse positives \(\d+\):\n/);
  });

  it('export finetune writes one chat example per adjudicated item, the human label as the answer', async () => {
    const out = join(dir.path, 'tone.jsonl');
    const result = await runVigilCli(['export', 'finetune', '--source', 'support-bot', '--grader', 'tone', '--out', out], env);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(`60 example(s) of support-bot for tone written to ${out}, redacted.\n`);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as { messages: { role: string; content: string }[] });
    expect(lines).toHaveLength(60);
    const answers = lines.map((line) => JSON.parse(line.messages[2]!.content) as { label: string; reason: string; score: number });
    expect(lines[0]!.messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant']);
    expect(lines[0]!.messages[1]!.content).toContain('<output>\nReply 0\n</output>');
    expect(answers.filter((answer) => answer.label === 'violation').length).toBe(33);
    expect(answers.find((answer) => answer.label === 'violation')!.reason).toMatch(/^tone — rude reply \d+$/);
  });

  it('grader examples lists confident mistakes and says that adopting them starts a fresh calibration', async () => {
    const result = await runVigilCli(['grader', 'examples', '--grader', 'tone', '--limit', '4', '--json'], env);
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as { graderVersion: string; examples: { score: number; violation: boolean; threshold: number; mistake: number }[]; note: string; markdown: string };
    expect(printed.graderVersion).toBe(tone.version);
    expect(printed.examples).toHaveLength(4);
    for (const example of printed.examples) expect(example.violation ? example.score < 0.6 : example.score >= 0.6).toBe(true);
    expect(printed.examples[0]!.mistake).toBe(Math.max(...printed.examples.map((example) => example.mistake)));
    expect(printed.note).toMatch(/prompts\/tone\.md: that makes a new version of the tone grader .* calibration starts again/);
    expect(printed.markdown).toMatch(/^## Examples reviewers corrected\n\n### Example 1\n<input>\nCustomer question \d+\n<\/input>/);
  });

  it('calibrate refuses an unknown grader with one line', async () => {
    const result = await runVigilCli(['calibrate', '--source', 'support-bot', '--grader', 'nope'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^vigil: Grader "nope" is not one of the graders in prompts\/ \(/);
  });
});
