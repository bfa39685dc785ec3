// ISO weeks in a time zone, and when a weekly digest is due. Pure: `now` is always a
// parameter. A week runs from Monday 00:00 local to the next Monday 00:00 local, so it is
// 167 or 169 hours long when the clocks change inside it; the ISO year of a week is the
// year of its Thursday (2026-12-31 is in 2026-W53, 2027-01-04 in 2027-W01).

const DAY_MS = 86_400_000;

export interface WeekPeriod {
  /** `2026-W48`: zero-padded, so keys sort as strings in time order. */
  key: string;
  /** Monday 00:00 local, epoch ms (inclusive). */
  start: number;
  /** The next Monday 00:00 local, epoch ms (exclusive). */
  end: number;
  timeZone: string;
}

export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

export interface LocalTime extends LocalDate {
  hour: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall-clock time of `epochMs` in `timeZone` (seconds folded into the offset). */
function readLocalTime(epochMs: number, timeZone: string): LocalTime & { second: number } {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(epochMs)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

/** Milliseconds the zone is ahead of UTC at `epochMs` (+3_600_000 for Paris in winter). */
function readOffset(epochMs: number, timeZone: string): number {
  const whole = Math.floor(epochMs / 1000) * 1000;
  const local = readLocalTime(whole, timeZone);
  return Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second) - whole;
}

/**
 * The instant a wall-clock time happens in `timeZone`. A time repeated when clocks go back is
 * its first occurrence; a time skipped when they go forward moves forward by the gap
 * (02:30 on the spring-forward night reads as 03:30), as Temporal's `compatible` does.
 */
export function toEpochInZone(local: LocalTime, timeZone: string): number {
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  const before = wall - readOffset(wall - DAY_MS, timeZone);
  const after = wall - readOffset(wall + DAY_MS, timeZone);
  const matches = [before, after].filter((candidate) => candidate + readOffset(candidate, timeZone) === wall);
  return matches.length > 0 ? Math.min(...matches) : before;
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const shifted = new Date(Date.UTC(date.year, date.month - 1, date.day) + days * DAY_MS);
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

/** 1 = Monday … 7 = Sunday. */
function isoWeekday(date: LocalDate): number {
  return ((new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay() + 6) % 7) + 1;
}

function formatWeekKey(monday: LocalDate): string {
  const thursday = addDays(monday, 3);
  const firstDay = Date.UTC(thursday.year, 0, 1);
  const week = 1 + Math.floor((Date.UTC(thursday.year, thursday.month - 1, thursday.day) - firstDay) / (7 * DAY_MS));
  return `${thursday.year}-W${String(week).padStart(2, '0')}`;
}

function buildPeriod(monday: LocalDate, timeZone: string): WeekPeriod {
  const midnight = (date: LocalDate) => toEpochInZone({ ...date, hour: 0, minute: 0 }, timeZone);
  return { key: formatWeekKey(monday), start: midnight(monday), end: midnight(addDays(monday, 7)), timeZone };
}

/** The local calendar date of `epochMs` in `timeZone`. */
export function readLocalDate(epochMs: number, timeZone: string): LocalDate {
  const { year, month, day } = readLocalTime(epochMs, timeZone);
  return { year, month, day };
}

/** The ISO week containing `now` in `timeZone`. */
export function weekPeriod(now: number, timeZone: string): WeekPeriod {
  const local = readLocalTime(now, timeZone);
  return buildPeriod(addDays(local, 1 - isoWeekday(local)), timeZone);
}

export function previousWeek(period: WeekPeriod): WeekPeriod {
  return weekPeriod(period.start - 1, period.timeZone);
}

const WEEK_KEY = /^(\d{4})-W(\d{2})$/;

/** `2026-W47` → its period, or null for a malformed key or a week its year does not have (2026-W54). */
export function parseWeekKey(key: string, timeZone: string): WeekPeriod | null {
  const match = WEEK_KEY.exec(key.trim().toUpperCase());
  if (!match) return null;
  const year = Number(match[1]);
  const week = Number(match[2]);
  if (week < 1) return null;
  // Week 1 is the week with January 4th in it.
  const january4 = { year, month: 1, day: 4 };
  const monday = addDays(january4, 1 - isoWeekday(january4) + (week - 1) * 7);
  const period = buildPeriod(monday, timeZone);
  return period.key === `${match[1]}-W${match[2]}` ? period : null;
}

const formatDate = (date: LocalDate) => `${date.year}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;

/** The week's Monday and Sunday as local dates, `2026-11-16` and `2026-11-22`. */
export function readWeekDays(period: WeekPeriod): { firstDay: string; lastDay: string } {
  const monday = readLocalDate(period.start, period.timeZone);
  return { firstDay: formatDate(monday), lastDay: formatDate(addDays(monday, 6)) };
}

/** The weeks ending with `period`, oldest first. */
export function listWeeksEndingWith(period: WeekPeriod, count: number): WeekPeriod[] {
  const weeks = [period];
  while (weeks.length < count) weeks.unshift(previousWeek(weeks[0]!));
  return weeks;
}
