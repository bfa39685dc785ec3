import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readCorpus } from '../eval/eval-corpus.models.ts';
import { DEFAULT_INJECTION_MODEL_PATH } from './injection-model-file.models.ts';
import { buildInjectionModelFile, selectTrainingTexts } from './injection-training.usecases.ts';

const CORPUS = fileURLToPath(new URL('../../../../test/fixtures/eval/', import.meta.url));

describe('npm run train:injection', () => {
  const texts = selectTrainingTexts(readCorpus(CORPUS));

  it('learns only from injection lines of the train split', () => {
    const lines = readCorpus(CORPUS);
    const trainIds = lines.filter((l) => l.kind === 'injection' && l.split === 'train').length;
    expect(texts).toHaveLength(trainIds);
    // Held-out public sources are never trained on (hand-written cases are split by file instead),
    // and no held-out text is.
    const heldOut = lines.filter((l) => l.split === 'heldout');
    const heldOutSources = new Set(heldOut.filter((l) => !l.source.startsWith('hand-written')).map((l) => l.source));
    expect(heldOutSources.size).toBeGreaterThanOrEqual(3);
    expect(texts.filter((t) => heldOutSources.has(t.source))).toEqual([]);
    const heldOutTexts = new Set(heldOut.map((l) => l.text));
    expect(texts.filter((t) => heldOutTexts.has(t.text))).toEqual([]);
  });

  // Trains the whole model (about a minute on a shared machine): the committed weights must be
  // exactly what the committed script makes of the committed corpus.
  it('reproduces the committed weights file byte for byte', { timeout: 600_000 }, () => {
    const { file } = buildInjectionModelFile(texts);
    expect(file.equals(readFileSync(DEFAULT_INJECTION_MODEL_PATH))).toBe(true);
  });
});
