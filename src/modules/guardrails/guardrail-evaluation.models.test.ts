import { describe, expect, it } from 'vitest';
import type { Detection } from '../checks/checks.models.ts';
import { evaluateGuardrail, type GuardrailPolicy } from './guardrail-evaluation.models.ts';
import { buildSeedSpec, DEFAULT_DETECTOR_ACTIONS, DEFAULT_KILL_SWITCH_MESSAGE, type GuardrailSpec } from './guardrails.models.ts';

const OUTPUT = 'Mail jane@example.com or call +1 415 555 0100; key AKIAABCDEFGHIJKLMNOP.';

function spec(overrides: Partial<GuardrailSpec> = {}): GuardrailSpec {
  return {
    ...buildSeedSpec({
      thresholds: { brand: 0.6, policy: 0.5 },
      graderActions: { policy: 'block' },
      detectorActions: { ...DEFAULT_DETECTOR_ACTIONS },
      blocklist: { words: [], patterns: [] },
      killSwitchMessage: DEFAULT_KILL_SWITCH_MESSAGE,
    }),
    ...overrides,
  };
}

function policy(overrides: Partial<GuardrailSpec> = {}, version = 3): GuardrailPolicy {
  return { version, spec: spec(overrides), minSeverity: 'warn' };
}

function detection(partial: Partial<Detection> & Pick<Detection, 'detector' | 'kind' | 'start' | 'end'>): Detection {
  return { field: 'output', score: 0.9, severity: 'warn', evidence: '••••', ...partial };
}

const email = detection({ detector: 'pii', kind: 'email', start: 5, end: 21 });
const phone = detection({ detector: 'pii', kind: 'phone', start: 30, end: 45 });
const awsKey = detection({ detector: 'secrets', kind: 'aws_access_key_id', start: 51, end: 71, severity: 'critical' });

describe('evaluateGuardrail', () => {
  it('allows an output with no detection and no score over a threshold', () => {
    expect(evaluateGuardrail(policy(), [], { brand: 0.59, policy: 0.1 }, OUTPUT)).toEqual({ action: 'allow', flags: [], guardrail_version: 3 });
  });

  it('redacts exactly the spans of redacting detectors and merges detections of one kind into one flag', () => {
    const second = detection({ detector: 'pii', kind: 'email', start: 0, end: 4, score: 0.95 });
    const outcome = evaluateGuardrail(policy(), [email, phone, awsKey, second], undefined, OUTPUT);
    expect(outcome.action).toBe('redact');
    expect(outcome.redacted_output).toBe('[redacted email] [redacted email] or call [redacted phone]; key [redacted aws_access_key_id].');
    expect(outcome.flags).toEqual([
      { check: 'pii', origin: 'detector', action: 'redact', kind: 'email', field: 'output', severity: 'warn', score: 0.95, count: 2 },
      { check: 'pii', origin: 'detector', action: 'redact', kind: 'phone', field: 'output', severity: 'warn', score: 0.9, count: 1 },
      { check: 'secrets', origin: 'detector', action: 'redact', kind: 'aws_access_key_id', field: 'output', severity: 'critical', score: 0.9, count: 1 },
    ]);
  });

  it('blocks when any detector set to block fires, and then returns no redacted output', () => {
    const leak = detection({ detector: 'prompt_leak', kind: 'canary', start: 0, end: 4 });
    const outcome = evaluateGuardrail(policy(), [email, leak], undefined, OUTPUT);
    expect(outcome.action).toBe('block');
    expect(outcome.redacted_output).toBeUndefined();
    expect(outcome.flags.map((flag) => [flag.check, flag.action])).toEqual([
      ['pii', 'redact'],
      ['prompt_leak', 'block'],
    ]);
  });

  it('follows the version: the same detection only flags once pii is switched to flag', () => {
    const outcome = evaluateGuardrail(policy({ detectors: { ...spec().detectors, pii: { action: 'flag' } } }, 4), [email], undefined, OUTPUT);
    expect(outcome).toEqual({ action: 'allow', flags: [expect.objectContaining({ check: 'pii', action: 'flag' })], guardrail_version: 4 });
  });

  it('does not redact the input: a redacting detector found in the input only flags', () => {
    const inInput = detection({ detector: 'pii', kind: 'email', field: 'input', start: 0, end: 10 });
    expect(evaluateGuardrail(policy(), [inInput], undefined, OUTPUT)).toMatchObject({ action: 'allow', flags: [{ check: 'pii', field: 'input', action: 'flag' }] });
  });

  it('ignores detections below the source minimum severity', () => {
    const low = detection({ detector: 'prompt_leak', kind: 'partial', start: 0, end: 4, severity: 'info' });
    expect(evaluateGuardrail(policy(), [low], undefined, OUTPUT)).toEqual({ action: 'allow', flags: [], guardrail_version: 3 });
  });

  it('blocks on a grader score at or over a blocking threshold and only flags for a flagging grader', () => {
    expect(evaluateGuardrail(policy(), [], { policy: 0.5 }, OUTPUT)).toEqual({
      action: 'block',
      flags: [{ check: 'policy', origin: 'grader', action: 'block', score: 0.5, threshold: 0.5 }],
      guardrail_version: 3,
    });
    expect(evaluateGuardrail(policy(), [], { brand: 0.9, unknown_grader: 1 }, OUTPUT)).toEqual({
      action: 'allow',
      flags: [{ check: 'brand', origin: 'grader', action: 'flag', score: 0.9, threshold: 0.6 }],
      guardrail_version: 3,
    });
  });

  it('blocks the same scores once the threshold is lowered', () => {
    const lowered = policy({ graders: { brand: { threshold: 0.3, action: 'block' }, policy: { threshold: 0.5, action: 'block' } } }, 5);
    expect(evaluateGuardrail(policy(), [], { brand: 0.4 }, OUTPUT).action).toBe('allow');
    expect(evaluateGuardrail(lowered, [], { brand: 0.4 }, OUTPUT)).toMatchObject({ action: 'block', guardrail_version: 5 });
  });

  it('blocks everything with the fallback message while the kill switch is on', () => {
    const off = policy({ kill_switch: { on: true, message: 'Back soon.' } }, 9);
    expect(evaluateGuardrail(off, [email], { brand: 0 }, OUTPUT)).toEqual({
      action: 'block',
      flags: [{ check: 'kill_switch', origin: 'kill_switch', action: 'block' }],
      message: 'Back soon.',
      guardrail_version: 9,
    });
  });

  it('fails closed when a blocking blocklist ran out of time, and only flags when the blocklist flags', () => {
    const timeout = detection({ detector: 'blocklist', kind: 'pattern_timeout', start: 0, end: 0, severity: 'warn', score: 0.5 });
    expect(evaluateGuardrail(policy(), [timeout], undefined, OUTPUT).action).toBe('block');
    const flagging = policy({ detectors: { ...spec().detectors, blocklist: { action: 'redact' } } });
    expect(evaluateGuardrail(flagging, [timeout], undefined, OUTPUT)).toMatchObject({ action: 'allow', flags: [{ kind: 'pattern_timeout', action: 'flag' }] });
  });
});
