import { loadInjectionModel } from './src/modules/checks/detectors/injection-model-file.models.ts';
import { readCorpus } from './src/modules/checks/eval/eval-corpus.models.ts';
import { scoreWithModel } from './src/modules/checks/detectors/injection-model.models.ts';
const lines = readCorpus('test/fixtures/eval').filter((l) => l.split === 'heldout');
const model = loadInjectionModel();
const groups: Record<string, number[]> = {};
for (const l of lines) {
  const task = l.source === 'microsoft/BIPIA' ? 'bipia-' + l.path!.split('/')[1]! : l.source;
  const s = scoreWithModel(model, l.text, l.field as 'input');
  (groups[`${task} ${l.label}`] ??= []).push(s.probability);
}
for (const [k, v] of Object.entries(groups)) console.log(k.padEnd(50), v.length, (v.filter((p) => p >= 0.5).length / v.length).toFixed(2));
