import { addDays, previousWeek, readLocalDate, toEpochInZone, weekPeriod, type WeekPeriod } from './digest-weeks.models.ts';

// When a weekly digest is due. The schedule is a weekly cron expression (`0 9 * * 1`:
// Mondays 09:00 local), the form node-cron runs at the exact time; this module answers
// the question cron cannot: "is a digest owed now?", after downtime too. From the
// scheduled time of week W on, the digest of week W−1 (the last complete week) is due
// until it is sent. Only the latest week is owed: after three weeks down Vigil sends
// one digest, not three.

export interface WeeklySchedule {
  /** 1 = Monday … 7 = Sunday (ISO). */
  weekday: number;
  hour: number;
  minute: number;
}

const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const WEEKLY_CRON = /^(\d{1,2}) (\d{1,2}) \* \* ([0-7]|[A-Za-z]{3})$/;

/** `0 9 * * 1` or `30 8 * * mon` → the weekly time, or null for anything that is not one weekly slot. */
export function parseWeeklySchedule(expression: string): WeeklySchedule | null {
  const match = WEEKLY_CRON.exec(expression.trim().replace(/\s+/g, ' '));
  if (!match) return null;
  const minute = Number(match[1]);
  const hour = Number(match[2]);
  const day = match[3]!;
  const cronDay = /^\d$/.test(day) ? Number(day) : DAY_NAMES.indexOf(day.toUpperCase());
  if (minute > 59 || hour > 23 || cronDay < 0) return null;
  // cron counts Sunday as 0 or 7; ISO counts it as 7.
  return { weekday: cronDay === 0 ? 7 : cronDay, hour, minute };
}

function checkSchedule(expression: string): WeeklySchedule {
  const schedule = parseWeeklySchedule(expression);
  if (!schedule) throw new RangeError(`digest schedule "${expression}" is not a weekly cron expression such as "0 9 * * 1"`);
  return schedule;
}

/** The scheduled time inside `period`, in the period's time zone. */
export function computeSendTime(period: WeekPeriod, schedule: WeeklySchedule): number {
  // `start` is Monday 00:00 local (01:00 where midnight is skipped): its local date is the Monday.
  const day = addDays(readLocalDate(period.start, period.timeZone), schedule.weekday - 1);
  return toEpochInZone({ ...day, hour: schedule.hour, minute: schedule.minute }, period.timeZone);
}

export interface DueDigest {
  /** The week the digest reports on. */
  week: WeekPeriod;
  /** When it became due. */
  dueAt: number;
}

/** The most recent digest owed at `now`: the week before the latest scheduled time that has passed. */
export function findDueDigest(now: number, timeZone: string, scheduleExpression: string): DueDigest {
  const schedule = checkSchedule(scheduleExpression);
  const current = weekPeriod(now, timeZone);
  const sendTime = computeSendTime(current, schedule);
  if (now >= sendTime) return { week: previousWeek(current), dueAt: sendTime };
  const last = previousWeek(current);
  return { week: previousWeek(last), dueAt: computeSendTime(last, schedule) };
}

/** True when the digest owed at `now` is not the one last sent (null: none sent yet). */
export function isDigestDue(now: number, lastSentWeekKey: string | null, timeZone: string, scheduleExpression: string): boolean {
  const due = findDueDigest(now, timeZone, scheduleExpression);
  return lastSentWeekKey === null || lastSentWeekKey < due.week.key;
}
