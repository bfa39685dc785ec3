// npm run bench:checks-ab -- --base <worktree> [--json] [--rounds 30] [--slice-ms 150]
// Three lines of bench:checks (views of 2.4 KB answers, injection on a 2.4 KB retrieved
// context, everything with default settings) for this tree and another one — a worktree of the
// baseline commit with its own node_modules (a copy: through a symlink both trees load the same
// package instances, whose shared JIT state cost the views line 1.3–1.45× that was not there in
// separate processes) — loaded into the same process and measured in
// alternating slices of CPU time. Two bench:checks runs one after the other see different load
// from other processes on a shared machine (±30% between runs of one tree); alternating slices
// put the same load on both trees, so their ratio holds where the absolute rates do not.
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { REPO_ROOT, readNumberFlag, report, round } from './bench.utils.ts';
import { generateCheckTexts } from './checks.fixtures.ts';
import type * as ChecksConfig from '../src/modules/checks/checks.config.ts';
import type * as ChecksUsecases from '../src/modules/checks/checks.usecases.ts';
import type * as InjectionDetector from '../src/modules/checks/detectors/injection.detector.ts';
import type * as InjectionModelFile from '../src/modules/checks/detectors/injection-model-file.models.ts';
import type * as Views from '../src/modules/checks/views.models.ts';

const baseIndex = process.argv.indexOf('--base');
if (baseIndex === -1 || process.argv[baseIndex + 1] === undefined) throw new Error('usage: npm run bench:checks-ab -- --base <worktree of the baseline commit>');
const BASE_ROOT = resolve(process.argv[baseIndex + 1]!);
const ROUNDS = readNumberFlag('rounds', 30);
const SLICE_MS = readNumberFlag('slice-ms', 150);

type Run = (index: number) => unknown;
const LINES = ['views', 'injection', 'all_default_settings'] as const;

/** The three lines' work in one tree, from its own modules (the baseline may predate the learned model). */
async function loadLines(root: string, texts: ReturnType<typeof generateCheckTexts>): Promise<Record<(typeof LINES)[number], Run>> {
  const { checksConfigSchema } = (await import(`${root}/src/modules/checks/checks.config.ts`)) as typeof ChecksConfig;
  const { compileChecks } = (await import(`${root}/src/modules/checks/checks.usecases.ts`)) as typeof ChecksUsecases;
  const { createInjectionDetector } = (await import(`${root}/src/modules/checks/detectors/injection.detector.ts`)) as typeof InjectionDetector;
  const { buildFieldViews } = (await import(`${root}/src/modules/checks/views.models.ts`)) as typeof Views;
  const modelFile = `${root}/src/modules/checks/detectors/injection-model-file.models.ts`;
  const model = await import(modelFile).then(
    (module: typeof InjectionModelFile) => module.loadInjectionModel(),
    () => null,
  );
  const injection = createInjectionDetector(model);
  const defaults = compileChecks(checksConfigSchema.parse({}));
  const asContext = texts.map((sample) => [buildFieldViews('context', sample.output)]);
  return {
    views: (i) => buildFieldViews('output', texts[i]!.output),
    injection: (i) => injection.detect(asContext[i]!),
    all_default_settings: (i) => defaults.detect({ source: 'bench', input: texts[i]!.input, output: texts[i]!.output, context: null }),
  };
}

/** Runs `run` over the texts for SLICE_MS of wall time; the CPU time it used and the texts done. */
async function runSlice(run: Run, count: number, offset: number): Promise<{ texts: number; cpuUs: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  let done = 0;
  while (performance.now() - started < SLICE_MS) {
    const result = run((offset + done) % count);
    if (result instanceof Promise) await result;
    done++;
  }
  const used = process.cpuUsage(cpu);
  return { texts: done, cpuUs: used.user + used.system };
}

const texts = generateCheckTexts(400, { leakShare: 0.1, seed: 7 });
const trees = { base: await loadLines(BASE_ROOT, texts), current: await loadLines(REPO_ROOT, texts) };
const figures: Record<string, number | string> = { base: BASE_ROOT, rounds: ROUNDS, slice_ms: SLICE_MS };
const lines: string[] = [`checks A/B: ${BASE_ROOT} (base) and this tree, ${ROUNDS} alternating slices of ${SLICE_MS} ms per line`];

for (const line of LINES) {
  for (const tree of [trees.base, trees.current]) for (let i = 0; i < texts.length; i++) await tree[line](i);
  const totals = { base: { texts: 0, cpuUs: 0 }, current: { texts: 0, cpuUs: 0 } };
  const costs: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Each tree goes first every other round, so neither always runs right after the other's garbage.
    const order = round % 2 === 0 ? (['base', 'current'] as const) : (['current', 'base'] as const);
    const slices = { base: { texts: 0, cpuUs: 0 }, current: { texts: 0, cpuUs: 0 } };
    for (const tree of order) {
      slices[tree] = await runSlice(trees[tree][line], texts.length, round * 37);
      totals[tree].texts += slices[tree].texts;
      totals[tree].cpuUs += slices[tree].cpuUs;
    }
    costs.push(slices.current.cpuUs / slices.current.texts / (slices.base.cpuUs / slices.base.texts));
  }
  costs.sort((a, b) => a - b);
  const perCpuS = (total: { texts: number; cpuUs: number }) => round(total.texts / (total.cpuUs / 1e6), 0);
  const cost = totals.current.cpuUs / totals.current.texts / (totals.base.cpuUs / totals.base.texts);
  Object.assign(figures, {
    [`${line}_base_texts_per_cpu_s`]: perCpuS(totals.base),
    [`${line}_texts_per_cpu_s`]: perCpuS(totals.current),
    [`${line}_cost`]: round(cost, 3),
    [`${line}_cost_median_slice`]: round(costs[Math.floor(costs.length / 2)]!, 3),
  });
  lines.push(`  ${line.padEnd(22)} base ${perCpuS(totals.base)} / this ${perCpuS(totals.current)} texts per CPU-second: cost ${round(cost, 2)}× (median slice ${round(costs[Math.floor(costs.length / 2)]!, 2)}×)`);
}
figures.load_avg_1m = round(loadavg()[0] ?? 0, 2);
lines.push(`  load average ${figures.load_avg_1m}`);
report(lines, figures);
