import { describe, expect, it } from 'vitest';
import { buildQueueText, buildStatusText, describeSourceStatus, type SourceStatus } from './commands-status.blocks.ts';

const quiet: SourceStatus = {
  source: 'support-bot',
  guardrail: 'guardrail v3',
  queue: { queued: 4, inReview: 2, needsAdjudication: 1 },
  openIncidents: [],
  driftAlerts: null,
  probes: null,
};

describe('describeSourceStatus', () => {
  it('leaves out the parts whose module is off', () => {
    expect(describeSourceStatus(quiet)).toBe('*support-bot* · guardrail v3\nqueue: 4 waiting, 2 in review, 1 to adjudicate · no open incidents');
  });

  it('lists open incidents (at most three, escaped), drift alerts and failing probes', () => {
    const text = describeSourceStatus({
      ...quiet,
      openIncidents: [
        { id: 'inc_1', severity: 'SEV1', title: 'Key <leak> & more', acknowledged: true },
        { id: 'inc_2', severity: 'SEV2', title: 'b', acknowledged: false },
        { id: 'inc_3', severity: 'SEV3', title: 'c', acknowledged: true },
        { id: 'inc_4', severity: 'SEV4', title: 'd', acknowledged: true },
      ],
      driftAlerts: ['output_length'],
      probes: [
        { probe: 'role_play', passed: 3, runs: 3 },
        { probe: 'canary_exfiltration', passed: 1, runs: 3 },
      ],
    });
    expect(text).toContain(':rotating_light: 4 open incidents: SEV1 Key &lt;leak&gt; &amp; more; SEV2 b (not acknowledged); SEV3 c and 1 more');
    expect(text).toContain(':chart_with_upwards_trend: drift: output_length');
    expect(text).toContain('probes: 4/6 passed on the current release · failing: `canary_exfiltration` 1/3');
  });

  it('says when no probe ran on the current release', () => {
    expect(describeSourceStatus({ ...quiet, driftAlerts: [], probes: [] })).toContain('drift: none\nprobes: no run on the current release yet');
  });
});

describe('buildStatusText', () => {
  it('starts with grader health and says when no source is configured', () => {
    expect(buildStatusText([], { status: 'off', detail: 'OPENAI_API_KEY is not set' })).toBe(':white_circle: graders off: OPENAI_API_KEY is not set\nNo sources are configured.');
    expect(buildStatusText([quiet], { status: 'degraded', detail: 'tone (circuit open)' }).split('\n\n')).toEqual([
      ':large_yellow_circle: graders degraded: tone (circuit open)',
      describeSourceStatus(quiet),
    ]);
  });
});

describe('buildQueueText', () => {
  it('links cards that are posted, names items that are not, and caps the list', () => {
    const entries = [
      { itemId: 'rev_1', source: 'support-bot', priority: 'critical', adjudication: true, cardUrl: 'https://slack.com/archives/C1/p1' },
      { itemId: 'rev_2', source: 'support-bot', priority: 'warn', adjudication: false, cardUrl: null },
      { itemId: 'rev_3', source: 'support-bot', priority: 'info', adjudication: false, cardUrl: null },
    ];
    expect(buildQueueText(entries, 2)).toBe(
      [
        '*2+ items waiting for you*',
        '• <https://slack.com/archives/C1/p1|support-bot · critical · needs adjudication>',
        '• support-bot · warn · item `rev_2`',
        "…and more: open Vigil's App Home for the whole list.",
      ].join('\n'),
    );
    expect(buildQueueText([], 10)).toBe(':white_check_mark: Nothing is waiting for you.');
  });
});
