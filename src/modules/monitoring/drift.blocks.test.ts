import { describe, expect, it } from 'vitest';
import { assertWithinLimits } from '../../shared/slack-limits.ts';
import type { DriftAlertCard } from './drift-card.models.ts';
import { describeStatistic } from './drift-card.models.ts';
import { buildDriftAlertMessage } from './drift.blocks.ts';
import { MONITORING_ACTIONS, parseStopBoostValue } from './monitoring.actions.ts';

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const HOUR = 3_600_000;

function createCard(overrides: Partial<DriftAlertCard> = {}): DriftAlertCard {
  return {
    alertId: 12,
    openedAt: NOW,
    resolvedAt: null,
    now: NOW,
    summary: {
      source: 'support-bot',
      metric: 'grader:tone',
      kind: 'numeric',
      test: 'ks',
      statistic: 0.0012,
      threshold: 0.05,
      sizes: { reference: 1240, current: 310 },
      ksStatistic: 0.181,
      figures: { reference: 'mean 0.21 · median 0.2', current: 'mean 0.45 · median 0.44' },
      windows: { current: { from: NOW - 24 * HOUR, to: NOW }, reference: { from: NOW - 8 * 24 * HOUR, to: NOW - 24 * HOUR, label: 'previous 7 days' } },
      evaluatedAt: NOW,
    },
    boost: { id: 7, slice: 'grader:tone', rate: 0.25, startedAt: NOW, until: NOW + 24 * HOUR, stoppedBy: null, stoppedAt: null },
    ...overrides,
  };
}

describe('drift alert card', () => {
  it('shows the test, the statistic against its threshold, the window sizes and the figures', () => {
    const message = buildDriftAlertMessage(createCard());
    assertWithinLimits(message);
    const text = JSON.stringify(message.blocks);
    expect(text).toContain('Kolmogorov–Smirnov (`ks`)');
    expect(text).toContain('p = 0.0012 (D = 0.181), drift when p ≤ 0.05');
    expect(text).toContain('reference 1,240 · current 310');
    expect(text).toContain('*Before* mean 0.21 · median 0.2\\n*After* mean 0.45 · median 0.44');
    expect(message.text).toBe('Drift on support-bot: grader:tone (p = 0.0012 (D = 0.181), drift when p ≤ 0.05)');
  });

  it('shows a running boost with its end time and a Stop button carrying the boost id behind a confirmation', () => {
    const boost = buildDriftAlertMessage(createCard()).blocks.find((block) => block.block_id === 'drift.12.boost');
    expect(boost).toMatchObject({
      type: 'section',
      text: { text: expect.stringContaining('raised to *25%* for `grader:tone` until <!date^1795608000^') },
      accessory: { type: 'button', action_id: MONITORING_ACTIONS.stopBoost, style: 'danger', confirm: { title: { text: 'Stop the sampling boost?' } } },
    });
    expect(parseStopBoostValue((boost as { accessory: { value: string } }).accessory.value)).toEqual({ kind: 'stop_boost', boostId: 7 });
  });

  it('drops the Stop button once the boost has ended or was stopped', () => {
    const ended = JSON.stringify(buildDriftAlertMessage(createCard({ now: NOW + 25 * HOUR })).blocks);
    expect(ended).toContain('was raised to 25%');
    expect(ended).not.toContain(MONITORING_ACTIONS.stopBoost);
    const stopped = createCard({ boost: { ...createCard().boost!, stoppedBy: 'U0LEAD', stoppedAt: NOW + HOUR } });
    expect(JSON.stringify(buildDriftAlertMessage(stopped).blocks)).toContain('stopped by <@U0LEAD>');
  });

  it('keeps app-reported values inert and within Block Kit limits however long they are', () => {
    const hostile = `<!channel> ${'v'.repeat(5000)}`;
    const card = createCard({
      summary: { ...createCard().summary, metric: 'model_version', kind: 'categorical', test: 'chisquare', figures: { reference: hostile, current: hostile } },
      boost: { ...createCard().boost!, slice: `model_version:${hostile}` },
    });
    const message = buildDriftAlertMessage(card);
    assertWithinLimits(message);
    expect(JSON.stringify(message)).not.toContain('<!channel>');
    expect(JSON.stringify(message)).toContain('&lt;!channel&gt;');
  });

  it('marks a resolved episode in the header', () => {
    const message = buildDriftAlertMessage(createCard({ resolvedAt: NOW + 30 * HOUR, boost: null }));
    expect(message.blocks[0]).toMatchObject({ type: 'header', text: { text: 'Drift resolved: grader:tone on support-bot' } });
    assertWithinLimits(message);
  });
});

describe('describeStatistic', () => {
  it('names p-values and distances with the comparison their test drifts on', () => {
    expect(describeStatistic({ test: 'z', statistic: 3.2e-7, threshold: 0.05 })).toBe('p = 3.2e-7, drift when p < 0.05');
    expect(describeStatistic({ test: 'psi', statistic: 0.23, threshold: 0.1 })).toBe('PSI = 0.23, drift when PSI ≥ 0.1');
    expect(describeStatistic({ test: 'wasserstein', statistic: null, threshold: 0.1 })).toBe('distance = n/a, drift when distance ≥ 0.1');
  });
});
