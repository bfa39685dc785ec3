import { defineCronTasks, type CronTask } from '../../platform/cron.ts';
import type { Logger } from '../../platform/logger.ts';
import type { CalibrationConfig } from './calibration.config.ts';
import { mixGoldItems, type GoldMixContext } from './agreement.usecases.ts';

// Every hour, gold items are mixed into each source's queue in proportion to the real items
// of that hour (`calibration.gold_share`), so they arrive spread out like real traffic rather
// than in a daily burst that would give them away.

export const GOLD_SCHEDULE = '17 * * * *';
const HOUR_MS = 3_600_000;

export interface GoldTaskContext extends GoldMixContext {
  /** Sources with a review channel, and their calibration settings. */
  sources: Readonly<Record<string, { calibration: CalibrationConfig; reviewed: boolean }>>;
  /** Wakes the review dispatcher after gold items were queued. */
  notifyReview(): void;
  logger: Logger;
}

export async function runGoldMix(ctx: GoldTaskContext): Promise<Record<string, string[]>> {
  const created: Record<string, string[]> = {};
  for (const [source, settings] of Object.entries(ctx.sources)) {
    if (!settings.reviewed || settings.calibration.gold_share <= 0) continue;
    try {
      created[source] = await mixGoldItems(ctx, { source, goldShare: settings.calibration.gold_share, windowMs: HOUR_MS });
    } catch (error) {
      ctx.logger.error({ err: error, source }, 'could not mix gold items');
    }
  }
  if (Object.values(created).some((ids) => ids.length > 0)) ctx.notifyReview();
  return created;
}

export function buildGoldTasks(ctx: GoldTaskContext): CronTask[] {
  return defineCronTasks([{ name: 'calibration:gold', schedule: GOLD_SCHEDULE, handler: async () => void (await runGoldMix(ctx)) }]);
}
