import { describe, expect, it } from 'vitest';
import { describeRollbackRequest, describeVersionChange, describeVersionNote, describeWebhookDelivery, formatActor } from './guardrail-notes.models.ts';
import { buildSeedSpec, DEFAULT_DETECTOR_ACTIONS, type GuardrailVersion } from './guardrails.models.ts';

const spec = buildSeedSpec({ thresholds: { tone: 0.7 }, graderActions: {}, detectorActions: { ...DEFAULT_DETECTOR_ACTIONS }, blocklist: { words: [], patterns: [] }, killSwitchMessage: 'Paused.' });

function version(overrides: Partial<GuardrailVersion>): GuardrailVersion {
  return { source: 'support-bot', version: 12, kind: 'change', spec, actor: 'slack:U04QAPPR001', reason: 'r', diff: [], revertOf: null, webhookOutboxId: null, createdAt: 0, ...overrides };
}

describe('describeVersionNote', () => {
  it('says who blocked which pattern, escaped so a hostile pattern stays inert', () => {
    const note = describeVersionNote(version({ diff: [{ path: 'blocklist.patterns', added: ['<!channel> refund'], removed: [] }] }));
    expect(note).toBe(':shield: guardrail v12 by <@U04QAPPR001>: blocked outputs matching `&lt;!channel&gt; refund`');
  });

  it('describes thresholds, detector actions and the kill switch, then counts the rest', () => {
    const text = describeVersionChange(
      version({
        diff: [
          { path: 'graders.tone.threshold', from: 0.7, to: 0.55 },
          { path: 'detectors.pii.action', from: 'redact', to: 'block' },
          { path: 'kill_switch.on', from: false, to: true },
          { path: 'blocklist.words', added: ['a', 'b'], removed: [] },
        ],
      }),
    );
    expect(text).toBe('lowered the *tone* threshold 0.70 → 0.55; switched *pii* from redact to block; turned the *kill switch on*; blocked the word `a`; and 1 more');
  });

  it('names the pinned release of a rollback and the restored version of a revert', () => {
    const pinned = { ...spec, pinned_release: { release: 'r-41', model: null, prompt_version: null } };
    expect(describeVersionChange(version({ kind: 'rollback', spec: pinned }), 'r-42')).toBe('rolled back to `r-41` from `r-42`');
    expect(describeVersionChange(version({ kind: 'revert', revertOf: 9 }))).toBe('reverted to v9');
  });

  it('shows a non-Slack actor as code, never as a mention', () => {
    expect(formatActor('api:key_01ABC')).toBe('`api:key_01ABC`');
    expect(formatActor('slack:<!here>')).toBe('`slack:&lt;!here&gt;`');
  });
});

describe('describeWebhookDelivery', () => {
  it('reads delivered, retrying with the last error, and failed with its reason', () => {
    expect(describeWebhookDelivery({ state: 'delivered', attempts: 2, last_error: 'http_500' })).toBe(':white_check_mark: webhook delivered (attempt 2)');
    expect(describeWebhookDelivery({ state: 'retrying', attempts: 1, last_error: 'http_500: <b>boom</b>' })).toBe(':repeat: webhook retrying (attempt 1 failed: http_500: &lt;b&gt;boom&lt;/b&gt;)');
    expect(describeWebhookDelivery({ state: 'failed', attempts: 3, last_error: 'http_410' })).toBe(':x: webhook failed: http_410');
  });
});

describe('describeRollbackRequest', () => {
  const request = { requestedBy: 'U1AAA', targetRelease: 'r-41', fromRelease: 'r-42', expiresAt: 1_800_000_000_000, decidedBy: null, outcome: null, version: null };

  it('tells a pending request apart from a confirmed, expired or cancelled one', () => {
    expect(describeRollbackRequest({ ...request, state: 'pending' })).toContain('a second approver must confirm by <!date^1800000000^');
    expect(describeRollbackRequest({ ...request, state: 'confirmed', decidedBy: 'U2BBB', version: 14 })).toBe(
      ':white_check_mark: rollback to `r-41` requested by <@U1AAA>, confirmed by <@U2BBB> (guardrail v14)',
    );
    expect(describeRollbackRequest({ ...request, state: 'expired' })).toContain('expired: no second approver confirmed it within 10 minutes');
    expect(describeRollbackRequest({ ...request, state: 'cancelled', decidedBy: 'U2BBB', outcome: 'cancelled' })).toContain('was cancelled by <@U2BBB>');
  });
});
