#!/usr/bin/env node
// The `vigil` command. It runs the compiled CLI (dist/, from `npm run build`) when that build is
// at least as new as every source file: plain Node answers `vigil --help` in about 0.15 s of
// CPU, where compiling the TypeScript on the fly (tsx) costs 0.5–1.5 s per run (docs/benchmarks.md).
// Without a build, or with a stale one, it runs the sources through tsx, so a fresh clone still
// needs only `npm install`.
import { existsSync, readdirSync, statSync } from 'node:fs';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const compiled = `${root}dist/cli.js`;

function isBuildCurrent() {
  if (!existsSync(compiled)) return false;
  const builtAt = statSync(compiled).mtimeMs;
  const sources = readdirSync(`${root}src`, { recursive: true, withFileTypes: true });
  return sources.every((entry) => !entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts') || statSync(`${entry.parentPath}/${entry.name}`).mtimeMs <= builtAt);
}

// VIGIL_CLI_RUNTIME=tsx|compiled forces one way (bench:cli measures both).
const runtime = process.env.VIGIL_CLI_RUNTIME ?? (isBuildCurrent() ? 'compiled' : 'tsx');
if (runtime === 'compiled') {
  if (!isBuildCurrent()) {
    process.stderr.write('vigil: VIGIL_CLI_RUNTIME=compiled, but dist/ is missing or older than src/: run npm run build\n');
    process.exit(1);
  }
  await import(compiled);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli.ts');
}
