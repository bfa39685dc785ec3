import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { REPO_ROOT, report, round } from './bench.utils.ts';

// `npm run bench:cli [-- --json] [-- --entry path/to/bin/vigil.js]`: how long `vigil --help` and
// `vigil keys list` take, as an operator types them (a fresh `node bin/vigil.js` process each
// time), median of 5 runs after one warm-up. It measures both ways bin/vigil.js runs: the
// compiled CLI (after `npm run build`) and the TypeScript sources through tsx.

const RUNS = 5;
const entryIndex = process.argv.indexOf('--entry');
const entry = entryIndex === -1 ? join(REPO_ROOT, 'bin/vigil.js') : resolve(process.argv[entryIndex + 1]!);

/** CPU time of this process's finished children (cutime + cstime in /proc/self/stat), in ms. */
function childrenCpuMs(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function measure(args: string[], env: Record<string, string>): { wallMs: number; cpuMs: number } {
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let run = 0; run <= RUNS; run++) {
    const cpuBefore = childrenCpuMs();
    const started = performance.now();
    const result = spawnSync(process.execPath, [entry, ...args], { env: { ...process.env, ...env }, encoding: 'utf8' });
    const wall = performance.now() - started;
    if (result.status !== 0) throw new Error(`vigil ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
    if (run === 0) continue; // warm-up: tsx's transform cache, the page cache
    walls.push(wall);
    cpus.push(childrenCpuMs() - cpuBefore);
  }
  return { wallMs: round(median(walls), 0), cpuMs: round(median(cpus), 0) };
}

const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-cli-'));
try {
  const env = { DATABASE_URL: join(dir, 'vigil.db'), VIGIL_CONFIG: join(REPO_ROOT, 'vigil.config.yaml') };
  spawnSync(process.execPath, [entry, 'keys', 'create', '--source', 'support-bot', '--name', 'bench'], { env: { ...process.env, ...env } });
  // A missing or stale build (older than a source file) is not measured: bin/vigil.js would refuse it.
  const hasBuild =
    existsSync(join(entry, '../../dist/cli.js')) &&
    spawnSync(process.execPath, [entry, '--help'], { env: { ...process.env, ...env, VIGIL_CLI_RUNTIME: 'compiled' } }).status === 0;
  const runtimes = hasBuild ? (['compiled', 'tsx'] as const) : (['tsx'] as const);
  const lines = [`vigil CLI, median of ${RUNS} runs (${entry}), load average ${loadavg()[0]!.toFixed(1)}`];
  const figures: Record<string, number | string> = { runs: RUNS, load_average_1m: round(loadavg()[0]!) };
  for (const runtime of runtimes) {
    const runtimeEnv = { ...env, VIGIL_CLI_RUNTIME: runtime };
    for (const [name, args] of [['help', ['--help']], ['keys_list', ['keys', 'list']]] as const) {
      const { wallMs, cpuMs } = measure([...args], runtimeEnv);
      lines.push(`  ${runtime.padEnd(8)} vigil ${args.join(' ').padEnd(10)} ${String(wallMs).padStart(6)} ms wall  ${String(cpuMs).padStart(6)} ms CPU`);
      figures[`${name}_${runtime}_wall_ms`] = wallMs;
      figures[`${name}_${runtime}_cpu_ms`] = cpuMs;
    }
  }
  if (!hasBuild) lines.push('  (no current dist/: run `npm run build` to measure the compiled CLI)');
  report(lines, figures);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
