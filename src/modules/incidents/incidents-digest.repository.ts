import { and, asc, eq, gte, lt } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
import type { IncidentRecord } from '../digest/digest-data.models.ts';
import { incidentsTable } from './incidents.table.ts';

// The weekly digest's view of incidents (`DigestLoaders.loadIncidents`): those opened in
// [period.start, period.end), with their clocks. Only the columns the digest shows are
// read: never the summary, the resolution or the timeline, which hold people's words.

export function createIncidentsDigestRepository({ db }: { db: Db }) {
  return {
    async loadIncidents(source: string, period: { start: number; end: number }): Promise<IncidentRecord[]> {
      return db
        .select({
          id: incidentsTable.id,
          severity: incidentsTable.severity,
          title: incidentsTable.title,
          openedAt: incidentsTable.openedAt,
          acknowledgedAt: incidentsTable.acknowledgedAt,
          resolvedAt: incidentsTable.resolvedAt,
        })
        .from(incidentsTable)
        .where(and(eq(incidentsTable.source, source), gte(incidentsTable.openedAt, period.start), lt(incidentsTable.openedAt, period.end)))
        .orderBy(asc(incidentsTable.openedAt), asc(incidentsTable.seq));
    },
  };
}

export type IncidentsDigestRepository = ReturnType<typeof createIncidentsDigestRepository>;
