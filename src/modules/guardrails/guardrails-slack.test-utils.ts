import { createTestDb, type TestDb } from '../../platform/db.test-utils.ts';
import { createLogger } from '../../platform/logger.ts';
import { createFakeClock } from '../../shared/clock.ts';
import { createReleasesRepository } from '../releases/releases.repository.ts';
import { registerRelease, noRejectedCritical, type ReleasesDeps } from '../releases/releases.usecases.ts';
import { createRollbackRequestsRepository } from '../releases/rollback-requests.repository.ts';
import { createGuardrailCardsRepository } from './guardrail-cards.repository.ts';
import type { GuardrailSlackContext } from './guardrails-access.usecases.ts';
import { createLiveGuardrails } from './guardrails-live.usecases.ts';
import { buildSeedSpec, DEFAULT_DETECTOR_ACTIONS } from './guardrails.models.ts';
import { createGuardrailsRepository } from './guardrails.repository.ts';
import { seedGuardrails, type GuardrailsDeps } from './guardrails.usecases.ts';

// A GuardrailSlackContext on a migrated test database (either store): one seeded source, releases with
// no soak time, approvers and reviewers by id, and spies for card refreshes and watches.

export const SOURCE = 'support-bot';
export const LOG_CHANNEL = 'C07GUARDLOG';
export const APPROVERS = ['U0APPR0001', 'U0APPR0002'];
export const REVIEWER = 'U0REVR0001';

export interface GuardrailSlackTestContext {
  ctx: GuardrailSlackContext;
  database: TestDb;
  clock: ReturnType<typeof createFakeClock>;
  refreshed: string[];
  watched: string[];
  register(release: string): Promise<void>;
}

export async function createGuardrailSlackTestContext(options: { twoPerson?: boolean; webhookUrl?: string } = {}): Promise<GuardrailSlackTestContext> {
  const database = await createTestDb();
  const clock = createFakeClock(Date.parse('2026-11-20T09:00:00Z'));
  const logger = createLogger({ level: 'silent' });
  const repository = createGuardrailsRepository({ db: database.db });
  const live = createLiveGuardrails({ repository, sources: [SOURCE], minSeverityOf: () => 'warn', logger });
  const versions: GuardrailsDeps = { repository, clock, webhookUrlOf: () => options.webhookUrl, onVersionCreated: (version) => void live.install(version) };
  const spec = buildSeedSpec({ thresholds: { tone: 0.7 }, graderActions: {}, detectorActions: { ...DEFAULT_DETECTOR_ACTIONS }, blocklist: { words: [], patterns: [] }, killSwitchMessage: 'Paused.' });
  await seedGuardrails(versions, [{ source: SOURCE, spec, origin: 'test' }]);
  await live.refresh(SOURCE);
  const releases: ReleasesDeps = { repository: createReleasesRepository({ db: database.db }), clock, guardrails: versions, soakMsOf: () => 0, countRejectedCritical: noRejectedCritical };
  const refreshed: string[] = [];
  const watched: string[] = [];
  const ctx: GuardrailSlackContext = {
    cards: createGuardrailCardsRepository({ db: database.db }),
    requests: createRollbackRequestsRepository({ db: database.db }),
    versions,
    live,
    releases,
    roles: { resolveRole: async (_source, user) => (APPROVERS.includes(user) ? 'approver' : user === REVIEWER ? 'reviewer' : null) },
    sources: { [SOURCE]: { logChannel: LOG_CHANNEL, twoPersonRule: options.twoPerson ?? true, killSwitchMessage: 'Paused.' } },
    clock,
    logger,
    notifyOutbox: () => undefined,
    refreshCard: async (itemId) => {
      refreshed.push(itemId);
    },
    watchDelivery: (outboxId) => watched.push(outboxId),
    rollbackRequestTtlMs: 10 * 60_000,
  };
  const register = async (release: string) => {
    await registerRelease(releases, { source: SOURCE, release, actor: 'api:key_1' });
    clock.advance(1000);
  };
  return { ctx, database, clock, refreshed, watched, register };
}
