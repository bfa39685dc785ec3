import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { SourceConfig } from '../sources/sources.config.ts';
import { assertUniqueProbeNames, parseProbeFile, selectSourceProbes, type Probe } from './probes.models.ts';
import type { RunProbesInput } from './probes.usecases.ts';

// The probe library on disk, and what one source's probe run is made of: its probes, its
// target, its canaries and system prompt (for leak conditions) and its limits.

export const PROBES_DIR = resolve(import.meta.dirname, '../../../prompts/probes');

/**
 * Reads every `*.yaml` / `*.yml` file of `dir`, sorted by file name. Throws on the first bad
 * file with `<path>: <field>: <problem>`, which the start-up prints as its one clear line.
 */
export async function loadProbeLibrary(dir = PROBES_DIR): Promise<Probe[]> {
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => entry.name)
    .sort();
  const probes: Probe[] = [];
  for (const name of names) {
    const path = join(dir, name);
    probes.push(parseProbeFile(path, await readFile(path, 'utf8')));
  }
  assertUniqueProbeNames(probes);
  return probes;
}

/** The run input for one source, or null when the source has no `monitoring.probes` block. */
export function planProbeRun(
  source: string,
  config: Pick<SourceConfig, 'checks' | 'monitoring'>,
  library: readonly Probe[],
  options: { release: string | null; now: number; only?: readonly string[] },
): RunProbesInput | null {
  const probes = config.monitoring.probes;
  if (!probes) return null;
  const leak = config.checks.prompt_leak;
  const systemPrompt = (probes.target.kind === 'openai_chat' ? probes.target.system_prompt : undefined) ?? leak.system_prompt;
  return {
    source,
    target: probes.target,
    probes: selectSourceProbes(source, options.only ?? probes.only, library),
    canaries: probes.canaries ?? leak.canaries,
    ...(systemPrompt !== undefined ? { systemPrompt } : {}),
    minLeakChars: leak.min_leak_chars,
    release: options.release,
    now: options.now,
    limits: { ratePerMinute: probes.rate_per_minute, timeoutMs: probes.timeout_ms, concurrency: probes.concurrency },
    openIncident: probes.open_incident,
  };
}
