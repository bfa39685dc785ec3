import type { SlackMessage } from './drift.blocks.ts';
import type { DriftRepository } from './drift.repository.ts';
import { buildCard } from './drift.usecases.ts';
import type { BoostsRepository } from './boosts.repository.ts';

// Sampling boosts from the review sampler's side (which ones are running) and from the card's
// side (an approver stops one). Who counts as an approver is the Slack handler's check.

export interface ActiveBoost {
  id: number;
  slice: string;
  metric: string;
  rate: number;
  until: number;
}

/** The boosts of `source` running at `now`; feed them to findApplicableBoost per candidate event. */
export async function activeBoosts(deps: { boostsRepository: BoostsRepository }, source: string, now: number): Promise<ActiveBoost[]> {
  const rows = await deps.boostsRepository.listActiveBoosts(source, now);
  return rows.map((row) => ({ id: row.id, slice: row.slice, metric: row.metric, rate: row.rate, until: row.until }));
}

export type StopBoostStatus = 'stopped' | 'already_stopped' | 'ended' | 'not_found' | 'forbidden';

export interface StopBoostResult {
  status: StopBoostStatus;
  source: string | null;
  /** The alert card rebuilt with the boost's new state, to chat.update the posted card. */
  message: SlackMessage | null;
}

/**
 * Idempotent: a second click reports `already_stopped` and changes nothing. `canStop` is the
 * approver check for the boost's source; it fails closed (no callback → nobody may stop it).
 */
export async function stopSamplingBoost(
  deps: { boostsRepository: BoostsRepository; driftRepository: DriftRepository },
  input: { boostId: number; actor: string; now: number; canStop: (source: string, actor: string) => boolean | Promise<boolean> },
): Promise<StopBoostResult> {
  const boost = await deps.boostsRepository.findBoost(input.boostId);
  if (!boost) return { status: 'not_found', source: null, message: null };
  if (!(await input.canStop(boost.source, input.actor))) return { status: 'forbidden', source: boost.source, message: null };
  let status: StopBoostStatus;
  if (boost.stoppedAt !== null) status = 'already_stopped';
  else if (boost.until <= input.now) status = 'ended';
  else status = (await deps.boostsRepository.stopBoost(boost.id, input.actor, input.now)) ? 'stopped' : 'already_stopped';
  const alert = boost.alertId === null ? undefined : await deps.driftRepository.findAlert(boost.alertId);
  const latest = (await deps.boostsRepository.findBoost(boost.id)) ?? boost;
  return { status, source: boost.source, message: alert ? buildCard(alert, latest, input.now) : null };
}
