import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createTempDir } from '../helpers/temp-dir.ts';
import { REPO_ROOT } from '../helpers/vigil-process.ts';

// `vigil` installed globally and run from another directory: with no config file there and no
// DATABASE_URL, it used to create an empty ./data/vigil.db and report "No API keys yet".

const run = promisify(execFile);

describe('the vigil command outside the directory Vigil runs in', { timeout: 60_000 }, () => {
  const dir = createTempDir('vigil-elsewhere-');
  afterAll(() => dir.remove());
  const vigil = (args: string[], env: Record<string, string> = {}) =>
    run(process.execPath, [join(REPO_ROOT, 'bin/vigil.js'), ...args], { cwd: dir.path, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env } }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );

  it('refuses, naming what is missing, and creates no database', async () => {
    const result = await vigil(['keys', 'list']);
    expect(result).toMatchObject({ code: 78, stdout: '' });
    expect(result.stderr).toBe(
      `vigil: no ./vigil.config.yaml here (${dir.path}) and DATABASE_URL is not set: run vigil in the directory Vigil runs in, or set DATABASE_URL (and VIGIL_CONFIG)\n`,
    );
    expect(existsSync(join(dir.path, 'data'))).toBe(false);
  });

  it('works there once DATABASE_URL says where the database is', async () => {
    const result = await vigil(['migrate'], { DATABASE_URL: join(dir.path, 'vigil.db') });
    expect(result).toMatchObject({ code: 0, stdout: expect.stringMatching(/migration\(s\) applied to /) });
  });
});
