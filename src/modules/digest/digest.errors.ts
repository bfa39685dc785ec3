import { createErrorFactory } from '../../platform/errors.ts';

// The digest's refusals, shown as one line by the CLI (`vigil: …`) and the Slack command.

export const createUnknownDigestSourceError = createErrorFactory({
  code: 'digest.unknown_source',
  statusCode: 404,
  message: (source: string, known: string[]) => `Unknown source "${source}" (known: ${known.join(', ') || 'none'}).`,
});

export const createInvalidDigestWeekError = createErrorFactory({
  code: 'digest.invalid_week',
  statusCode: 400,
  message: (week: string) => `${week} is not a week of its year; use an ISO week such as 2026-W47.`,
});

export const createDigestNotSendableError = createErrorFactory({
  code: 'digest.not_sendable',
  statusCode: 409,
  message: (reason: string) => reason,
});

export const createDigestNotViewableError = createErrorFactory({
  code: 'digest.not_allowed',
  statusCode: 403,
  message: (source: string) => `Only the reviewers, approvers and managers of ${source} can see its digest.`,
});
