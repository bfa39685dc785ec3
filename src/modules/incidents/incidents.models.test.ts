import { describe, expect, it } from 'vitest';
import { isVigilError } from '../../platform/errors.ts';
import {
  CHANNEL_NAME_MAX, buildChannelSlug, buildIncidentChannelName, canTransition, checkTransition, computeTimeToAcknowledge, computeTimeToResolve,
  formatChannelDate, formatDuration, pickChannelAttempt, shouldOpenAutoIncident, type IncidentStatus,
} from './incidents.models.ts';

const MINUTE = 60_000;
// 23:30 UTC on 24 November 2026 is already the 25th in Paris and still the 24th in New York.
const LATE_EVENING_UTC = Date.parse('2026-11-24T23:30:00Z');

describe('status transitions', () => {
  it('allows open → acknowledged → resolved and open → resolved', () => {
    expect(canTransition('open', 'acknowledged')).toBe(true);
    expect(canTransition('acknowledged', 'resolved')).toBe(true);
    expect(canTransition('open', 'resolved')).toBe(true);
  });

  it('refuses going back, repeating a step, or anything after resolve', () => {
    const refused: Array<[IncidentStatus, IncidentStatus]> = [
      ['acknowledged', 'open'],
      ['acknowledged', 'acknowledged'],
      ['resolved', 'open'],
      ['resolved', 'acknowledged'],
      ['resolved', 'resolved'],
      ['open', 'open'],
    ];
    for (const [from, to] of refused) expect(canTransition(from, to), `${from} → ${to}`).toBe(false);
  });

  it('throws a typed error that names the incident and says what is wrong', () => {
    const error = (() => {
      try {
        checkTransition('inc_1', 'acknowledged', 'acknowledged');
      } catch (caught) {
        return caught;
      }
      return null;
    })();
    expect(isVigilError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'incident.invalid_transition', statusCode: 409, message: 'Incident inc_1 is already acknowledged.' });
    expect(() => checkTransition('inc_1', 'resolved', 'acknowledged')).toThrow('Incident inc_1 is already resolved.');
    expect(() => checkTransition('inc_1', 'open', 'acknowledged')).not.toThrow();
  });
});

describe('incident clocks', () => {
  const openedAt = 1_000_000;

  it('measures time to acknowledge and to resolve from the opening', () => {
    const times = { openedAt, acknowledgedAt: openedAt + 4 * MINUTE, resolvedAt: openedAt + 95 * MINUTE };
    expect(computeTimeToAcknowledge(times)).toBe(4 * MINUTE);
    expect(computeTimeToResolve(times)).toBe(95 * MINUTE);
  });

  it('counts a resolve without an acknowledgement as the acknowledgement', () => {
    expect(computeTimeToAcknowledge({ openedAt, acknowledgedAt: null, resolvedAt: openedAt + 7 * MINUTE })).toBe(7 * MINUTE);
  });

  it('has no figure while the step has not happened', () => {
    const times = { openedAt, acknowledgedAt: null, resolvedAt: null };
    expect(computeTimeToAcknowledge(times)).toBeNull();
    expect(computeTimeToResolve(times)).toBeNull();
  });

  it('formats durations with at most two units', () => {
    expect(formatDuration(42_000)).toBe('42 s');
    expect(formatDuration(12 * MINUTE + 59_000)).toBe('12 min');
    expect(formatDuration(60 * MINUTE)).toBe('1 h');
    expect(formatDuration(65 * MINUTE)).toBe('1 h 5 min');
    expect(formatDuration(51 * 60 * MINUTE)).toBe('2 d 3 h');
    expect(formatDuration(48 * 60 * MINUTE)).toBe('2 d');
    expect(formatDuration(-5)).toBe('0 s');
  });
});

