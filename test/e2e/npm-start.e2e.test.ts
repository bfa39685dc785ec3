import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { descendantsOf, findFreePort, isPortFree, killTree, survivorsAfter } from '../helpers/process-tree.ts';
import { createTempDir } from '../helpers/temp-dir.ts';
import { REPO_ROOT } from '../helpers/vigil-process.ts';

// `npm start & P=$!; …; kill $P` used to stop npm and leave the server running with its port
// taken: npm ran `sh -c "tsx src/main.ts"`, tsx started node, and the signal never got that far.
// npm forwards SIGTERM to its child; `exec node …` makes that child the server itself.

describe('npm start', { timeout: 150_000 }, () => {
  const dir = createTempDir('vigil-npm-start-');
  let npm: ChildProcess | undefined;
  let tree: number[] = [];
  afterAll(() => {
    // Orphans (the failure this test is about) no longer hang under npm: kill them by pid.
    if (npm?.pid) killTree(npm.pid);
    for (const pid of tree) killTree(pid);
    dir.remove();
  });

  it('stops the server, graceful and whole, when its own pid gets SIGTERM: no process left, the port free', async () => {
    const port = await findFreePort();
    npm = spawn('npm', ['start'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: String(port), DATABASE_URL: join(dir.path, 'vigil.db') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = once(npm, 'exit');
    let stdout = '';
    npm.stdout!.setEncoding('utf8');
    const listening = new Promise<void>((resolve, reject) => {
      npm!.stdout!.on('data', (chunk: string) => {
        stdout += chunk;
        if (stdout.includes('"msg":"vigil listening"')) resolve();
      });
      void exited.then(() => reject(new Error(`npm start exited before listening: ${stdout}`)));
    });
    await listening;
    tree = descendantsOf(npm.pid!);
    expect(tree.length).toBeGreaterThan(0);
    expect(await isPortFree(port)).toBe(false);

    npm.kill('SIGTERM');
    await exited;
    expect(await survivorsAfter(tree, 60_000)).toEqual([]);
    expect(await isPortFree(port)).toBe(true);
    // The server itself got the signal and shut down in order (not killed with its parent).
    expect(stdout).toMatch(/"signal":"SIGTERM","msg":"shutting down"/);
    expect(stdout).toContain('"msg":"stopped"');
  });
});
