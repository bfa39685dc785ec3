// drizzle-kit reads this file (drizzle.postgres.config.ts) for the PostgreSQL migrations: the
// twin of every table in src/modules/*/*.table.ts, derived by db-pg-schema.ts.
import { pgTablesOf } from './db-pg-schema.ts';
import * as apiKeysTables from '../modules/api-keys/api-keys.table.ts';
import * as auditTables from '../modules/audit/audit.table.ts';
import * as calibrationTables from '../modules/calibration/calibration.table.ts';
import * as gradingTables from '../modules/checks/grading.table.ts';
import * as guardrailNotesTables from '../modules/guardrails/guardrail-notes.table.ts';
import * as guardrailsTables from '../modules/guardrails/guardrails.table.ts';
import * as incidentsTables from '../modules/incidents/incidents.table.ts';
import * as eventsTables from '../modules/ingestion/events.table.ts';
import * as monitoringTables from '../modules/monitoring/monitoring.table.ts';
import * as outboxTables from '../modules/outbox/outbox.table.ts';
import * as releasesTables from '../modules/releases/releases.table.ts';
import * as rollbackRequestsTables from '../modules/releases/rollback-requests.table.ts';
import * as reviewTables from '../modules/review/review.table.ts';
import * as verdictsTables from '../modules/review/verdicts.table.ts';
import * as sourcesTables from '../modules/sources/sources.table.ts';
import * as taskRunsTables from '../modules/tasks/task-runs.table.ts';

const twins = pgTablesOf([
  apiKeysTables,
  auditTables,
  calibrationTables,
  gradingTables,
  guardrailNotesTables,
  guardrailsTables,
  incidentsTables,
  eventsTables,
  monitoringTables,
  outboxTables,
  releasesTables,
  rollbackRequestsTables,
  reviewTables,
  verdictsTables,
  sourcesTables,
  taskRunsTables,
]);

export const apiKeysTable = twins.apiKeysTable!;
export const auditLogTable = twins.auditLogTable!;
export const calibrationGoldItemsTable = twins.calibrationGoldItemsTable!;
export const calibrationProposalsTable = twins.calibrationProposalsTable!;
export const driftAlertsTable = twins.driftAlertsTable!;
export const eventsTable = twins.eventsTable!;
export const graderResultsTable = twins.graderResultsTable!;
export const gradingJobsTable = twins.gradingJobsTable!;
export const guardrailCardNotesTable = twins.guardrailCardNotesTable!;
export const guardrailVersionsTable = twins.guardrailVersionsTable!;
export const incidentTimelineTable = twins.incidentTimelineTable!;
export const incidentsTable = twins.incidentsTable!;
export const outboxTable = twins.outboxTable!;
export const probeRunsTable = twins.probeRunsTable!;
export const releasesTable = twins.releasesTable!;
export const reviewDuplicatesTable = twins.reviewDuplicatesTable!;
export const reviewItemsTable = twins.reviewItemsTable!;
export const reviewVerdictsTable = twins.reviewVerdictsTable!;
export const reviewVersionsSeenTable = twins.reviewVersionsSeenTable!;
export const rollbackRequestsTable = twins.rollbackRequestsTable!;
export const samplingBoostsTable = twins.samplingBoostsTable!;
export const sourcesTable = twins.sourcesTable!;
export const taskRunsTable = twins.taskRunsTable!;
