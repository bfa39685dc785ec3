import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parseDocument, stringify } from 'yaml';
import { withContext, type CliContext } from '../../cli/cli.context.ts';
import { createErrorFactory } from '../../platform/errors.ts';
import { formatIssuePath } from '../../shared/validation.ts';
import { PROMPTS_DIR } from '../checks/checks.module.ts';
import { loadGraderPrompts } from '../checks/graders/grader-prompts.config.ts';
import { diffGuardrailSpecs, formatGuardrailDiff, guardrailChangeSchema } from './guardrail-change.models.ts';
import { createGuardrailVersionNotFoundError, createUnknownGuardrailSourceError } from './guardrails.errors.ts';
import { guardrailSpecSchema, toGuardrailJson, type GuardrailSpec, type GuardrailVersion } from './guardrails.models.ts';
import { createGuardrailsRepository } from './guardrails.repository.ts';
import { buildGuardrailSeeds } from './guardrails-seed.usecases.ts';
import { createGuardrailVersion, importGuardrailSpec, revertGuardrailVersion, seedGuardrails, setKillSwitch, type GuardrailsDeps, type VersionResult } from './guardrails.usecases.ts';

// `vigil guardrails …`: a running Vigil picks a version written here up within its poll
// interval, and sends its webhook (queued here in the outbox) with the source's secret.

const createInvalidImportError = createErrorFactory({
  code: 'guardrail.invalid_import',
  statusCode: 400,
  message: (file: string, problem: string) => `Invalid guardrail file ${file}: ${problem}`,
});

const createInvalidArgumentError = createErrorFactory({ code: 'cli.invalid_argument', statusCode: 400, message: (message: string) => message });

const print = (line = ''): void => {
  process.stdout.write(`${line}\n`);
};

/** Guardrail deps for the CLI, with every configured source seeded (a fresh database has none). */
export async function openGuardrails(context: CliContext): Promise<GuardrailsDeps> {
  const sources = context.config.sources;
  const deps: GuardrailsDeps = {
    repository: createGuardrailsRepository({ db: context.database.db }),
    clock: context.clock,
    webhookUrlOf: (source) => sources.sources[source]?.guardrails.webhook?.url,
  };
  const prompts = new Map((await loadGraderPrompts(PROMPTS_DIR)).map((prompt) => [prompt.name, prompt]));
  await seedGuardrails(deps, buildGuardrailSeeds(sources, prompts, context.config.configPath));
  return deps;
}

async function readLatest(deps: GuardrailsDeps, context: CliContext, source: string): Promise<GuardrailVersion> {
  if (!context.knownSources.includes(source)) throw createUnknownGuardrailSourceError(source);
  const latest = await deps.repository.findLatest(source);
  if (!latest) throw createGuardrailVersionNotFoundError(source, 1);
  return latest;
}

function printResult(result: VersionResult) {
  const { version } = result;
  if (!result.created) return print(`No change: ${version.source} stays at v${version.version}.`);
  print(`${version.source}: v${version.version} created (${version.kind}) by ${version.actor}.`);
  for (const line of formatGuardrailDiff(version.diff)) print(`  ${line}`);
}

/** `{ source: spec }` from YAML; omitted sections (and omitted detectors) keep their current value. */
function parseImportFile(file: string, text: string): Record<string, Partial<GuardrailSpec>> {
  const document = parseDocument(text, { prettyErrors: false });
  if (document.errors.length > 0) throw createInvalidImportError(file, `YAML syntax: ${document.errors[0]!.message.split('\n')[0]}`);
  const value = document.toJS() as unknown;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw createInvalidImportError(file, 'expected a map of source name → guardrail');
  return value as Record<string, Partial<GuardrailSpec>>;
}

