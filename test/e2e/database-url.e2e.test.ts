import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTempDir } from '../helpers/temp-dir.ts';
import { killVigilProcesses, runVigilCommand } from '../helpers/vigil-process.ts';

// A DATABASE_URL that cannot be used stops the start with one line that names the variable,
// and exit 78 (EX_CONFIG), like any other bad setting. It used to say "unable to open database
// file" or "EEXIST … mkdir" and exit 1, and a path under /proc hung (Node's recursive mkdir
// loops there forever).

describe('a DATABASE_URL that cannot be used', { timeout: 180_000 }, () => {
  const dir = createTempDir('vigil-database-url-');
  const file = join(dir.path, 'a-file');
  writeFileSync(file, 'not a directory');
  mkdirSync(join(dir.path, 'a-directory.db'));
  afterAll(() => {
    killVigilProcesses();
    dir.remove();
  });
  const start = (databaseUrl: string, script: 'src/main.ts' | 'src/cli.ts' = 'src/main.ts', args: string[] = []) =>
    runVigilCommand(script, args, { env: { PORT: '0', DATABASE_URL: databaseUrl, VIGIL_CONFIG: join(process.cwd(), 'vigil.config.yaml') }, timeoutMs: 150_000 });

  it.concurrent('whose parent is a file: names the variable and the file, exit 78', async () => {
    const result = await start(join(file, 'vigil.db'));
    expect(result).toMatchObject({ code: 78, stdout: '' });
    expect(result.stderr).toBe(`vigil: Invalid environment: DATABASE_URL: ${file} is a file, not a directory (database ${join(file, 'vigil.db')})\n`);
  });

  it.concurrent('under /proc, where no directory can be made: answers at once instead of hanging', async () => {
    const result = await start('/proc/vigil-test-no-such-dir/vigil.db');
    expect(result).toMatchObject({ code: 78, stdout: '' });
    expect(result.stderr).toMatch(/^vigil: Invalid environment: DATABASE_URL: cannot create the directory \/proc\/vigil-test-no-such-dir \(E[A-Z]+\) for the database \/proc\/vigil-test-no-such-dir\/vigil\.db\n$/);
  });

  it.concurrent('that is a directory: says so, exit 78', async () => {
    const result = await start(join(dir.path, 'a-directory.db'));
    expect(result).toMatchObject({ code: 78, stdout: '' });
    expect(result.stderr).toBe(`vigil: Invalid environment: DATABASE_URL: cannot open ${join(dir.path, 'a-directory.db')} as a SQLite database: it is a directory\n`);
  });

  it.concurrent('a file SQLite cannot open (/proc/self/status): names the variable, exit 78', async () => {
    const result = await start('/proc/self/status');
    expect(result).toMatchObject({ code: 78, stdout: '' });
    expect(result.stderr).toMatch(/^vigil: Invalid environment: DATABASE_URL: cannot open \/proc\/self\/status as a SQLite database: .+\n$/);
  });

  it.concurrent('the CLI says the same, with the same exit code', async () => {
    const result = await start(join(file, 'vigil.db'), 'src/cli.ts', ['keys', 'list']);
    expect(result).toMatchObject({ code: 78, stdout: '' });
    expect(result.stderr).toBe(`vigil: Invalid environment: DATABASE_URL: ${file} is a file, not a directory (database ${join(file, 'vigil.db')})\n`);
  });
});
