import { describe, expect, it } from 'vitest';
import { computeSendTime, findDueDigest, isDigestDue, parseWeeklySchedule } from './digest-schedule.models.ts';
import { parseWeekKey } from './digest-weeks.models.ts';

const at = (iso: string) => Date.parse(iso);
const MONDAY_9 = '0 9 * * 1';

describe('parseWeeklySchedule', () => {
  it('reads minute, hour and day of week, with Sunday as 0, 7 or SUN', () => {
    expect(parseWeeklySchedule('0 9 * * 1')).toEqual({ weekday: 1, hour: 9, minute: 0 });
    expect(parseWeeklySchedule(' 30  17 * * fri ')).toEqual({ weekday: 5, hour: 17, minute: 30 });
    expect(parseWeeklySchedule('0 18 * * 0')).toEqual({ weekday: 7, hour: 18, minute: 0 });
    expect(parseWeeklySchedule('0 18 * * 7')).toEqual({ weekday: 7, hour: 18, minute: 0 });
  });

  it('refuses expressions that are not one weekly slot', () => {
    for (const expression of ['0 9 * * *', '0 9 1 * 1', '*/5 * * * *', '60 9 * * 1', '0 24 * * 1', '0 9 * * 8', '0 9 * * xyz', '0 9 * * 1-5', '']) {
      expect(parseWeeklySchedule(expression), expression).toBeNull();
    }
  });
});

describe('findDueDigest and isDigestDue', () => {
  it('owes last week from Monday 09:00 in Paris, and the week before until then', () => {
    expect(findDueDigest(at('2026-11-30T07:59:59Z'), 'Europe/Paris', MONDAY_9)).toMatchObject({ week: { key: '2026-W47' }, dueAt: at('2026-11-23T08:00:00Z') });
    expect(findDueDigest(at('2026-11-30T08:00:00Z'), 'Europe/Paris', MONDAY_9)).toMatchObject({ week: { key: '2026-W48' }, dueAt: at('2026-11-30T08:00:00Z') });
    expect(findDueDigest(at('2026-12-06T22:00:00Z'), 'Europe/Paris', MONDAY_9).week.key).toBe('2026-W48');
  });

  it('is due once the scheduled time passed and until that week is sent', () => {
    const monday9 = at('2026-11-30T08:00:00Z');
    expect(isDigestDue(monday9 - 1, '2026-W47', 'Europe/Paris', MONDAY_9)).toBe(false);
    expect(isDigestDue(monday9, '2026-W47', 'Europe/Paris', MONDAY_9)).toBe(true);
    expect(isDigestDue(monday9 + 3 * 86_400_000, '2026-W47', 'Europe/Paris', MONDAY_9)).toBe(true);
    expect(isDigestDue(monday9, '2026-W48', 'Europe/Paris', MONDAY_9)).toBe(false);
    expect(isDigestDue(monday9, null, 'Europe/Paris', MONDAY_9)).toBe(true);
  });

  it('owes only the latest week after a long downtime', () => {
    expect(findDueDigest(at('2026-12-16T10:00:00Z'), 'Europe/Paris', MONDAY_9).week.key).toBe('2026-W50');
    expect(isDigestDue(at('2026-12-16T10:00:00Z'), '2026-W47', 'Europe/Paris', MONDAY_9)).toBe(true);
  });

  it('follows 09:00 local in New York across the spring-forward week', () => {
    // Monday 2 March 2026 09:00 EST is 14:00Z; Monday 9 March 09:00 EDT is 13:00Z.
    expect(findDueDigest(at('2026-03-09T12:59:00Z'), 'America/New_York', MONDAY_9).week.key).toBe('2026-W09');
    expect(findDueDigest(at('2026-03-09T13:00:00Z'), 'America/New_York', MONDAY_9)).toMatchObject({ week: { key: '2026-W10' }, dueAt: at('2026-03-09T13:00:00Z') });
  });

  it('follows 09:00 local in Paris across the autumn change and the year boundary', () => {
    expect(findDueDigest(at('2026-10-26T08:00:00Z'), 'Europe/Paris', MONDAY_9)).toMatchObject({ week: { key: '2026-W43' }, dueAt: at('2026-10-26T08:00:00Z') });
    expect(findDueDigest(at('2027-01-04T08:00:00Z'), 'Europe/Paris', MONDAY_9).week.key).toBe('2026-W53');
    expect(findDueDigest(at('2027-01-04T07:59:00Z'), 'Europe/Paris', MONDAY_9).week.key).toBe('2026-W52');
  });

  it('places a Sunday schedule on the last day of the ISO week', () => {
    const week = parseWeekKey('2026-W48', 'Europe/Paris')!;
    expect(computeSendTime(week, { weekday: 7, hour: 18, minute: 0 })).toBe(at('2026-11-29T17:00:00Z'));
  });

  it('throws on a schedule that is not weekly', () => {
    expect(() => findDueDigest(0, 'UTC', '0 9 * * *')).toThrow(/weekly cron expression/);
  });
});
