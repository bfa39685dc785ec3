import { describe, expect, it } from 'vitest';
import { listWeeksEndingWith, parseWeekKey, previousWeek, readWeekDays, toEpochInZone, weekPeriod } from './digest-weeks.models.ts';

const at = (iso: string) => Date.parse(iso);
const HOUR = 3_600_000;

describe('weekPeriod', () => {
  it('gives the ISO week of a date in the zone, from Monday 00:00 local to the next Monday', () => {
    expect(weekPeriod(at('2026-11-25T12:00:00Z'), 'Europe/Paris')).toEqual({
      key: '2026-W48',
      start: at('2026-11-22T23:00:00Z'),
      end: at('2026-11-29T23:00:00Z'),
      timeZone: 'Europe/Paris',
    });
  });

  it('reads the week in the zone: Sunday 23:30 in Paris is Sunday, Monday 00:30 is the next week', () => {
    expect(weekPeriod(at('2026-11-29T22:30:00Z'), 'Europe/Paris').key).toBe('2026-W48');
    expect(weekPeriod(at('2026-11-29T23:30:00Z'), 'Europe/Paris').key).toBe('2026-W49');
    expect(weekPeriod(at('2026-11-29T23:30:00Z'), 'UTC').key).toBe('2026-W48');
    expect(weekPeriod(at('2026-11-30T04:30:00Z'), 'America/New_York').key).toBe('2026-W48');
  });

  it('gives the ISO year of the Thursday across a year boundary', () => {
    // 2026 has 53 ISO weeks: 31 December 2026 (a Thursday) and 3 January 2027 are in 2026-W53.
    expect(weekPeriod(at('2026-12-31T12:00:00Z'), 'UTC').key).toBe('2026-W53');
    expect(weekPeriod(at('2027-01-03T12:00:00Z'), 'UTC').key).toBe('2026-W53');
    expect(weekPeriod(at('2027-01-04T12:00:00Z'), 'UTC').key).toBe('2027-W01');
    // 29 December 2025 (a Monday) starts 2026-W01.
    expect(weekPeriod(at('2025-12-29T12:00:00Z'), 'Europe/Paris').key).toBe('2026-W01');
    expect(weekPeriod(at('2025-12-28T12:00:00Z'), 'Europe/Paris').key).toBe('2025-W52');
    // New Year's Eve 23:30 in New York is already 2027 in UTC, but still 2026-W53 there.
    expect(weekPeriod(at('2027-01-04T04:30:00Z'), 'America/New_York').key).toBe('2026-W53');
  });

  it('makes a week 167 hours long when the clocks go forward and 169 when they go back, in Paris', () => {
    const spring = weekPeriod(at('2026-03-26T12:00:00Z'), 'Europe/Paris');
    expect(spring).toMatchObject({ key: '2026-W13', start: at('2026-03-22T23:00:00Z'), end: at('2026-03-29T22:00:00Z') });
    expect((spring.end - spring.start) / HOUR).toBe(167);
    const autumn = weekPeriod(at('2026-10-22T12:00:00Z'), 'Europe/Paris');
    expect(autumn).toMatchObject({ key: '2026-W43', start: at('2026-10-18T22:00:00Z'), end: at('2026-10-25T23:00:00Z') });
    expect((autumn.end - autumn.start) / HOUR).toBe(169);
  });

  it('makes a week 167 or 169 hours long across the DST changes in New York', () => {
    const spring = weekPeriod(at('2026-03-05T12:00:00Z'), 'America/New_York');
    expect(spring).toMatchObject({ key: '2026-W10', start: at('2026-03-02T05:00:00Z'), end: at('2026-03-09T04:00:00Z') });
    const autumn = weekPeriod(at('2026-10-29T12:00:00Z'), 'America/New_York');
    expect(autumn).toMatchObject({ key: '2026-W44', start: at('2026-10-26T04:00:00Z'), end: at('2026-11-02T05:00:00Z') });
    expect([(spring.end - spring.start) / HOUR, (autumn.end - autumn.start) / HOUR]).toEqual([167, 169]);
  });

  it('puts the hour the clocks repeat in the week it belongs to', () => {
    // 01:30 happens twice in New York on 1 November 2026; both are Sunday, the last day of 2026-W44.
    expect(weekPeriod(at('2026-11-01T05:30:00Z'), 'America/New_York').key).toBe('2026-W44');
    expect(weekPeriod(at('2026-11-01T06:30:00Z'), 'America/New_York').key).toBe('2026-W44');
  });
});

describe('previousWeek and parseWeekKey', () => {
  it('steps back across a year boundary and a DST change', () => {
    const week1 = parseWeekKey('2027-W01', 'Europe/Paris')!;
    expect(previousWeek(week1)).toEqual({ key: '2026-W53', start: at('2026-12-27T23:00:00Z'), end: at('2027-01-03T23:00:00Z'), timeZone: 'Europe/Paris' });
    const afterSpring = parseWeekKey('2026-W14', 'Europe/Paris')!;
    expect(previousWeek(afterSpring)).toMatchObject({ key: '2026-W13', end: afterSpring.start });
  });

  it('parses a week key into the same period as weekPeriod, and rejects weeks a year does not have', () => {
    expect(parseWeekKey('2026-W48', 'Europe/Paris')).toEqual(weekPeriod(at('2026-11-25T12:00:00Z'), 'Europe/Paris'));
    expect(parseWeekKey('2026-w53', 'UTC')?.key).toBe('2026-W53');
    expect(parseWeekKey('2027-W53', 'UTC')).toBeNull();
    expect(parseWeekKey('2026-W00', 'UTC')).toBeNull();
    expect(parseWeekKey('2026-48', 'UTC')).toBeNull();
  });

  it('lists the weeks ending with a week, oldest first, and names their first and last days', () => {
    const weeks = listWeeksEndingWith(parseWeekKey('2027-W02', 'UTC')!, 3);
    expect(weeks.map((week) => week.key)).toEqual(['2026-W53', '2027-W01', '2027-W02']);
    expect(readWeekDays(weeks[0]!)).toEqual({ firstDay: '2026-12-28', lastDay: '2027-01-03' });
  });
});

describe('toEpochInZone', () => {
  it('moves a time skipped by the clocks forward by the gap, and takes the first of a repeated time', () => {
    expect(toEpochInZone({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, 'Europe/Paris')).toBe(at('2026-03-29T01:30:00Z'));
    expect(toEpochInZone({ year: 2026, month: 10, day: 25, hour: 2, minute: 30 }, 'Europe/Paris')).toBe(at('2026-10-25T00:30:00Z'));
    expect(toEpochInZone({ year: 2026, month: 7, day: 1, hour: 9, minute: 0 }, 'America/New_York')).toBe(at('2026-07-01T13:00:00Z'));
  });
});
