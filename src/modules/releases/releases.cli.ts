import type { Command } from 'commander';
import { withContext, type CliContext } from '../../cli/cli.context.ts';
import { openGuardrails } from '../guardrails/guardrails.cli.ts';
import { formatGuardrailDiff } from '../guardrails/guardrail-change.models.ts';
import { createUnknownReleaseSourceError } from './releases.errors.ts';
import { createReleasesRepository } from './releases.repository.ts';
import { listReleases, markKnownGood, noRejectedCritical, rollbackRelease, type CountRejectedCritical, type ReleasesDeps } from './releases.usecases.ts';

const print = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

export const HOUR_MS = 3_600_000;

export async function openReleases(context: CliContext, source: string, countRejectedCritical: CountRejectedCritical = noRejectedCritical): Promise<ReleasesDeps> {
  if (!context.knownSources.includes(source)) throw createUnknownReleaseSourceError(source);
  return {
    repository: createReleasesRepository({ db: context.database.db }),
    clock: context.clock,
    guardrails: await openGuardrails(context),
    soakMsOf: (name) => (context.config.sources.sources[name]?.guardrails.releases.soak_hours ?? 24) * HOUR_MS,
    countRejectedCritical,
  };
}

export function registerReleaseCommands(program: Command) {
  const releases = program.command('releases').description('releases the apps reported, known-good marks and rollback');

  releases
    .command('list <source>')
    .description('releases, most recently live first')
    .action(
      withContext(async (context, source: string) => {
        const deps = await openReleases(context, source);
        for (const { release, knownGood } of await listReleases(deps, source)) {
          const state = release.liveSince !== null ? 'live' : '-';
          print([release.release, state, knownGood ? 'known-good' : '-', release.model ?? '-', release.promptVersion ?? '-', new Date(release.lastLiveAt).toISOString()].join('\t'));
        }
      }),
    );

  releases
    .command('mark-known-good <source> <release>')
    .description('vouch for a release before its soak time is over')
    .option('--reason <text>', 'kept in the audit log')
    .action(
      withContext(async (context, source: string, release: string, options: { reason?: string }) => {
        const result = await markKnownGood(await openReleases(context, source), { source, release, actor: context.actor, reason: options.reason });
        print(result.alreadyMarked ? `${release} was already marked known-good` : `${release} marked known-good`);
      }),
    );

  releases
    .command('rollback <source>')
    .description('pin the last known-good release in a new guardrail version and send the rollback webhook')
    .requiredOption('--reason <text>', 'kept with the version and in the audit log')
    .action(
      withContext(async (context, source: string, options: { reason: string }) => {
        const result = await rollbackRelease(await openReleases(context, source), { source, actor: context.actor, reason: options.reason });
        if (!result.created) return print(`${source} is already pinned to ${result.target.release} (v${result.version.version}).`);
        print(`${source}: rolled back from ${result.from ?? '(none live)'} to ${result.target.release} in guardrail v${result.version.version}.`);
        for (const line of formatGuardrailDiff(result.version.diff)) print(`  ${line}`);
      }),
    );
}
