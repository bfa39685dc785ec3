// npm run bench:checks [-- --json] [--texts 400] [--seconds 1] [--leak-share 0.1]
// Detector throughput on one thread, on realistic 1–4 KB support-bot answers with and
// without leaks: each detector alone on prebuilt views, then everything together as
// ingestion runs it (compileChecks().detect). In the same run the npm peer openredaction
// scans the same texts. Last, the secrets prefilter is checked against secretlint run
// unconditionally on every fixture text: it must miss nothing.
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { OpenRedaction } from 'openredaction';
import { checksConfigSchema } from '../src/modules/checks/checks.config.ts';
import { compileChecks } from '../src/modules/checks/checks.usecases.ts';
import { compileBlocklist } from '../src/modules/checks/detectors/blocklist.detector.ts';
import { createInjectionDetector } from '../src/modules/checks/detectors/injection.detector.ts';
import { loadInjectionModel } from '../src/modules/checks/detectors/injection-model-file.models.ts';
import { createPiiDetector } from '../src/modules/checks/detectors/pii.detector.ts';
import { createPromptLeakDetector } from '../src/modules/checks/detectors/prompt-leak.detector.ts';
import { findExtraSecrets } from '../src/modules/checks/detectors/secrets-patterns.models.ts';
import { findCredentials } from '../src/modules/checks/detectors/secrets-credentials.models.ts';
import { runSecretlint } from '../src/modules/checks/detectors/secrets-secretlint.models.ts';
import { createSecretsDetector, isSecretCandidate } from '../src/modules/checks/detectors/secrets.detector.ts';
import { buildFieldViews } from '../src/modules/checks/views.models.ts';
import { REPO_ROOT, readNumberFlag, report, round } from './bench.utils.ts';
import { BLOCKLIST, CANARY, generateCheckTexts, SYSTEM_PROMPT } from './checks.fixtures.ts';

// ---- Measurements ----

const COUNT = readNumberFlag('texts', 400);
const SECONDS = readNumberFlag('seconds', 1);
const LEAK_SHARE = Number(process.argv[process.argv.indexOf('--leak-share') + 1]) || 0.1;

interface Rate {
  perS: number;
  perCpuS: number;
}

/** Cycles through `items` until `SECONDS` have passed (and at least once through all), after a warm-up pass. */
async function measure<T>(items: T[], run: (item: T) => unknown): Promise<Rate> {
  for (const item of items.slice(0, 50)) await run(item);
  const cpu = process.cpuUsage();
  const started = performance.now();
  let done = 0;
  while (done < items.length || performance.now() - started < SECONDS * 1000) {
    const result = run(items[done % items.length]!);
    if (result instanceof Promise) await result;
    done++;
  }
  const wall = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { perS: done / wall, perCpuS: done / ((used.user + used.system) / 1e6) };
}

/** Every view of every text in test/fixtures/checks/**\/cases.jsonl through secretlint and the extra patterns, whatever the prefilter says. */
async function checkPrefilterParity() {
  const root = join(REPO_ROOT, 'test/fixtures/checks');
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((path) => path.endsWith('cases.jsonl'));
  const texts = files.flatMap((file) =>
    readFileSync(join(root, file), 'utf8').split('\n').filter((line) => line.trim() !== '').map((line) => (JSON.parse(line) as { text: string }).text),
  );
  let views = 0, passed = 0, positive = 0, missed = 0, missedExtra = 0;
  for (const text of texts) {
    for (const view of buildFieldViews('output', text).views) {
      views++;
      const candidate = isSecretCandidate(view.text);
      if (candidate) passed++;
      const found = (await runSecretlint(view.text)).length > 0;
      if (found) positive++;
      if (found && !candidate) missed++;
      if (!candidate && findExtraSecrets(view.text).length + findCredentials(view.text).length > 0) missedExtra++;
    }
  }
  return { files: files.length, texts: texts.length, views, passed, positive, missed, missedExtra };
}

