import type { Command } from 'commander';
import { createCliProbeIncidentOpener } from '../app/probe-incidents.ts';
import { registerProbeCommands } from '../modules/monitoring/probes.cli.ts';

// `vigil probe` opens an incident when a probe gets through, which belongs to the incidents
// module: composed here, beside the CLI's entry point, like the server composes it in src/app.

export function registerComposedProbeCommand(program: Command): void {
  registerProbeCommands(program, (context, logger) =>
    createCliProbeIncidentOpener({ db: context.database.db, sources: context.config.sources, env: context.config.env, clock: context.clock, logger }),
  );
}
