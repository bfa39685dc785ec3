import { createErrorFactory, type ErrorDetail } from '../../platform/errors.ts';

// Errors the Slack, HTTP and CLI boundaries render as they are: the message is written
// for the person who clicked.

export const createInvalidTransitionError = createErrorFactory({
  code: 'incident.invalid_transition',
  statusCode: 409,
  message: (incidentId: string, from: string, to: string) =>
    from === 'resolved'
      ? `Incident ${incidentId} is already resolved.`
      : from === to
        ? `Incident ${incidentId} is already ${from}.`
        : `Incident ${incidentId} cannot go from ${from} to ${to}.`,
});

export const createIncidentNotFoundError = createErrorFactory({
  code: 'incident.not_found',
  statusCode: 404,
  message: (incidentId: string) => `Incident ${incidentId} does not exist.`,
});

export const createIncidentClosedError = createErrorFactory({
  code: 'incident.closed',
  statusCode: 409,
  message: (incidentId: string, consequence: string) => `Incident ${incidentId} is already resolved, so ${consequence}.`,
});

export const createUnknownSourceError = createErrorFactory({
  code: 'incident.unknown_source',
  statusCode: 404,
  message: (source: string) => `No source named "${source}" is configured.`,
});

export const createEvidenceNotFoundError = createErrorFactory({
  code: 'incident.evidence_not_found',
  statusCode: 404,
  message: (itemId: string, source?: string) => (source ? `Review item ${itemId} is not an item of ${source}.` : `Review item ${itemId} does not exist.`),
});

export const createNotAllowedError = createErrorFactory({
  code: 'incident.not_allowed',
  statusCode: 403,
  message: (source: string, role: 'reviewers' | 'approvers', action: string) =>
    `Only ${role} of ${source} can ${action}. Ask a Vigil admin to add you (or your user group) to review.${role} for this source.`,
});

export const createInvalidIncidentPayloadError = createErrorFactory({
  code: 'incident.invalid_payload',
  statusCode: 400,
  message: (what: string, details: ErrorDetail[]) => `Invalid ${what}: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
  details: (_what: string, details: ErrorDetail[]) => details,
});
