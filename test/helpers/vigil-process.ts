import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// Runs Vigil as a real child process (`node --import tsx src/main.ts`), the way an
// operator does: durability and shutdown can only be tested across a process that
// really exits. Every child is tracked so that `killVigilProcesses()` in afterAll,
// or the worker's own exit, takes it down even when a test fails half-way.

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const running = new Set<ChildProcess>();

process.once('exit', () => killVigilProcesses());

/** SIGKILLs every child still running. Call it in afterAll: no child outlives its test file. */
export function killVigilProcesses(): void {
  for (const child of running) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  running.clear();
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A child process environment built from scratch: the tests' own variables (NODE_OPTIONS, tokens…) do not leak in. */
function buildChildEnv(env: Record<string, string>): Record<string, string> {
  const inherited = Object.fromEntries(
    (['PATH', 'HOME', 'TMPDIR', 'USER'] as const).flatMap((name) => (process.env[name] ? [[name, process.env[name]!]] : [])),
  );
  return { ...inherited, ...env };
}

function spawnVigilScript(script: 'src/main.ts' | 'src/cli.ts', args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: REPO_ROOT,
    env: buildChildEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<ExitStatus>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

function withTimeout<T>(promise: Promise<T>, ms: number, describe: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(describe())), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export interface CommandResult extends ExitStatus {
  stdout: string;
  stderr: string;
}

/** Runs `src/cli.ts` or `src/main.ts` to completion (a CLI command, or a start that must fail). */
export async function runVigilCommand(
  script: 'src/main.ts' | 'src/cli.ts',
  args: string[],
  options: { env: Record<string, string>; timeoutMs?: number },
): Promise<CommandResult> {
  const run = spawnVigilScript(script, args, options.env);
  const status = await withTimeout(run.exited, options.timeoutMs ?? 15_000, () => {
    run.child.kill('SIGKILL');
    return `${script} ${args.join(' ')} did not exit; stderr: ${run.stderr()}`;
  });
  return { ...status, stdout: run.stdout(), stderr: run.stderr() };
}

export const runVigilCli = (args: string[], env: Record<string, string>) => runVigilCommand('src/cli.ts', args, { env });

export interface VigilProcess {
  /** `http://127.0.0.1:<port>`, from the "vigil listening" log line. */
  url: string;
  pid: number;
  /** Every JSON log line written to stdout so far. */
  logs(): Record<string, unknown>[];
  stderr(): string;
  /** Resolves when the process has exited (whatever the reason). */
  exited: Promise<ExitStatus>;
  /** Resolves with the first log line that matches, already written or still to come. */
  waitForLog(matches: (entry: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Sends a signal now (e.g. SIGTERM while requests are in flight); `stop()` then only waits. */
  signal(signal: NodeJS.Signals): void;
  /**
   * Sends the signal (unless one was already sent: a second SIGTERM would force the exit)
   * and resolves with the exit status; SIGKILLs and rejects if it does not exit in time.
   */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<ExitStatus>;
}

function parseLogLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
}

/**
 * Starts `src/main.ts` with the given environment (PORT 0 on 127.0.0.1 unless set) and
 * resolves once it logs "vigil listening"; rejects with its stderr if it exits first.
 */
export async function startVigilProcess(options: { env: Record<string, string>; readyTimeoutMs?: number }): Promise<VigilProcess> {
  const run = spawnVigilScript('src/main.ts', [], { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...options.env });
  const listening = new Promise<string>((resolve, reject) => {
    const onData = () => {
      const line = parseLogLines(run.stdout()).find((entry) => entry.msg === 'vigil listening');
      if (typeof line?.address === 'string') {
        run.child.stdout!.off('data', onData);
        resolve(line.address);
      }
    };
    run.child.stdout!.on('data', onData);
    run.exited.then(
      (status) => reject(new Error(`vigil exited before listening (code ${status.code}, signal ${status.signal}): ${run.stderr()}`)),
      reject,
    );
  });
  const url = await withTimeout(listening, options.readyTimeoutMs ?? 20_000, () => {
    run.child.kill('SIGKILL');
    return `vigil did not log "vigil listening" in time; stderr: ${run.stderr()}`;
  });
  let signalled = false;
  const sendSignal = (signal: NodeJS.Signals) => {
    signalled = true;
    run.child.kill(signal);
  };
  return {
    url,
    pid: run.child.pid!,
    signal: sendSignal,
    logs: () => parseLogLines(run.stdout()),
    stderr: run.stderr,
    exited: run.exited,
    waitForLog(matches, timeoutMs = 10_000) {
      const found = new Promise<Record<string, unknown>>((resolve) => {
        const check = () => {
          const entry = parseLogLines(run.stdout()).find(matches);
          if (!entry) return false;
          run.child.stdout!.off('data', check);
          resolve(entry);
          return true;
        };
        if (!check()) run.child.stdout!.on('data', check);
      });
      return withTimeout(found, timeoutMs, () => `no matching log line within ${timeoutMs} ms; stdout: ${run.stdout().slice(-2000)}`);
    },
    async stop(signal = 'SIGTERM', timeoutMs = 15_000) {
      if (!signalled && run.child.exitCode === null && run.child.signalCode === null) sendSignal(signal);
      return withTimeout(run.exited, timeoutMs, () => {
        run.child.kill('SIGKILL');
        return `vigil did not exit within ${timeoutMs} ms of ${signal}; stderr: ${run.stderr()}`;
      });
    },
  };
}