const samples = generateCheckTexts(COUNT, { leakShare: LEAK_SHARE, seed: 7 });
const outputs = samples.map((sample) => sample.output);
const prebuilt = outputs.map((text) => [buildFieldViews('output', text)]);
const settings = checksConfigSchema.parse({ prompt_leak: { system_prompt: SYSTEM_PROMPT, canaries: [CANARY] }, blocklist: BLOCKLIST });
const all = compileChecks(settings);
const allDefaults = compileChecks(checksConfigSchema.parse({}));
const secrets = createSecretsDetector();
const pii = createPiiDetector({});
const injection = createInjectionDetector(loadInjectionModel());
const promptLeak = createPromptLeakDetector({ systemPrompt: SYSTEM_PROMPT, canaries: [CANARY] });
const blocklist = compileBlocklist(BLOCKLIST);
// Its default patterns (579, names and addresses included), then only the kinds Vigil's PII detector covers.
const redactor = new OpenRedaction();
const redactorSameKinds = new OpenRedaction({
  patterns: ['EMAIL', 'PHONE_US', 'PHONE_UK', 'PHONE_UK_MOBILE', 'PHONE_INTERNATIONAL', 'CREDIT_CARD', 'IBAN', 'SSN', 'IPV4', 'IPV6'],
  includeNames: false,
  includeAddresses: false,
});
const openredactionVersion = (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules/openredaction/package.json'), 'utf8')) as { version: string }).version;

const asContext = outputs.map((text) => [buildFieldViews('context', text)]);
const rates = {
  views: await measure(outputs, (text) => buildFieldViews('output', text)),
  secrets: await measure(prebuilt, (fields) => secrets.detect(fields)),
  pii: await measure(prebuilt, (fields) => pii.detect(fields)),
  injection: await measure(asContext, (fields) => injection.detect(fields)),
  // An answer read for what a quoted document carries (checks.injection.scan_output), which by default only events with context pay.
  injection_output: await measure(prebuilt, (fields) => injection.detect(fields)),
  prompt_leak: await measure(prebuilt, (fields) => promptLeak.detect(fields)),
  blocklist: await measure(prebuilt, (fields) => blocklist.detect(fields)),
  all: await measure(samples, (sample) => all.detect({ source: 'bench', input: sample.input, output: sample.output, context: null })),
  all_default_settings: await measure(samples, (sample) => allDefaults.detect({ source: 'bench', input: sample.input, output: sample.output, context: null })),
  openredaction: await measure(outputs, (text) => redactor.detect(text)),
  openredaction_pii_kinds: await measure(outputs, (text) => redactorSameKinds.detect(text)),
};

let leaksFound = 0, cleanFlagged = 0;
for (const sample of samples) {
  const found = await all.detect({ source: 'bench', input: sample.input, output: sample.output, context: null });
  if (sample.leak && found.some((d) => d.field === 'output')) leaksFound++;
  if (!sample.leak && !sample.injection && found.length > 0) cleanFlagged++;
}
const leaky = samples.filter((s) => s.leak).length;
const clean = samples.filter((s) => !s.leak && !s.injection).length;
const benchPassShare = prebuilt.filter(([field]) => field!.views.some((view) => isSecretCandidate(view.text))).length / samples.length;
const parity = await checkPrefilterParity();

const figures: Record<string, number | string> = {
  texts: COUNT,
  avg_text_bytes: round(outputs.reduce((sum, t) => sum + t.length, 0) / COUNT, 0),
  leak_share_pct: round(LEAK_SHARE * 100, 1),
  ...Object.fromEntries(Object.entries(rates).flatMap(([name, rate]) => [[`${name}_texts_per_s`, round(rate.perS, 0)], [`${name}_texts_per_cpu_s`, round(rate.perCpuS, 0)]])),
  // Ratios of CPU-time rates: both sides run on this one thread, and CPU time does not move with the machine's other load.
  ratio_vs_openredaction: round(rates.all.perCpuS / rates.openredaction.perCpuS, 1),
  ratio_pii_vs_openredaction_pii_kinds: round(rates.pii.perCpuS / rates.openredaction_pii_kinds.perCpuS, 1),
  generated_leaks_found_pct: round((100 * leaksFound) / Math.max(1, leaky), 1),
  clean_texts_with_findings_pct: round((100 * cleanFlagged) / Math.max(1, clean), 1),
  prefilter_pass_bench_pct: round(benchPassShare * 100, 1),
  prefilter_fixture_views: parity.views,
  prefilter_secretlint_positive_views: parity.positive,
  prefilter_missed: parity.missed,
  prefilter_missed_extra_patterns: parity.missedExtra,
  prefilter_pass_fixtures_pct: round((100 * parity.passed) / parity.views, 1),
  openredaction_version: openredactionVersion,
  load_avg_1m: round(loadavg()[0] ?? 0, 2),
};

const line = (name: string, rate: Rate, note = '') =>
  `  ${name.padEnd(34)} ${String(round(rate.perS, 0)).padStart(8)} texts/s  (${round(rate.perCpuS, 0)} per CPU-second)${note}`;
report(
  [
    `checks: ${COUNT} support-bot answers of 1–4 KB (avg ${figures.avg_text_bytes} B), ${figures.leak_share_pct}% with a leak; one thread; load average ${figures.load_avg_1m}`,
    line('views (NFKC, invisible, decoded)', rates.views),
    line('secrets (prefilter + secretlint)', rates.secrets, `  prefilter lets ${figures.prefilter_pass_bench_pct}% of texts through`),
    line('pii', rates.pii),
    line('injection (text as context)', rates.injection),
    line('injection (text as the answer)', rates.injection_output, '  (events with context, or scan_output: always)'),
    line('prompt_leak (1 KB system prompt)', rates.prompt_leak),
    line(`blocklist (${BLOCKLIST.words.length} words, ${BLOCKLIST.patterns.length} pattern)`, rates.blocklist),
    line('all together (compileChecks)', rates.all, `  leaks found ${figures.generated_leaks_found_pct}%, clean texts flagged ${figures.clean_texts_with_findings_pct}%`),
    line('all, default settings', rates.all_default_settings, '  (no system prompt, canary or blocklist)'),
    line(`openredaction ${openredactionVersion} (default)`, rates.openredaction),
    line('openredaction (the same PII kinds)', rates.openredaction_pii_kinds),
    `  ratio (CPU time): all detectors ${figures.ratio_vs_openredaction}× openredaction default; pii ${figures.ratio_pii_vs_openredaction_pii_kinds}× openredaction on the same kinds`,
    `secrets prefilter parity: ${parity.texts} fixture texts (${parity.files} files), ${parity.views} views, secretlint finds something in ${parity.positive};` +
      ` prefilter_missed ${parity.missed} (extra patterns: ${parity.missedExtra}); pass-through ${figures.prefilter_pass_fixtures_pct}% of fixture views`,
  ],
  figures,
);
