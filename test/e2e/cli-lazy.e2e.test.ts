import { execFile } from 'node:child_process';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createTempDir } from '../helpers/temp-dir.ts';
import { REPO_ROOT } from '../helpers/vigil-process.ts';

// Every command used to load every module (3 s of CPU before `--help` printed a line). The
// CLI now loads the module of the command it runs, and `--help` none: checked here on the
// list of files a real `vigil` process loads, not on a clock.

const run = promisify(execFile);

async function loadedFiles(args: string[], env: Record<string, string>): Promise<{ stdout: string; files: string[] }> {
  const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', '--import', './test/helpers/report-loaded-modules.ts', 'src/cli.ts', ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
  });
  const line = stderr.split('\n').find((text) => text.startsWith('loaded-modules: '));
  const urls = JSON.parse(line!.slice('loaded-modules: '.length)) as string[];
  return { stdout, files: urls.filter((url) => !url.includes('/node_modules/')).map((url) => relative(REPO_ROOT, fileURLToPath(url))) };
}

describe('the CLI loads only what the command needs', { timeout: 30_000 }, () => {
  const dir = createTempDir('vigil-cli-lazy-');
  afterAll(() => dir.remove());
  const env = { DATABASE_URL: join(dir.path, 'vigil.db'), VIGIL_CONFIG: join(REPO_ROOT, 'vigil.config.yaml') };

  it('vigil --help lists every command without loading any module', async () => {
    const { stdout, files } = await loadedFiles(['--help'], env);
    expect(stdout).toMatch(/keys\s+manage API keys/);
    expect(stdout).toMatch(/calibrate\s+a grader's calibration report/);
    expect(files.filter((file) => file.startsWith('src/modules/'))).toEqual([]);
  });

  it('vigil keys list loads the api-keys commands and no other command module, nor the sources file schema', async () => {
    const { files } = await loadedFiles(['keys', 'list'], env);
    expect(files.filter((file) => file.endsWith('.cli.ts'))).toEqual(['src/modules/api-keys/api-keys.cli.ts']);
    // Listing keys needs the database, not the sources: their schema (every module's fragment) stays unloaded.
    expect(files.filter((file) => file.endsWith('.config.ts'))).toEqual([]);
  });

  it('a command that needs the sources still reads them (vigil keys create checks the source exists)', async () => {
    const { files } = await loadedFiles(['keys', 'create', '--source', 'support-bot'], env);
    expect(files).toContain('src/modules/sources/sources.config.ts');
  });
});