export function registerGuardrailCommands(program: Command) {
  const guardrails = program.command('guardrails').description('show, change, import and revert live guardrails');

  guardrails
    .command('show <source>')
    .description('print the current guardrail as YAML (importable), or one version')
    .option('--version <n>', 'an earlier version', (value) => Number(value))
    .option('--json', 'the API JSON, with actor, reason and diff')
    .action(
      withContext(async (context, source: string, options: { version?: number; json?: boolean }) => {
        const deps = await openGuardrails(context);
        const latest = await readLatest(deps, context, source);
        const shown = options.version === undefined ? latest : await deps.repository.findVersion(source, options.version);
        if (!shown) throw createGuardrailVersionNotFoundError(source, options.version ?? 0);
        if (options.json) return print(JSON.stringify(toGuardrailJson(shown), null, 2));
        print(`# ${source} v${shown.version} (${shown.kind}) by ${shown.actor} at ${new Date(shown.createdAt).toISOString()}: ${shown.reason}`);
        process.stdout.write(stringify({ [source]: shown.spec }));
      }),
    );

  guardrails
    .command('history <source>')
    .description('list versions, newest first')
    .option('--limit <n>', 'how many', (value) => Number(value), 20)
    .action(
      withContext(async (context, source: string, options: { limit: number }) => {
        const deps = await openGuardrails(context);
        await readLatest(deps, context, source);
        for (const version of await deps.repository.list(source, { limit: options.limit })) {
          print(`v${version.version}\t${new Date(version.createdAt).toISOString()}\t${version.kind}\t${version.actor}\t${version.reason}`);
          for (const line of formatGuardrailDiff(version.diff)) print(`\t${line}`);
        }
      }),
    );

  guardrails
    .command('import <file>')
    .description('YAML of per-source guardrails (as `show` prints): prints the diff, writes only with --yes')
    .option('--yes', 'create the new versions')
    .option('--reason <text>', 'kept with each version and in the audit log')
    .action(
      withContext(async (context, file: string, options: { yes?: boolean; reason?: string }) => {
        const deps = await openGuardrails(context);
        const wanted = parseImportFile(file, readFileSync(file, 'utf8'));
        const plans: { source: string; spec: GuardrailSpec; latest: GuardrailVersion }[] = [];
        for (const [source, partial] of Object.entries(wanted)) {
          const latest = await readLatest(deps, context, source);
          // Sections replace the current ones; detectors merge, since every source has all five.
          const result = guardrailSpecSchema.safeParse({ ...latest.spec, ...partial, detectors: { ...latest.spec.detectors, ...partial.detectors } });
          if (!result.success) {
            const issue = result.error.issues[0]!;
            throw createInvalidImportError(file, `${source}.${formatIssuePath(issue.path)}: ${issue.message}`);
          }
          plans.push({ source, spec: result.data, latest });
        }
        let changes = 0;
        for (const plan of plans) {
          const diff = diffGuardrailSpecs(plan.latest.spec, plan.spec);
          changes += diff.length;
          print(diff.length === 0 ? `${plan.source}: no change (v${plan.latest.version})` : `${plan.source}: v${plan.latest.version} → v${plan.latest.version + 1}`);
          for (const line of formatGuardrailDiff(diff)) print(`  ${line}`);
        }
        if (changes === 0) return;
        if (!options.yes) return print('Dry run: nothing written. Re-run with --yes to create the new version(s).');
        for (const plan of plans) {
          printResult(await importGuardrailSpec(deps, { source: plan.source, spec: plan.spec, actor: context.actor, reason: options.reason ?? `imported from ${file}` }));
        }
      }),
    );

  guardrails
    .command('change <source>')
    .description('apply a change given as JSON (the API body\'s "change"), on top of the latest version')
    .requiredOption('--json <change>', 'e.g. {"blocklist":{"add_patterns":["refund\\\\s+guaranteed"]}}')
    .requiredOption('--reason <text>', 'kept with the version and in the audit log')
    .action(
      withContext(async (context, source: string, options: { json: string; reason: string }) => {
        const deps = await openGuardrails(context);
        await readLatest(deps, context, source);
        let raw: unknown;
        try {
          raw = JSON.parse(options.json);
        } catch (error) {
          throw createInvalidArgumentError(`--json is not valid JSON: ${(error as Error).message}`);
        }
        const change = guardrailChangeSchema.safeParse(raw);
        if (!change.success) throw createInvalidArgumentError(`--json: ${formatIssuePath(change.error.issues[0]!.path)}: ${change.error.issues[0]!.message}`);
        printResult(await createGuardrailVersion(deps, { source, change: change.data, actor: context.actor, reason: options.reason }));
      }),
    );

  guardrails
    .command('revert <source> <version>')
    .description('create a new version equal to an earlier one')
    .requiredOption('--reason <text>', 'kept with the version and in the audit log')
    .action(
      withContext(async (context, source: string, version: string, options: { reason: string }) => {
        const deps = await openGuardrails(context);
        await readLatest(deps, context, source);
        printResult(await revertGuardrailVersion(deps, { source, version: Number(version), actor: context.actor, reason: options.reason }));
      }),
    );

  guardrails
    .command('kill-switch <source> <state>')
    .description('on: /v1/check blocks everything with the fallback message; off: back to normal')
    .requiredOption('--reason <text>', 'kept with the version and in the audit log')
    .option('--message <text>', 'the fallback message the app shows')
    .action(
      withContext(async (context, source: string, state: string, options: { reason: string; message?: string }) => {
        if (state !== 'on' && state !== 'off') throw createInvalidArgumentError('state must be on or off');
        const deps = await openGuardrails(context);
        await readLatest(deps, context, source);
        printResult(await setKillSwitch(deps, { source, on: state === 'on', message: options.message, actor: context.actor, reason: options.reason }));
      }),
    );
}
