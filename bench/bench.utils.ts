import { spawn, type ChildProcess } from 'node:child_process';
import type { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// Shared by the bench:* scripts: flags, percentiles, a Vigil child process, and
// the output contract (human lines, then with --json one JSON object as the last line).

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const wantsJson = process.argv.includes('--json');

export interface AutocannonResult {
  requests: { average: number; total: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (options: Record<string, unknown>) => EventEmitter & PromiseLike<AutocannonResult>;
/** The HTTP load generator of bench:check; autocannon ships no types, so only the part used is declared. */
export const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/** `--name value` among `choices`, or `fallback`. */
export function readChoiceFlag<T extends string>(name: string, choices: readonly T[], fallback: T): T {
  const index = process.argv.indexOf(`--${name}`);
  if (index === -1) return fallback;
  const value = process.argv[index + 1] as T;
  if (!choices.includes(value)) throw new Error(`--${name} must be one of ${choices.join(', ')}`);
  return value;
}

export function readNumberFlag(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  if (index === -1) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export const round = (value: number, digits = 2) => Number(value.toFixed(digits));

export function report(lines: string[], figures: Record<string, number | string | boolean>) {
  for (const line of lines) console.log(line);
  if (wantsJson) console.log(JSON.stringify(figures));
}

/** CPU time a process (all its threads) has used in user and kernel mode, in ms, from /proc (Linux; clock ticks are 1/100 s). */
export function readCpuMs(pid: number): { user: number; system: number; total: number } {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const user = Number(fields[11]) * 10;
  const system = Number(fields[12]) * 10;
  return { user, system, total: user + system };
}

/**
 * CPU time, in ms, of a process's main thread (its thread id is the process id) and of all its
 * other threads together (worker threads, V8's GC helpers, libuv's pool), from /proc (Linux).
 */
export function readThreadCpuMs(pid: number): { main: number; others: number } {
  let main = 0;
  let others = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended between the listing and the read
    }
    const fields = stat.split(') ')[1]!.split(' ');
    const ms = (Number(fields[11]) + Number(fields[12])) * 10;
    if (Number(tid) === pid) main += ms;
    else others += ms;
  }
  return { main, others };
}

/** Peak resident set size of a process, from /proc (Linux). */
export function readPeakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = status.match(/VmHWM:\s+(\d+) kB/);
  return match ? Number(match[1]) / 1024 : NaN;
}

export interface VigilChild {
  url: string;
  process: ChildProcess;
  stop(): Promise<number | null>;
}

/** Starts `src/main.ts` in its own process, like `npm start`, and waits for it to listen; `nodeArgs` go before the entry (e.g. --cpu-prof). */
export async function startVigilProcess(env: Record<string, string>, nodeArgs: string[] = []): Promise<VigilChild> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/main.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolvePromise, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const match = buffered.match(/"address":"([^"]+)".*"msg":"vigil listening"/);
      if (match) resolvePromise(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`vigil exited early with code ${code}`)));
  });
  child.stdout!.resume();
  return {
    url,
    process: child,
    stop: () =>
      new Promise((resolvePromise) => {
        if (child.exitCode !== null) return resolvePromise(child.exitCode);
        child.once('exit', (code) => resolvePromise(code));
        child.kill('SIGTERM');
      }),
  };
}
