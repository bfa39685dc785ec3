import { createErrorFactory, type ErrorDetail } from '../../platform/errors.ts';

export const createInvalidReviewQueryError = createErrorFactory({
  code: 'validation_failed',
  statusCode: 400,
  message: (details: ErrorDetail[]) =>
    details.length === 1 ? `Invalid query: ${details[0]!.path}: ${details[0]!.message}` : `Invalid query: ${details.length} problems`,
  details: (details: ErrorDetail[]) => details,
});

export const createReviewItemNotFoundError = createErrorFactory({
  code: 'review_item.not_found',
  statusCode: 404,
  message: (id: string) => `No review item with id "${id}" in the sources this key can read.`,
});
