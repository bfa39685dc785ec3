import { and, asc, count, eq, gte, inArray, lt, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { selectRows, type Db } from '../../platform/db.ts';
import { auditLogTable } from '../audit/audit.table.ts';
import { APP_FLAG_PREFIX } from '../checks/flag-wording.models.ts';
import { gradingJobsTable, graderResultsTable } from '../checks/grading.table.ts';
import { eventsTable } from '../ingestion/events.table.ts';
import { GUARDRAIL_CHANGE_ACTIONS, readChangesFromAudit } from './digest-changes.models.ts';
import type { ChangeFigures, EventFigures, GraderRunFigures } from './digest-data.models.ts';
import type { WeekPeriod } from './digest-weeks.models.ts';

// The digest's loaders over tables that are not another module's work in progress:
// events and their flags, grader results and jobs, and the audit log (for guardrail
// changes). Aggregates only; no customer text is read. The review, calibration and
// incident figures come from loaders those modules provide (see DigestLoaders).

/** Flags and app flags are JSON arrays stored as text: PostgreSQL reads them through a cast to json. */
const jsonArrayLength = (db: Db, column: SQL | AnyColumn) =>
  db.dialect === 'postgres' ? sql`json_array_length(${column}::json)` : sql`json_array_length(${column})`;

/**
 * Events flagged per check in the week: one row per (event, check) pair, so an event flagged
 * twice by one check counts once for it. App flags count under APP_FLAG_PREFIX + their name.
 * The JSON arrays are expanded with json_each (SQLite) or json_array_elements (PostgreSQL).
 */
function countFlagsByCheck(db: Db, source: string, period: WeekPeriod): SQL {
  const inWeek = sql`e.source = ${source} and e.occurred_at >= ${period.start} and e.occurred_at < ${period.end} and e.origin = 'live'`;
  const flags =
    db.dialect === 'postgres'
      ? {
          checks: sql`select e.seq as seq, f.value ->> 'check' as name from ${eventsTable} e cross join lateral json_array_elements(e.flags::json) f`,
          apps: sql`select e.seq as seq, ${APP_FLAG_PREFIX} || (f.value ->> 'name') as name from ${eventsTable} e cross join lateral json_array_elements(e.app_flags::json) f`,
        }
      : {
          checks: sql`select e.seq as seq, json_extract(f.value, '$.check') as name from ${eventsTable} e, json_each(e.flags) f`,
          apps: sql`select e.seq as seq, ${APP_FLAG_PREFIX} || json_extract(f.value, '$.name') as name from ${eventsTable} e, json_each(e.app_flags) f`,
        };
  return sql`
    select name, count(distinct seq) as events from (
      ${flags.checks} where ${inWeek}
      union all
      ${flags.apps} where ${inWeek} and e.app_flags is not null
    ) as flagged where name is not null group by name`;
}

export function createDigestRepository({ db }: { db: Db }) {
  const inWeek = (source: string, period: WeekPeriod) =>
    and(eq(eventsTable.source, source), gte(eventsTable.occurredAt, period.start), lt(eventsTable.occurredAt, period.end), eq(eventsTable.origin, 'live'));

  return {
    async loadEvents(source: string, period: WeekPeriod): Promise<EventFigures> {
      const hasAppFlags = sql`(${eventsTable.appFlags} is not null and ${jsonArrayLength(db, eventsTable.appFlags)} > 0)`;
      const [totals] = await db
        .select({
          events: count(),
          checked: sql<number>`coalesce(sum(case when ${eventsTable.checksStatus} = 'complete' then 1 else 0 end), 0)`,
          flagged: sql<number>`coalesce(sum(case when ${jsonArrayLength(db, eventsTable.flags)} > 0 or ${hasAppFlags} then 1 else 0 end), 0)`,
        })
        .from(eventsTable)
        .where(inWeek(source, period));
      const byCheck = await selectRows<{ name: string; events: number }>(db, countFlagsByCheck(db, source, period));
      return {
        events: totals?.events ?? 0,
        checked: totals?.checked ?? 0,
        flagged: totals?.flagged ?? 0,
        flagsByCheck: Object.fromEntries(byCheck.map((row) => [row.name, row.events])),
      };
    },

    async loadGraderRuns(source: string, period: WeekPeriod): Promise<GraderRunFigures[]> {
      const graded = await db
        .select({ grader: graderResultsTable.grader, n: count() })
        .from(graderResultsTable)
        .where(and(eq(graderResultsTable.source, source), gte(graderResultsTable.createdAt, period.start), lt(graderResultsTable.createdAt, period.end)))
        .groupBy(graderResultsTable.grader);
      const failed = await db
        .select({ grader: gradingJobsTable.grader, n: count() })
        .from(gradingJobsTable)
        .where(
          and(
            eq(gradingJobsTable.source, source),
            eq(gradingJobsTable.status, 'failed'),
            gte(gradingJobsTable.updatedAt, period.start),
            lt(gradingJobsTable.updatedAt, period.end),
          ),
        )
        .groupBy(gradingJobsTable.grader);
      const names = [...new Set([...graded, ...failed].map((row) => row.grader))].sort();
      return names.map((grader) => ({
        grader,
        graded: graded.find((row) => row.grader === grader)?.n ?? 0,
        failed: failed.find((row) => row.grader === grader)?.n ?? 0,
      }));
    },

    async loadChanges(source: string, period: WeekPeriod): Promise<ChangeFigures> {
      const entries = await db
        .select({ at: auditLogTable.at, actor: auditLogTable.actor, action: auditLogTable.action, details: auditLogTable.details })
        .from(auditLogTable)
        .where(
          and(
            eq(auditLogTable.source, source),
            gte(auditLogTable.at, period.start),
            lt(auditLogTable.at, period.end),
            inArray(auditLogTable.action, [...GUARDRAIL_CHANGE_ACTIONS]),
          ),
        )
        .orderBy(asc(auditLogTable.seq));
      return readChangesFromAudit(entries);
    },
  };
}

export type DigestRepository = ReturnType<typeof createDigestRepository>;
