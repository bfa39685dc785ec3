import { describe, expect, it } from 'vitest';
import { SECRET_KINDS, PII_KINDS, INJECTION_KINDS } from './flag-kinds.models.ts';
import { describeCheck, describeFlag, pluralize, strongestFlag, summarizeFlags, toFlagLike, type FlagLike } from './flag-wording.models.ts';

const RAW_CODE = /[a-z]+_[a-z_]+/;

describe('describeFlag', () => {
  it('names a leaked AWS key, where it was found and how severe it is', () => {
    const wording = describeFlag({ check: 'secrets', origin: 'detector', kind: 'aws_access_key_id', field: 'output', severity: 'critical' });
    expect(wording).toEqual({
      headline: 'Possible secret leak: AWS access key in the answer',
      short: 'AWS access key in the answer',
      category: 'Possible secret leak',
      what: 'AWS access key',
      where: 'in the answer',
      foundBy: 'Vigil’s secret scanner',
      severityWords: 'Critical',
    });
  });

  it('says whose answer it was when given the source', () => {
    expect(describeFlag({ check: 'secrets', kind: 'aws_secret_access_key', field: 'output', severity: 'critical' }, { source: 'support-bot' }).headline)
      .toBe('Possible secret leak: AWS secret key in a support-bot answer');
  });

  it('reads a secret the user typed as shared, not leaked', () => {
    expect(describeFlag({ check: 'secrets', kind: 'github_token', field: 'input', severity: 'critical' }).headline)
      .toBe('Secret shared by the user: GitHub token in the user’s message');
  });

  it('words personal data, injection, prompt leaks and the blocklist', () => {
    const headline = (flag: FlagLike) => describeFlag(flag).headline;
    expect(headline({ check: 'pii', kind: 'email', field: 'output', severity: 'warn' })).toBe('Possible personal data leak: email address in the answer');
    expect(headline({ check: 'injection', kind: 'jailbreak', field: 'input', severity: 'critical' })).toBe('Possible prompt injection: jailbreak attempt in the user’s message');
    expect(headline({ check: 'injection', kind: 'role_marker', field: 'context', severity: 'warn' })).toContain('in the retrieved context');
    expect(headline({ check: 'prompt_leak', kind: 'canary', field: 'output', severity: 'critical' })).toBe('System prompt leak: canary string in the answer');
    expect(headline({ check: 'prompt_leak', kind: 'system_prompt', severity: 'warn' })).toBe('System prompt leak: part of the system prompt');
    expect(headline({ check: 'blocklist', kind: 'word', field: 'output', severity: 'warn' })).toBe('Blocked wording: phrase on the blocklist in the answer');
  });

  it('has words for every documented secrets, PII and injection kind', () => {
    for (const [check, kinds] of [['secrets', SECRET_KINDS], ['pii', PII_KINDS], ['injection', INJECTION_KINDS]] as const) {
      for (const kind of Object.keys(kinds)) {
        const wording = describeFlag({ check, kind, field: 'output', severity: 'warn' });
        expect(wording.headline).not.toMatch(RAW_CODE);
      }
    }
  });

  it('words grader flags by what the judge looks at', () => {
    expect(describeFlag({ check: 'tone', origin: 'grader', kind: 'violation', severity: 'warn' }).headline).toBe('Off-putting tone in the answer');
    expect(describeFlag({ check: 'brand', origin: 'grader', kind: 'violation', severity: 'warn' }).headline).toBe('Off-brand wording in the answer');
    expect(describeFlag({ check: 'injection', origin: 'grader', kind: 'violation', severity: 'warn' }).headline).toBe('Possible prompt injection');
    expect(describeFlag({ check: 'tone', origin: 'grader', kind: 'borderline', severity: 'warn' }).headline).toBe('Off-putting tone (borderline) in the answer');
    expect(describeFlag({ check: 'tone', origin: 'grader', kind: 'violation', severity: 'warn' }).foundBy).toBe('the AI tone judge');
  });

  it('says a hijacked judge is not trusted', () => {
    expect(describeFlag({ check: 'policy', origin: 'grader', kind: 'judge_hijacked', severity: 'critical' }).headline)
      .toBe('AI judge hijacked: the content took over the AI policy judge, so its score is not trusted');
  });

  it('explains an ungraded event', () => {
    expect(describeFlag({ check: 'grader_unavailable', origin: 'system', severity: 'warn' }).headline)
      .toBe('Not graded: the AI judge was unavailable, so a person checks instead');
  });

  it('words app flags, bare or prefixed, known or not', () => {
    expect(describeFlag({ check: 'user_report', origin: 'app', severity: 'warn' }).headline).toBe('Flagged by the app: a user reported this answer');
    expect(describeFlag({ check: 'app:user_report', severity: 'warn' }, { source: 'support-bot' }).headline).toBe('Flagged by support-bot: a user reported this answer');
    expect(describeFlag({ check: 'low_confidence_answer', origin: 'app', severity: 'info' }).headline).toBe('Flagged by the app: low confidence answer');
  });

  it('stays readable for kinds and checks it has never heard of', () => {
    expect(describeFlag({ check: 'secrets', kind: 'acme_deploy_token', field: 'output', severity: 'critical' }).headline)
      .toBe('Possible secret leak: acme deploy token in the answer');
    expect(describeFlag({ check: 'factuality', origin: 'grader', kind: 'violation', severity: 'warn' }).headline)
      .toBe('Factuality judge flagged it: a factuality problem in the answer');
    expect(describeFlag({ check: 'secrets', severity: 'critical' }).headline).toBe('Possible secret leak: a match');
  });
});

