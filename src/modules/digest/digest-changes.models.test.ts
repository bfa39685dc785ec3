import { describe, expect, it } from 'vitest';
import { readChangesFromAudit } from './digest-changes.models.ts';

const entry = (action: string, details: Record<string, unknown>, at = 1000) => ({ at, actor: 'slack:U1', action, details });

describe('readChangesFromAudit', () => {
  it('reads an added grader as a threshold from none, and a removed one as a threshold to none', () => {
    const changes = readChangesFromAudit([
      entry('guardrail.imported', {
        version: 7,
        kind: 'import',
        reason: 'import',
        diff: [
          { path: 'graders.safety', from: null, to: { threshold: 0.5, action: 'flag' } },
          { path: 'graders.legacy', from: { threshold: 0.4, action: 'block' }, to: null },
          { path: 'graders.tone.action', from: 'flag', to: 'block' },
        ],
      }),
    ]);
    expect(changes.thresholds).toEqual([
      { grader: 'safety', from: null, to: 0.5, version: 7, actor: 'slack:U1', at: 1000 },
      { grader: 'legacy', from: 0.4, to: null, version: 7, actor: 'slack:U1', at: 1000 },
    ]);
  });

  it('reads the generic kill-switch action from its diff', () => {
    const changes = readChangesFromAudit([entry('guardrail.kill_switch', { version: 2, reason: 'r', diff: [{ path: 'kill_switch.on', from: false, to: true }] })]);
    expect(changes.killSwitches).toEqual([{ on: true, version: 2, actor: 'slack:U1', reason: 'r', at: 1000 }]);
    expect(changes.versions).toEqual([{ version: 2, kind: 'guardrail.kill_switch', actor: 'slack:U1', reason: 'r', at: 1000 }]);
  });

  it('skips entries of other actions and entries without a version number', () => {
    expect(readChangesFromAudit([entry('verdict.created', { version: 1 }), entry('guardrail.version_created', { reason: 'no version' })])).toEqual({
      versions: [],
      thresholds: [],
      rollbacks: [],
      killSwitches: [],
    });
  });
});
