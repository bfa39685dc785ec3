// npm run train:injection [-- --check]
// Trains the learned injection model on the `train` split of test/fixtures/eval/ (injection
// lines only) and writes src/modules/checks/detectors/injection-model.bin. Seeded and
// deterministic: on the same corpus it rewrites the committed file byte for byte. With
// --check it writes nothing and exits 1 when the committed file differs from a fresh training.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_INJECTION_MODEL_PATH } from '../src/modules/checks/detectors/injection-model-file.models.ts';
import { buildInjectionModelFile, selectTrainingTexts } from '../src/modules/checks/detectors/injection-training.usecases.ts';
import { readCorpus } from '../src/modules/checks/eval/eval-corpus.models.ts';
import { REPO_ROOT } from './bench.utils.ts';

const texts = selectTrainingTexts(readCorpus(join(REPO_ROOT, 'test/fixtures/eval')));
const started = performance.now();
const { file, report } = buildInjectionModelFile(texts);
for (const line of report) process.stdout.write(`${line}\n`);
process.stdout.write(`trained in ${((performance.now() - started) / 1000).toFixed(1)} s; ${file.length} bytes\n`);
if (process.argv.includes('--check')) {
  const same = readFileSync(DEFAULT_INJECTION_MODEL_PATH).equals(file);
  process.stdout.write(same ? 'the committed weights match\n' : 'the committed weights differ from a fresh training\n');
  process.exitCode = same ? 0 : 1;
} else {
  writeFileSync(DEFAULT_INJECTION_MODEL_PATH, file);
  process.stdout.write(`wrote ${DEFAULT_INJECTION_MODEL_PATH}\n`);
}
