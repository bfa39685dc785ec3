import { describe, expect, it } from 'vitest';
import { isKnownGood, liveDurationMs, pickRollbackTarget } from './releases.models.ts';

const HOUR = 3_600_000;
const NOW = Date.parse('2026-11-25T09:00:00Z');

describe('isKnownGood', () => {
  const liveFor = (hours: number) => ({ liveMs: 0, liveSince: NOW - hours * HOUR });

  it('is known-good after the soak time with no rejected critical item, not before', () => {
    expect(isKnownGood(liveFor(24), NOW, 0, 24 * HOUR, false)).toBe(true);
    expect(isKnownGood(liveFor(23.9), NOW, 0, 24 * HOUR, false)).toBe(false);
  });

  it('is not known-good with a rejected critical item, however long it soaked, unless an approver marked it', () => {
    expect(isKnownGood(liveFor(100), NOW, 1, 24 * HOUR, false)).toBe(false);
    expect(isKnownGood(liveFor(1), NOW, 3, 24 * HOUR, true)).toBe(true);
  });

  it('counts earlier live periods, so a release that came back keeps its soak time', () => {
    const back = { liveMs: 20 * HOUR, liveSince: NOW - 4 * HOUR };
    expect(liveDurationMs(back, NOW)).toBe(24 * HOUR);
    expect(isKnownGood(back, NOW, 0, 24 * HOUR, false)).toBe(true);
    expect(liveDurationMs({ liveMs: 5 * HOUR, liveSince: null }, NOW)).toBe(5 * HOUR);
  });
});

describe('pickRollbackTarget', () => {
  const releases = [
    { release: 'r3', liveSince: NOW },
    { release: 'r2', liveSince: null },
    { release: 'r1', liveSince: null },
  ];

  it('picks the most recently live known-good release other than the live one', () => {
    expect(pickRollbackTarget(releases, new Set(['r3', 'r2', 'r1']))?.release).toBe('r2');
    expect(pickRollbackTarget(releases, new Set(['r3', 'r1']))?.release).toBe('r1');
  });

  it('finds nothing when only the live release is known-good', () => {
    expect(pickRollbackTarget(releases, new Set(['r3']))).toBeUndefined();
  });
});
