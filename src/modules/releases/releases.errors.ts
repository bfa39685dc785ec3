import { createErrorFactory } from '../../platform/errors.ts';

export const createReleaseNotFoundError = createErrorFactory({
  code: 'release.not_found',
  statusCode: 404,
  message: (source: string, release: string) => `Source "${source}" has no release "${release}"; the app registers releases with POST /v1/releases.`,
});

export const createNoKnownGoodReleaseError = createErrorFactory({
  code: 'release.no_known_good',
  statusCode: 409,
  message: (source: string) =>
    `Source "${source}" has no known-good release to roll back to: none other than the live one has soaked without a rejected critical item or been marked known-good.`,
});

export const createUnknownReleaseSourceError = createErrorFactory({
  code: 'release.unknown_source',
  statusCode: 404,
  message: (source: string) => `Unknown source "${source}": it is not declared in the config file.`,
});

export const createRollbackNotRequestedError = createErrorFactory({
  code: 'release.rollback_not_requested',
  statusCode: 409,
  message: (source: string, reason: string) => `The rollback of ${source} was not requested: ${reason}`,
});
