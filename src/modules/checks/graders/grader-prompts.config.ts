import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assertUniqueGraderNames, parseGraderPrompt, type GraderPrompt } from './grader-prompts.models.ts';

/**
 * Reads every `*.md` file of `dir` as a grader, sorted by file name so the order is
 * stable. Throws on the first bad file with `<path>: <field>: <problem>`, which the
 * start-up prints as its one clear line.
 */
export async function loadGraderPrompts(dir: string): Promise<GraderPrompt[]> {
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((entry) => entry.isFile() && entry.name.endsWith('.md') && entry.name.toLowerCase() !== 'readme.md')
    .map((entry) => entry.name)
    .sort();
  const prompts: GraderPrompt[] = [];
  for (const name of names) {
    const path = join(dir, name);
    prompts.push(parseGraderPrompt(path, await readFile(path)));
  }
  assertUniqueGraderNames(prompts);
  return prompts;
}
