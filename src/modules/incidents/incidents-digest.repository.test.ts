import { afterEach, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../platform/db.test-utils.ts';
import { parseWeekKey } from '../digest/digest-weeks.models.ts';
import { createIncidentsDigestRepository } from './incidents-digest.repository.ts';
import type { IncidentSeverity } from './incidents.models.ts';
import { incidentsTable, type NewIncidentRow } from './incidents.table.ts';

// Week 2026-W47 in Paris: Monday 16 November 00:00 (2026-11-15T23:00Z) to the next Monday.
const WEEK = parseWeekKey('2026-W47', 'Europe/Paris')!;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

interface SeedIncident {
  id: string;
  openedAt: number;
  source?: string;
  severity?: IncidentSeverity;
  acknowledgedAt?: number;
  resolvedAt?: number;
}

async function insertIncident(database: TestDb, incident: SeedIncident): Promise<void> {
  const status = incident.resolvedAt ? 'resolved' : incident.acknowledgedAt ? 'acknowledged' : 'open';
  const row: NewIncidentRow = {
    id: incident.id,
    source: incident.source ?? 'support-bot',
    severity: incident.severity ?? 'SEV2',
    title: `Incident ${incident.id}`,
    summary: 'a reporter wrote this; the digest never reads it',
    status,
    reporter: 'U04QREVR001',
    channelName: `inc-${incident.id}`,
    invitees: [],
    paging: 'none',
    openedAt: incident.openedAt,
    acknowledgedAt: incident.acknowledgedAt ?? null,
    resolvedAt: incident.resolvedAt ?? null,
    resolution: incident.resolvedAt ? 'rolled back' : null,
    updatedAt: incident.resolvedAt ?? incident.acknowledgedAt ?? incident.openedAt,
  };
  await database.db.insert(incidentsTable).values(row);
}

describe('incidents for the weekly digest', () => {
  let database: TestDb;
  afterEach(() => database?.close());

  it('lists the incidents of a source opened in the week, oldest first, with their acknowledge and resolve times', async () => {
    database = await createTestDb(async (db) => {
      await insertIncident(db, { id: 'inc_before', openedAt: WEEK.start - 1, resolvedAt: WEEK.start + HOUR });
      await insertIncident(db, { id: 'inc_start', openedAt: WEEK.start, severity: 'SEV1', acknowledgedAt: WEEK.start + 5 * MINUTE, resolvedAt: WEEK.start + HOUR });
      await insertIncident(db, { id: 'inc_open', openedAt: WEEK.start + 50 * HOUR, severity: 'SEV3' });
      await insertIncident(db, { id: 'inc_acked', openedAt: WEEK.start + 40 * HOUR, acknowledgedAt: WEEK.start + 41 * HOUR });
      await insertIncident(db, { id: 'inc_last', openedAt: WEEK.end - 1, resolvedAt: WEEK.end + HOUR });
      await insertIncident(db, { id: 'inc_next_week', openedAt: WEEK.end });
      await insertIncident(db, { id: 'inc_other', openedAt: WEEK.start + HOUR, source: 'billing-bot' });
    });
    const { loadIncidents } = createIncidentsDigestRepository({ db: database.db });

    expect(await loadIncidents('support-bot', WEEK)).toEqual([
      { id: 'inc_start', severity: 'SEV1', title: 'Incident inc_start', openedAt: WEEK.start, acknowledgedAt: WEEK.start + 5 * MINUTE, resolvedAt: WEEK.start + HOUR },
      { id: 'inc_acked', severity: 'SEV2', title: 'Incident inc_acked', openedAt: WEEK.start + 40 * HOUR, acknowledgedAt: WEEK.start + 41 * HOUR, resolvedAt: null },
      { id: 'inc_open', severity: 'SEV3', title: 'Incident inc_open', openedAt: WEEK.start + 50 * HOUR, acknowledgedAt: null, resolvedAt: null },
      // Resolved after the week ended: still this week's incident, with its real resolve time.
      { id: 'inc_last', severity: 'SEV2', title: 'Incident inc_last', openedAt: WEEK.end - 1, acknowledgedAt: null, resolvedAt: WEEK.end + HOUR },
    ]);
  });

  it('answers an empty list for a week without incidents, so the digest shows zero rather than "not available"', async () => {
    database = await createTestDb((db) => insertIncident(db, { id: 'inc_other', openedAt: WEEK.start + HOUR, source: 'billing-bot' }));
    expect(await createIncidentsDigestRepository({ db: database.db }).loadIncidents('support-bot', WEEK)).toEqual([]);
  });
});
