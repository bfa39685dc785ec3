// A review channel receives at most `budgetPerHour` cards in any sliding hour, so reviewers
// are not flooded after an incident. What does not fit waits, most severe first; what waits
// longer than its TTL expires and is reported as such, never dropped silently.
import { SEVERITY_RANK, type Severity } from '../checks/checks.models.ts';
import type { SamplingConfig } from './sampling.config.ts';

export const BUDGET_WINDOW_MS = 3_600_000;

export interface PendingItem {
  id: string;
  priority: Severity;
  /** When the item was queued (ms epoch); both its age for the TTL and its place in line. */
  createdAt: number;
}

export interface DispatchInput<T extends PendingItem> {
  pending: T[];
  /** When cards were sent to this channel (ms epoch); only the last hour counts. */
  sentTimestamps: number[];
  budgetPerHour: number;
  ttlMs: number;
  now: number;
}

export interface DispatchPlan<T extends PendingItem> {
  /** Post now, in this order. */
  send: T[];
  /** Older than the TTL: mark expired and say so, do not post. */
  expire: T[];
  /** Still in line, in order. */
  waiting: T[];
  /** When the next card may be sent if anything is waiting; null when nothing waits or the budget is 0. */
  nextSlotAt: number | null;
}

export function planDispatch<T extends PendingItem>(input: DispatchInput<T>): DispatchPlan<T> {
  const { pending, sentTimestamps, budgetPerHour, ttlMs, now } = input;
  const expire = sortByDispatchOrder(pending.filter((item) => now - item.createdAt >= ttlMs));
  const live = sortByDispatchOrder(pending.filter((item) => now - item.createdAt < ttlMs));

  // A card sent at t occupies a slot during [t, t + 1 h). Timestamps after `now` (clock skew)
  // are counted too, so skew can delay a card but never exceed the budget.
  const inWindow = sentTimestamps.filter((sentAt) => sentAt > now - BUDGET_WINDOW_MS);
  const budget = Math.max(0, Math.floor(budgetPerHour));
  const free = Math.max(0, budget - inWindow.length);
  const send = live.slice(0, free);
  const waiting = live.slice(free);
  return { send, expire, waiting, nextSlotAt: findNextSlotAt(inWindow, send.length, budget, now, waiting.length) };
}

/** Critical first, then warn, then info; oldest first within a severity; id breaks ties so plans are stable. */
export function sortByDispatchOrder<T extends PendingItem>(items: T[]): T[] {
  return [...items].sort(
    (a, b) =>
      SEVERITY_RANK[b.priority] - SEVERITY_RANK[a.priority] ||
      a.createdAt - b.createdAt ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

export function resolveHourlyBudget(
  config: Pick<SamplingConfig, 'hourly_budget' | 'hourly_budget_by_channel'>,
  channel: string,
): number {
  return config.hourly_budget_by_channel[channel] ?? config.hourly_budget;
}

function findNextSlotAt(inWindow: number[], sentNow: number, budget: number, now: number, waiting: number): number | null {
  if (waiting === 0 || budget === 0) return null;
  // After this plan's sends the window holds inWindow + sentNow cards, at least `budget` of them
  // since something still waits. A slot opens once all but budget − 1 have left the window.
  const occupied = [...inWindow, ...Array.from({ length: sentNow }, () => now)].sort((a, b) => a - b);
  const leaving = occupied[occupied.length - budget];
  return leaving === undefined ? now : leaving + BUDGET_WINDOW_MS;
}