describe('incident channel names', () => {
  it('dates the channel in the configured time zone', () => {
    expect(formatChannelDate(LATE_EVENING_UTC, 'UTC')).toBe('20261124');
    expect(formatChannelDate(LATE_EVENING_UTC, 'Europe/Paris')).toBe('20261125');
    expect(formatChannelDate(LATE_EVENING_UTC, 'America/New_York')).toBe('20261124');
  });

  it('slugs a title to lowercase ASCII letters, digits and single dashes', () => {
    expect(buildChannelSlug('Leaked AWS key in  "support-bot" answers!', 80)).toBe('leaked-aws-key-in-support-bot-answers');
    expect(buildChannelSlug('Réponse déplacée — ÉLÈVE', 80)).toBe('reponse-deplacee-eleve');
    expect(buildChannelSlug('<!channel> @here #general', 80)).toBe('channel-here-general');
    expect(buildChannelSlug('🔥🔥🔥', 80)).toBe('incident');
    expect(buildChannelSlug('abc def ghi', 5)).toBe('abc-d');
    expect(buildChannelSlug('abcd efgh', 5)).toBe('abcd');
  });

  it('builds inc-<yyyymmdd>-<slug> within 80 characters and Slack\'s character set, suffix included', () => {
    const title = 'A very long title that goes on and on about the model leaking the system prompt to every single user who asks';
    for (const attempt of [0, 1, 9, 19]) {
      const name = buildIncidentChannelName({ title, now: LATE_EVENING_UTC, timeZone: 'Europe/Paris', attempt });
      expect(name.length).toBeLessThanOrEqual(CHANNEL_NAME_MAX);
      expect(name).toMatch(/^inc-20261125-[a-z0-9_-]+$/);
    }
    expect(buildIncidentChannelName({ title: 'Leaked key', now: LATE_EVENING_UTC, timeZone: 'UTC' })).toBe('inc-20261124-leaked-key');
    expect(buildIncidentChannelName({ title: 'Leaked key', now: LATE_EVENING_UTC, timeZone: 'UTC', attempt: 1 })).toBe('inc-20261124-leaked-key-2');
  });

  it('picks the first suffix no other incident holds', () => {
    const naming = { title: 'Leaked key', now: LATE_EVENING_UTC, timeZone: 'UTC' };
    expect(pickChannelAttempt(naming, new Set())).toBe(0);
    expect(pickChannelAttempt(naming, new Set(['inc-20261124-leaked-key', 'inc-20261124-leaked-key-2']))).toBe(2);
    expect(pickChannelAttempt(naming, new Set(['inc-20261124-leaked-key-2']))).toBe(0);
  });
});

describe('shouldOpenAutoIncident', () => {
  const rule = { when: { check: 'secrets', kind: 'aws_access_key', min_severity: 'critical' as const }, window_minutes: 30 };
  const leak = { check: 'secrets', kind: 'aws_access_key', severity: 'critical' as const };
  const now = 10 * 60 * MINUTE;

  it('opens for a matching flag when the rule never opened one', () => {
    expect(shouldOpenAutoIncident(rule, leak, null, now)).toBe(true);
  });

  it('opens at most one incident per rule per window', () => {
    expect(shouldOpenAutoIncident(rule, leak, now - 29 * MINUTE, now)).toBe(false);
    expect(shouldOpenAutoIncident(rule, leak, now - 30 * MINUTE, now)).toBe(true);
  });

  it('ignores flags of another check or kind, or below the minimum severity', () => {
    expect(shouldOpenAutoIncident(rule, { ...leak, check: 'pii' }, null, now)).toBe(false);
    expect(shouldOpenAutoIncident(rule, { ...leak, kind: 'github_token' }, null, now)).toBe(false);
    expect(shouldOpenAutoIncident(rule, { ...leak, severity: 'warn' }, null, now)).toBe(false);
  });

  it('matches any kind when the rule names none, and a lower minimum lets warnings through', () => {
    const anySecret = { when: { check: 'secrets', min_severity: 'warn' as const }, window_minutes: 30 };
    expect(shouldOpenAutoIncident(anySecret, { check: 'secrets', kind: 'github_token', severity: 'warn' }, null, now)).toBe(true);
    expect(shouldOpenAutoIncident(anySecret, { check: 'secrets', severity: 'info' }, null, now)).toBe(false);
  });
});