describe('strongestFlag', () => {
  it('prefers the most severe flag, whatever the order', () => {
    const email = { check: 'pii', kind: 'email', severity: 'warn' as const };
    const key = { check: 'secrets', kind: 'aws_access_key_id', severity: 'critical' as const };
    expect(strongestFlag([email, key])).toBe(key);
    expect(strongestFlag([key, email])).toBe(key);
  });

  it('among equals, prefers what Vigil found over a judge and a judge over the app', () => {
    const app = { check: 'user_report', origin: 'app' as const, severity: 'warn' as const };
    const judge = { check: 'tone', origin: 'grader' as const, kind: 'violation', severity: 'warn' as const, score: 0.9 };
    const detector = { check: 'pii', origin: 'detector' as const, kind: 'email', severity: 'warn' as const, score: 1 };
    expect(strongestFlag([app, judge])).toBe(judge);
    expect(strongestFlag([app, judge, detector])).toBe(detector);
  });

  it('returns null for no flags', () => {
    expect(strongestFlag([])).toBeNull();
  });
});

describe('summarizeFlags', () => {
  it('lists findings strongest first, grouped by where, each once', () => {
    const flags = [
      toFlagLike({ detector: 'pii', kind: 'email', field: 'output', severity: 'warn', score: 1 }),
      toFlagLike({ detector: 'secrets', kind: 'aws_access_key_id', field: 'output', severity: 'critical', score: 1 }),
      toFlagLike({ detector: 'pii', kind: 'email', field: 'output', severity: 'warn', score: 1 }),
      toFlagLike({ detector: 'injection', kind: 'jailbreak', field: 'input', severity: 'warn', score: 0.6 }),
    ];
    expect(summarizeFlags(flags)).toBe('AWS access key and email address in the answer; jailbreak attempt in the user’s message');
  });

  it('says how many more it left out', () => {
    const flags = ['email', 'phone', 'iban', 'us_ssn'].map((kind) => ({ check: 'pii', kind, severity: 'warn' as const, field: 'output' as const }));
    expect(summarizeFlags(flags, { max: 2 })).toBe('email address and phone number in the answer, and 2 more');
  });
});

describe('describeCheck and pluralize', () => {
  it('names checks as a digest counts them', () => {
    expect(describeCheck('pii')).toBe('Personal data');
    expect(describeCheck('app:user_report')).toBe('App flag: user report');
    expect(describeCheck('grader_unavailable')).toBe('Not graded (AI judge unavailable)');
    expect(describeCheck('new_check')).toBe('New check');
  });

  it('gets singular and plural right', () => {
    expect(pluralize(1, 'event')).toBe('1 event');
    expect(pluralize(2, 'event')).toBe('2 events');
    expect(pluralize(0, 'match', 'matches')).toBe('0 matches');
  });
});
