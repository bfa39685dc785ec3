import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// Shared by the bench:* scripts: flags, percentiles, a Vigil child process, and
// the output contract (human lines, then with --json one JSON object as the last line).

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const wantsJson = process.argv.includes('--json');

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

/** Starts `src/main.ts` in its own process, like `npm start`, and waits for it to listen. */
export async function startVigilProcess(env: Record<string, string>): Promise<VigilChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
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
