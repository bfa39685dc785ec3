import { createErrorFactory } from '../../platform/errors.ts';

export const createUnknownCalibrationSourceError = createErrorFactory({
  code: 'calibration.unknown_source',
  statusCode: 404,
  message: (source: string) => `Source "${source}" is not declared in the config file.`,
});

export const createUnknownGraderError = createErrorFactory({
  code: 'calibration.unknown_grader',
  statusCode: 404,
  message: (grader: string, known: string[]) => `Grader "${grader}" is not one of the graders in prompts/ (${known.join(', ') || 'none'}).`,
});

export const createNoGraderVersionError = createErrorFactory({
  code: 'calibration.no_grader_version',
  statusCode: 404,
  message: (source: string, grader: string) => `Grader "${grader}" has no results for source "${source}" yet, so there is nothing to calibrate.`,
});

export const createStaleProposalError = createErrorFactory({
  code: 'calibration.stale_proposal',
  statusCode: 409,
  message: (message: string) => message,
});
