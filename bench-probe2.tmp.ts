import { loadInjectionModel } from './src/modules/checks/detectors/injection-model-file.models.ts';
import { scoreWithModel } from './src/modules/checks/detectors/injection-model.models.ts';
import { readFileSync } from 'node:fs';
const model = loadInjectionModel();
const src = readFileSync('bench/checks.ts', 'utf8');
const grab = (name: string) => [...src.split(`const ${name} = [`)[1]!.split('];')[0]!.matchAll(/^\s+'(.*)',$/gm)].map((m) => m[1]!.replace(/\\'/g, "'"));
for (const q of grab('QUESTIONS')) console.log('Q', scoreWithModel(model, q, 'input').probability.toFixed(2), q.slice(0, 60));
for (const p of grab('PARAGRAPHS')) console.log('P', scoreWithModel(model, p, 'context').probability.toFixed(2), p.slice(0, 60));
