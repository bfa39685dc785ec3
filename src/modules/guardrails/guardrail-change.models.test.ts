import { describe, expect, it } from 'vitest';
import { applyGuardrailChange, diffGuardrailSpecs, formatGuardrailDiff, GuardrailChangeConflict, guardrailChangeSchema } from './guardrail-change.models.ts';
import { buildSeedSpec, DEFAULT_DETECTOR_ACTIONS, guardrailSpecSchema, parseGuardrailEtag, formatGuardrailEtag } from './guardrails.models.ts';

const base = buildSeedSpec({
  thresholds: { tone: 0.7, brand: 0.6 },
  graderActions: {},
  detectorActions: { ...DEFAULT_DETECTOR_ACTIONS },
  blocklist: { words: ['competitor'], patterns: ['refund\\s+guaranteed'] },
  killSwitchMessage: 'Unavailable.',
});

describe('buildSeedSpec', () => {
  it('seeds every detector, the graders sorted by name with action flag, and the kill switch off', () => {
    expect(base).toEqual({
      graders: { brand: { threshold: 0.6, action: 'flag' }, tone: { threshold: 0.7, action: 'flag' } },
      detectors: { secrets: { action: 'redact' }, pii: { action: 'redact' }, prompt_leak: { action: 'block' }, injection: { action: 'flag' }, blocklist: { action: 'block' } },
      blocklist: { words: ['competitor'], patterns: ['refund\\s+guaranteed'] },
      kill_switch: { on: false, message: 'Unavailable.' },
      pinned_release: null,
    });
    expect(guardrailSpecSchema.parse(base)).toEqual(base);
  });
});

describe('applyGuardrailChange', () => {
  it('composes two additions made from the same version, so neither is lost', () => {
    const first = applyGuardrailChange(base, { blocklist: { add_patterns: ['free\\s+money'] } });
    const second = applyGuardrailChange(first, { blocklist: { add_patterns: ['wire\\s+transfer'], add_words: ['competitor'] } });
    expect(second.blocklist).toEqual({ words: ['competitor'], patterns: ['refund\\s+guaranteed', 'free\\s+money', 'wire\\s+transfer'] });
  });

  it('replaces, removes and changes single fields, keeping the rest', () => {
    const next = applyGuardrailChange(base, {
      graders: { tone: { threshold: 0.4 }, brand: null, toxicity: { threshold: 0.8, action: 'block' } },
      detectors: { pii: { action: 'block' } },
      blocklist: { words: ['rival'], remove_patterns: ['refund\\s+guaranteed'] },
      kill_switch: { on: true },
    });
    expect(next.graders).toEqual({ tone: { threshold: 0.4, action: 'flag' }, toxicity: { threshold: 0.8, action: 'block' } });
    expect(next.detectors.pii).toEqual({ action: 'block' });
    expect(next.detectors.secrets).toEqual({ action: 'redact' });
    expect(next.blocklist).toEqual({ words: ['rival'], patterns: [] });
    expect(next.kill_switch).toEqual({ on: true, message: 'Unavailable.' });
    expect(base.graders.brand).toBeDefined();
  });

  it('refuses a new grader without a threshold, naming the path', () => {
    expect(() => applyGuardrailChange(base, { graders: { toxicity: { action: 'block' } } })).toThrow(GuardrailChangeConflict);
    try {
      applyGuardrailChange(base, { graders: { toxicity: { action: 'block' } } });
    } catch (error) {
      expect((error as GuardrailChangeConflict).path).toBe('graders.toxicity.threshold');
    }
  });
});

describe('guardrailChangeSchema', () => {
  it('rejects a catastrophic pattern with the reason and its exact path', () => {
    const result = guardrailChangeSchema.safeParse({ blocklist: { add_patterns: ['ok', '(a+)+$'] } });
    expect(result.success).toBe(false);
    expect(result.error!.issues).toEqual([
      expect.objectContaining({ path: ['blocklist', 'add_patterns', 1], message: 'nests quantifiers, e.g. (a+)+ or (.*a){20}, which can take exponential time' }),
    ]);
  });

  it('rejects unknown keys, out-of-range thresholds and unknown detectors', () => {
    expect(guardrailChangeSchema.safeParse({ graders: { tone: { threshold: 1.5 } } }).success).toBe(false);
    expect(guardrailChangeSchema.safeParse({ detectors: { toxicity: { action: 'block' } } }).success).toBe(false);
    expect(guardrailChangeSchema.safeParse({ thresholds: {} }).success).toBe(false);
  });
});

describe('diffGuardrailSpecs and formatGuardrailDiff', () => {
  it('lists every changed leaf and list additions and removals, and nothing for equal specs', () => {
    expect(diffGuardrailSpecs(base, structuredClone(base))).toEqual([]);
    const next = applyGuardrailChange(base, {
      graders: { tone: { threshold: 0.4 }, toxicity: { threshold: 0.8 } },
      detectors: { injection: { action: 'block' } },
      blocklist: { add_words: ['rival'], remove_words: ['competitor'] },
      kill_switch: { on: true },
      pinned_release: { release: 'r-41', model: null, prompt_version: 'v7' },
    });
    const diff = diffGuardrailSpecs(base, next);
    expect(diff).toEqual([
      { path: 'graders.tone.threshold', from: 0.7, to: 0.4 },
      { path: 'graders.toxicity', from: null, to: { threshold: 0.8, action: 'flag' } },
      { path: 'detectors.injection.action', from: 'flag', to: 'block' },
      { path: 'blocklist.words', added: ['rival'], removed: ['competitor'] },
      { path: 'kill_switch.on', from: false, to: true },
      { path: 'pinned_release', from: null, to: { release: 'r-41', model: null, prompt_version: 'v7' } },
    ]);
    expect(formatGuardrailDiff(diff)).toEqual([
      '~ graders.tone.threshold: 0.7 → 0.4',
      '+ graders.toxicity: {"threshold":0.8,"action":"flag"}',
      '~ detectors.injection.action: "flag" → "block"',
      '+ blocklist.words: "rival"',
      '- blocklist.words: "competitor"',
      '~ kill_switch.on: false → true',
      '+ pinned_release: {"release":"r-41","model":null,"prompt_version":"v7"}',
    ]);
  });
});

describe('guardrail ETags', () => {
  it('round-trips and ignores tags of other sources', () => {
    expect(formatGuardrailEtag('support-bot', 12)).toBe('"support-bot-v12"');
    expect(parseGuardrailEtag('"support-bot-v12"', 'support-bot')).toBe(12);
    expect(parseGuardrailEtag('W/"support-bot-v3", "x"', 'support-bot')).toBe(3);
    expect(parseGuardrailEtag('"billing-bot-v3"', 'support-bot')).toBeUndefined();
    expect(parseGuardrailEtag(undefined, 'support-bot')).toBeUndefined();
  });
});
