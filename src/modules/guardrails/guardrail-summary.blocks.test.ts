import { describe, expect, it } from 'vitest';
import { describeGuardrail, describeGuardrailHeadline } from './guardrail-summary.blocks.ts';
import { buildSeedSpec, type GuardrailVersion } from './guardrails.models.ts';

const spec = buildSeedSpec({
  thresholds: { tone: 0.7 },
  graderActions: { tone: 'flag' },
  detectorActions: { secrets: 'redact', pii: 'redact', injection: 'flag', prompt_leak: 'block', blocklist: 'block' },
  blocklist: { words: ['refund guaranteed'], patterns: ['wire\\s+money', 'gift\\s*card'] },
  killSwitchMessage: 'Back soon.',
});
const version: GuardrailVersion = { source: 'support-bot', version: 12, kind: 'change', spec, actor: 'slack:U04QAPPR001', reason: 'tighten <tone>', diff: [], revertOf: null, webhookOutboxId: null, createdAt: Date.UTC(2026, 10, 20, 9) };

describe('describeGuardrail', () => {
  it('lists grader rules and detector actions and counts the blocklist without showing it', () => {
    const text = describeGuardrail(version);
    expect(text.split('\n')).toEqual([
      '*support-bot* guardrail v12',
      expect.stringMatching(/^Last change: change by slack:U04QAPPR001, <!date\^\d+\^.*> — tighten &lt;tone&gt;$/),
      '• grader *tone*: flag at score ≥ 0.70',
      '• detector *secrets*: redact',
      '• detector *pii*: redact',
      '• detector *prompt_leak*: block',
      '• detector *injection*: flag',
      '• detector *blocklist*: block',
      '• blocklist: 1 word, 2 patterns',
    ]);
    expect(text).not.toContain('refund guaranteed');
  });

  it('puts the kill switch and a pinned release in the headline', () => {
    const live = { ...version, spec: { ...spec, kill_switch: { on: true, message: 'Back soon.' }, pinned_release: { release: 'r-41', model: null, prompt_version: null } } };
    expect(describeGuardrailHeadline(live)).toBe('guardrail v12 · :rotating_light: *kill switch ON* · pinned to release `r-41`');
    expect(describeGuardrail(live)).toContain('Every `/v1/check` answers *block* with: Back soon.');
  });
});
