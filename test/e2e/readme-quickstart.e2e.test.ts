import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findFreePort, isPortFree, killTree, processGroupMembers, survivorsAfter } from '../helpers/process-tree.ts';
import { createTempDir } from '../helpers/temp-dir.ts';
import { REPO_ROOT } from '../helpers/vigil-process.ts';

// The README's quickstart, taken from README.md as it is and run in bash against a fresh start,
// as a new user pastes it. It used to break: a comment after a line-continuation backslash ended
// the command, and nothing waited for the server. Only the port and the database file differ
// (PORT and DATABASE_URL in the environment), so that the test shares the machine.

function readQuickstart(): string {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Quickstart'));
  const block = /```sh\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('README.md has no ```sh block under "## Quickstart"');
  return block[1]!;
}

describe('the README quickstart', { timeout: 240_000 }, () => {
  const dir = createTempDir('vigil-quickstart-');
  let bash: ChildProcess | undefined;
  let server: number[] = [];
  afterAll(() => {
    for (const pid of [...server, ...(bash?.pid ? [bash.pid] : [])]) killTree(pid);
    dir.remove();
  });

  it('runs unchanged when pasted into bash: the event is accepted, read back, and its release listed', async () => {
    const port = await findFreePort();
    bash = spawn('bash', ['-c', readQuickstart()], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: String(port), DATABASE_URL: join(dir.path, 'vigil.db') },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, which the background `npm start` stays in
    });
    let stdout = '';
    let stderr = '';
    bash.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    bash.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    // Vigil, started with `&`, outlives bash (and keeps its output open), as in a terminal.
    const [code] = (await once(bash, 'exit')) as [number | null];
    server = processGroupMembers(bash.pid!);

    expect({ code, stderr: stderr.split('\n').filter((line) => /command not found|curl: \(|error/i.test(line)) }).toEqual({ code: 0, stderr: [] });
    expect(stdout).toContain('{"accepted":1,"duplicates":0,"ids":["chat-42"]}');
    expect(stdout).toMatch(/"id":"chat-42","source":"support-bot"/);
    expect(stdout).toMatch(/"detector":"pii","kind":"email"/);
    expect(stdout).toMatch(/r-2026\.11\.20\tlive/);
    expect(await isPortFree(port)).toBe(false);

    // What `kill %1` does in the user's terminal: the background job gets SIGTERM, and stops whole.
    process.kill(-bash.pid!, 'SIGTERM');
    expect(await survivorsAfter(server, 60_000)).toEqual([]);
    expect(await isPortFree(port)).toBe(true);
  });
});
