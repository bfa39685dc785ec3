import { describe, expect, it } from 'vitest';
import type { Severity } from '../checks/checks.models.ts';
import { BUDGET_WINDOW_MS, planDispatch, resolveHourlyBudget, sortByDispatchOrder, type PendingItem } from './budget.models.ts';
import { samplingConfigSchema } from './sampling.config.ts';

const NOW = Date.UTC(2025, 5, 2, 12);
const MINUTE = 60_000;
const TTL = 24 * 60 * MINUTE;

function buildItem(id: string, priority: Severity, minutesAgo: number): PendingItem {
  return { id, priority, createdAt: NOW - minutesAgo * MINUTE };
}

const ids = (items: PendingItem[]) => items.map((item) => item.id);

describe('planDispatch', () => {
  it('sends critical first, then warn, then info, oldest first within a severity', () => {
    const pending = [
      buildItem('info-old', 'info', 50),
      buildItem('warn-new', 'warn', 1),
      buildItem('crit-new', 'critical', 2),
      buildItem('warn-old', 'warn', 30),
      buildItem('crit-old', 'critical', 40),
    ];
    const plan = planDispatch({ pending, sentTimestamps: [], budgetPerHour: 3, ttlMs: TTL, now: NOW });
    expect(ids(plan.send)).toEqual(['crit-old', 'crit-new', 'warn-old']);
    expect(ids(plan.waiting)).toEqual(['warn-new', 'info-old']);
    expect(plan.expire).toEqual([]);
  });

  it('breaks ties of severity and age by id so that plans are stable', () => {
    expect(ids(sortByDispatchOrder([buildItem('b', 'warn', 5), buildItem('a', 'warn', 5)]))).toEqual(['a', 'b']);
  });

  it('counts only cards sent in the last hour, a card sent exactly an hour ago no longer', () => {
    const pending = [buildItem('x', 'info', 5), buildItem('y', 'info', 4), buildItem('z', 'info', 3)];
    const sentTimestamps = [NOW - BUDGET_WINDOW_MS - 1, NOW - BUDGET_WINDOW_MS, NOW - BUDGET_WINDOW_MS + 1, NOW - 10 * MINUTE];
    const plan = planDispatch({ pending, sentTimestamps, budgetPerHour: 3, ttlMs: TTL, now: NOW });
    expect(ids(plan.send)).toEqual(['x']);
    expect(ids(plan.waiting)).toEqual(['y', 'z']);
    expect(plan.nextSlotAt).toBe(NOW + 1);
  });

  it('expires items at or past the TTL even when the budget has room, and reports them', () => {
    const pending = [buildItem('stale', 'critical', 24 * 60), buildItem('older', 'info', 30 * 60), buildItem('fresh', 'info', 24 * 60 - 1)];
    const plan = planDispatch({ pending, sentTimestamps: [], budgetPerHour: 30, ttlMs: TTL, now: NOW });
    expect(ids(plan.expire)).toEqual(['stale', 'older']);
    expect(ids(plan.send)).toEqual(['fresh']);
    expect(plan.waiting).toEqual([]);
    expect(plan.nextSlotAt).toBeNull();
  });

  it('puts the next slot an hour after the card whose departure frees one, counting cards sent now', () => {
    const pending = ['a', 'b', 'c'].map((id) => buildItem(id, 'warn', 1));
    const empty = planDispatch({ pending, sentTimestamps: [], budgetPerHour: 2, ttlMs: TTL, now: NOW });
    expect(ids(empty.send)).toEqual(['a', 'b']);
    expect(empty.nextSlotAt).toBe(NOW + BUDGET_WINDOW_MS);

    const partly = planDispatch({ pending, sentTimestamps: [NOW - 50 * MINUTE], budgetPerHour: 2, ttlMs: TTL, now: NOW });
    expect(ids(partly.send)).toEqual(['a']);
    expect(partly.nextSlotAt).toBe(NOW + 10 * MINUTE);
  });

  it('waits for enough cards to leave when more were sent than the budget allows', () => {
    // The budget was lowered from 5 to 2: four of the five recent cards must leave before one fits.
    const sentTimestamps = [50, 40, 30, 20, 10].map((minutesAgo) => NOW - minutesAgo * MINUTE);
    const plan = planDispatch({ pending: [buildItem('a', 'info', 1)], sentTimestamps, budgetPerHour: 2, ttlMs: TTL, now: NOW });
    expect(plan.send).toEqual([]);
    expect(plan.nextSlotAt).toBe(NOW - 20 * MINUTE + BUDGET_WINDOW_MS);
  });

  it('has no next slot when the budget is 0 or nothing waits', () => {
    const pending = [buildItem('a', 'info', 1)];
    expect(planDispatch({ pending, sentTimestamps: [], budgetPerHour: 0, ttlMs: TTL, now: NOW }).nextSlotAt).toBeNull();
    expect(planDispatch({ pending: [], sentTimestamps: [NOW], budgetPerHour: 1, ttlMs: TTL, now: NOW }).nextSlotAt).toBeNull();
  });

  it('never exceeds the budget in any hour and accounts for every item over a simulated day', () => {
    const budget = 5;
    const ttlMs = 3 * 60 * MINUTE;
    let pending: PendingItem[] = [];
    const sent: number[] = [];
    const outcomes = new Map<string, 'sent' | 'expired'>();
    let created = 0;
    for (let minute = 0; minute < 24 * 60; minute += 1) {
      const now = NOW + minute * MINUTE;
      // A burst of 40 items at 01:00, otherwise one every 10 minutes.
      const arrivals = minute === 60 ? 40 : minute % 10 === 0 ? 1 : 0;
      for (let i = 0; i < arrivals; i += 1) {
        pending.push({ id: `item_${created}`, priority: created % 7 === 0 ? 'critical' : 'info', createdAt: now });
        created += 1;
      }
      const plan = planDispatch({ pending, sentTimestamps: sent, budgetPerHour: budget, ttlMs, now });
      plan.send.forEach((item) => outcomes.set(item.id, 'sent'));
      plan.expire.forEach((item) => outcomes.set(item.id, 'expired'));
      sent.push(...plan.send.map(() => now));
      pending = plan.waiting;
    }
    const busiestHour = Math.max(...sent.map((start) => sent.filter((t) => t >= start && t < start + BUDGET_WINDOW_MS).length));
    expect(busiestHour).toBe(budget);
    expect(outcomes.size + pending.length).toBe(created);
    expect([...outcomes.values()]).toContain('expired');
  });
});

describe('resolveHourlyBudget', () => {
  it('uses a channel override and the general budget otherwise', () => {
    const config = samplingConfigSchema.parse({ hourly_budget: 20, hourly_budget_by_channel: { C_TRUST: 60 } });
    expect(resolveHourlyBudget(config, 'C_TRUST')).toBe(60);
    expect(resolveHourlyBudget(config, 'C_BRAND')).toBe(20);
  });
});
