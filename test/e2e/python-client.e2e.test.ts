import { execFile, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestVigil, type TestVigil } from '../helpers/test-vigil.ts';

// @store independent: the Python client against the HTTP API (ingest on PostgreSQL is ingestion.e2e)

// The Python client's unittest suite, against this suite's real Vigil.
const pythonDir = fileURLToPath(new URL('../../clients/python/', import.meta.url));
const hasPython = spawnSync('python3', ['--version']).status === 0;

describe.skipIf(!hasPython)(hasPython ? 'Python client (python3 -m unittest)' : 'Python client: skipped because python3 is absent from PATH', () => {
  let vigil: TestVigil;
  let unreachable: string;
  beforeAll(async () => {
    const gone = await startTestVigil();
    await gone.stop();
    unreachable = gone.url;
    vigil = await startTestVigil();
  });
  afterAll(() => vigil.stop());

  it('passes every test against the real server', async () => {
    const env = { ...process.env, VIGIL_URL: vigil.url, VIGIL_API_KEY: await vigil.createKey(), VIGIL_UNREACHABLE_URL: unreachable, PYTHONDONTWRITEBYTECODE: '1' };
    const result = await promisify(execFile)('python3', ['-m', 'unittest', '-v', 'tests.test_client'], { cwd: pythonDir, env }).catch((error: { stdout: string; stderr: string }) => error);
    expect(Number(/Ran (\d+) tests/.exec(result.stderr)?.[1])).toBeGreaterThanOrEqual(10);
    expect(result.stderr).toMatch(/\nOK\n/);
    expect(result.stderr).not.toMatch(/skipped/);
  }, 60_000);
});
