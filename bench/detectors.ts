// npm run bench:detectors [-- --json] [--seconds 3] [--rounds 5] [--blocklist]
// CPU per /v1/check of the detectors alone, on one thread, without HTTP: the source's
// compileChecks().detect (its default config, as `npm run bench:check` runs it) over the same
// 1 KB bodies bench:check sends. With --blocklist, a guardrail blocklist of words also scans the
// output's views as GuardrailChecker.check does (words only: a pattern puts the scan under a vm time
// budget, which costs far more than the detectors). Far less noisy than the whole server: a change
// to a detector shows here before it can be told apart from noise in bench:check. Reports the
// median round, and a SHA-256 of every detection over the 2,000 bodies, to compare two trees.
import { createHash } from 'node:crypto';
import { loadavg } from 'node:os';
import { checksConfigSchema } from '../src/modules/checks/checks.config.ts';
import { compileChecks } from '../src/modules/checks/checks.usecases.ts';
import { compileBlocklist } from '../src/modules/checks/detectors/blocklist.detector.ts';
import { generateEvents } from './events.fixtures.ts';
import { percentile, readNumberFlag, report, round } from './bench.utils.ts';

const SECONDS = readNumberFlag('seconds', 3);
const ROUNDS = readNumberFlag('rounds', 5);
const WITH_BLOCKLIST = process.argv.includes('--blocklist');
const SOURCE = 'support-bot';

/** The bodies of bench/check.ts: 1 KB outputs, about 2% with PII or a secret. */
const requests = generateEvents(2000, { source: SOURCE, seed: 7 }).map((event) => {
  let output = event.output;
  while (output.length < 1024) output += ` ${event.output}`;
  return { source: SOURCE, input: event.input, output: output.slice(0, 1024), context: null };
});

const compiled = compileChecks(checksConfigSchema.parse({}));
const blocklist = WITH_BLOCKLIST
  ? compileBlocklist({ words: ['guaranteed refund', 'lawsuit', 'free forever', 'tracking link'], fields: ['output'] })
  : null;

async function checkOne(index: number) {
  const request = requests[index % requests.length]!;
  return compiled.detect(request, blocklist);
}

/** Every detection of one pass over the bodies: the same figures from two trees mean the same results. */
async function fingerprint(): Promise<{ count: number; sha256: string }> {
  const hash = createHash('sha256');
  let count = 0;
  for (let i = 0; i < requests.length; i++) {
    const detections = await checkOne(i);
    count += detections.length;
    hash.update(`${i}:${JSON.stringify(detections)}\n`);
  }
  return { count, sha256: hash.digest('hex').slice(0, 16) };
}

/** CPU µs per check over `seconds` of checks (process CPU, so GC and JIT threads count too). */
async function measureRound(seconds: number): Promise<number> {
  const startCpu = process.cpuUsage();
  const deadline = performance.now() + seconds * 1000;
  let checks = 0;
  while (performance.now() < deadline) {
    for (let i = 0; i < 200; i++) await checkOne(checks++);
  }
  const cpu = process.cpuUsage(startCpu);
  return (cpu.user + cpu.system) / checks;
}

const results = await fingerprint();
await measureRound(Math.min(2, SECONDS));
const rounds: number[] = [];
for (let round = 0; round < ROUNDS; round++) rounds.push(await measureRound(SECONDS));
const sorted = [...rounds].sort((a, b) => a - b);
const figures = {
  per_check_us: round(percentile(sorted, 50), 1),
  best_per_check_us: round(sorted[0] ?? NaN, 1),
  worst_per_check_us: round(sorted[sorted.length - 1] ?? NaN, 1),
  rounds: ROUNDS,
  seconds_per_round: SECONDS,
  blocklist: WITH_BLOCKLIST,
  detections: results.count,
  detections_sha256: results.sha256,
  load_average_1m: round(loadavg()[0] ?? NaN, 2),
};
report(
  [
    `compileChecks().detect${WITH_BLOCKLIST ? ' + guardrail blocklist' : ''} over bench:check's 1 KB bodies, ${ROUNDS} rounds of ${SECONDS} s (load average ${figures.load_average_1m})`,
    `CPU per check: median ${figures.per_check_us} µs (best ${figures.best_per_check_us}, worst ${figures.worst_per_check_us})`,
    `detections over the ${requests.length} bodies: ${figures.detections} (sha256 ${figures.detections_sha256})`,
  ],
  figures,
);
