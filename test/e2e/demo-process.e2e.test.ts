import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/vigil-process.ts';

// `npm run demo` as a person runs it: cards on the sandbox page with no credentials in the
// environment, and SIGTERM to npm (what a supervisor or `kill` sends) leaves no process of
// the demo behind: npm, the shell, tsx and Vigil all exit.

function isGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm run demo', () => {
  let pgid: number | undefined;
  afterAll(() => {
    if (pgid !== undefined && isGroupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
  });

  it('shows cards with no credentials, and SIGTERM stops every process it started', async () => {
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', PORT: '0', LOG_LEVEL: 'silent' };
    const child = spawn('npm', ['run', '-s', 'demo'], { cwd: REPO_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    pgid = child.pid!;
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));

    await expect.poll(() => /Open the Slack sandbox:\s+(\S+)/.exec(output)?.[1], { timeout: 60_000, interval: 200 }).toBeTruthy();
    const page = new URL(/Open the Slack sandbox:\s+(\S+)/.exec(output)![1]!);
    expect(page.hostname).toBe('127.0.0.1');
    const cards = async () => {
      const state = (await (await fetch(`${page.origin}/sandbox/state`)).json()) as { messages: { blocks: unknown[] }[] };
      return state.messages.filter((message) => JSON.stringify(message.blocks).includes('"review.approve"')).length;
    };
    await expect.poll(cards, { timeout: 30_000, interval: 250 }).toBeGreaterThan(0);

    process.kill(child.pid!, 'SIGTERM');
    await exited;
    await expect.poll(() => isGroupAlive(pgid!), { timeout: 10_000, interval: 100 }).toBe(false);
    await expect(fetch(`${page.origin}/sandbox/state`)).rejects.toThrow();
  }, 120_000);
});
