import type { TestDb } from '../../platform/db.test-utils.ts';
import { sourcesTable } from '../sources/sources.table.ts';
import type { NewEvent } from './ingestion.models.ts';

// Events as the ingest path hands them to the repository, for repository tests on both stores.

export const TEST_EVENT_TIME = Date.UTC(2026, 10, 24, 10, 0, 0);

/** Declares the sources the events reference (events.source is a foreign key). */
export async function seedSources(database: TestDb, ...names: string[]): Promise<void> {
  await database.db.insert(sourcesTable).values(names.map((name) => ({ name, createdAt: TEST_EVENT_TIME, updatedAt: TEST_EVENT_TIME })));
}

export function makeNewEvent(id: string, overrides: Partial<NewEvent> = {}): NewEvent {
  return {
    id,
    source: 'support-bot',
    input: 'Why was I charged twice?',
    output: 'Read the FAQ like everyone else.',
    model: null,
    modelVersion: null,
    promptVersion: null,
    release: null,
    sessionId: null,
    userId: null,
    occurredAt: TEST_EVENT_TIME,
    receivedAt: TEST_EVENT_TIME,
    metadata: { context: 'Billing FAQ' },
    appFlags: null,
    detections: [],
    flags: [],
    checksStatus: 'complete',
    origin: 'live',
    ...overrides,
  };
}
