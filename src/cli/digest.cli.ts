import type { Command } from 'commander';
import { registerDigestCommands } from '../modules/digest/digest.cli.ts';
import { createReviewDigestRepository } from '../modules/review/review-digest.repository.ts';
import { createIncidentsDigestRepository } from '../modules/incidents/incidents-digest.repository.ts';
import { createDigestProbesLoader } from '../modules/monitoring/monitoring.module.ts';
import { openCalibrationContext } from '../modules/calibration/calibration.cli.ts';
import { loadDigestCalibration } from '../modules/calibration/calibration.usecases.ts';

// `vigil digest` reads figures other modules own (review, incidents, calibration, probes):
// they are composed here, beside the CLI's entry point, so the digest module imports none of them.

export function registerComposedDigestCommand(program: Command): void {
  registerDigestCommands(program, async (context) => {
    const calibration = await openCalibrationContext(context);
    return {
      loadReview: createReviewDigestRepository({ db: context.database.db }).loadReview,
      loadIncidents: createIncidentsDigestRepository({ db: context.database.db }).loadIncidents,
      loadCalibration: async (source, period) => loadDigestCalibration(calibration, source, period),
      loadProbes: createDigestProbesLoader({ db: context.database.db, sources: context.config.sources.sources }),
    };
  });
}
