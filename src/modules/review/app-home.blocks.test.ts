import { describe, expect, it } from 'vitest';
import { listLimitViolations } from '../../shared/slack-limits.ts';
import { buildAppHomeView, type AppHomeModel } from './app-home.blocks.ts';
import { buildSlaReminder } from './review-sla.blocks.ts';

const model = (pending: number): AppHomeModel => ({
  roles: [{ source: 'support-bot', role: 'reviewer' }],
  pending: Array.from({ length: pending }, (_, i) => ({
    itemId: `rev_${i}`,
    source: 'support-<bot>',
    priority: 'critical',
    headline: i === 0 ? 'Possible secret leak: AWS access key in the answer' : 'Flagged by the app: <!channel>',
    sentAt: 1_730_000_000_000,
    adjudication: i === 0,
    cardUrl: i === 1 ? null : `https://slack.com/archives/C1/p${i}`,
  })),
  verdicts: { approved: 2, rejected: 1, recent: [{ itemId: 'rev_9', source: 'support-bot', headline: 'Off-putting tone in the answer', decision: 'reject', at: 1_730_000_000_000 }] },
  queues: [{ source: 'support-bot', queued: 4, inReview: 3, needsAdjudication: 1, expiredThisWeek: 2 }],
});

describe('buildAppHomeView', () => {
  it('lists pending items by their headline with links, the week of verdicts and the queues, in words and escaped', () => {
    const view = buildAppHomeView(model(2));
    const text = JSON.stringify(view.blocks);
    expect(view.type).toBe('home');
    expect(text).toContain('*Waiting for you* (2)');
    const pending = view.blocks.find((block) => block.block_id === 'home.pending.0');
    expect(pending).toMatchObject({
      text: { text: '*Possible secret leak: AWS access key in the answer*\n:red_circle: Critical · support-&lt;bot&gt; · sent <!date^1730000000^{date_short_pretty} {time}|2024-10-27 03:33 UTC> · :scales: *Reviewers disagree — your call* · <https://slack.com/archives/C1/p0|Open card>' },
    });
    expect(text).toContain('*Flagged by the app: &lt;!channel&gt;*');
    expect(text).not.toContain('rev_0');
    expect(text).toContain('_card not posted yet_');
    expect(text).toContain('*Your verdicts, last 7 days:* 3 verdicts (:white_check_mark: 2 approved · :x: 1 rejected)');
    expect(text).toContain(':x: Rejected · Off-putting tone in the answer · support-bot');
    expect(text).toContain('Reviewer of *support-bot*');
    expect(text).toContain('*support-bot*: 3 cards waiting for reviewers · 1 waiting for an approver to settle a disagreement · 4 queued until the hourly card budget allows · 2 expired unreviewed in the last 7 days');
    expect(text).not.toMatch(/· flag ·|waiting for budget/);
  });

  it('says a source with nothing waiting has nothing waiting', () => {
    const view = buildAppHomeView({ ...model(0), queues: [{ source: 'support-bot', queued: 0, inReview: 0, needsAdjudication: 0, expiredThisWeek: 0 }] });
    expect(JSON.stringify(view.blocks)).toContain('*support-bot*: nothing waiting');
  });

  it('stays within the 100-block limit of a Home tab however long the queue', () => {
    const view = buildAppHomeView({ ...model(500), queues: Array.from({ length: 200 }, (_, i) => ({ source: `s${i}`, queued: 1, inReview: 0, needsAdjudication: 0, expiredThisWeek: 0 })) });
    expect(listLimitViolations(view)).toEqual([]);
    expect(JSON.stringify(view.blocks)).toContain('*Waiting for you* (500+)');
  });

  it('shows the reviewer\'s agreement per source they review, escaped, with a note where there is nothing yet', () => {
    const standing = [
      { source: 'support-bot', lines: ['Agreed with the other reviewers on 7 of 9 shared items (78%).', 'Matched the known answer on 1 of 1 check items (100%).'] },
      { source: 'sales-<bot>', lines: [] },
    ];
    const view = buildAppHomeView({ ...model(1), standing });
    const ids = view.blocks.map((block) => block.block_id);
    expect(ids.indexOf('home.standing.title')).toBeGreaterThan(ids.indexOf('home.verdicts'));
    expect(ids.indexOf('home.standing.title')).toBeLessThan(ids.indexOf('home.queues.title'));
    expect(view.blocks.filter((block) => block.block_id?.startsWith('home.standing.'))).toEqual([
      { type: 'section', block_id: 'home.standing.title', text: { type: 'mrkdwn', text: '*Your agreement*' } },
      {
        type: 'section',
        block_id: 'home.standing.0',
        text: { type: 'mrkdwn', text: '*support-bot*\nAgreed with the other reviewers on 7 of 9 shared items (78%).\nMatched the known answer on 1 of 1 check items (100%).' },
      },
      { type: 'section', block_id: 'home.standing.1', text: { type: 'mrkdwn', text: '*sales-&lt;bot&gt;*\n_Not enough shared or check items yet._' } },
    ]);
  });

  it('has no agreement section when calibration is not wired or the user reviews nothing', () => {
    expect(JSON.stringify(buildAppHomeView(model(1)).blocks)).not.toContain('Your agreement');
    expect(JSON.stringify(buildAppHomeView({ ...model(1), roles: [], standing: [] }).blocks)).not.toContain('Your agreement');
  });

  it('keeps a long agreement section within the Home limits', () => {
    const standing = Array.from({ length: 30 }, (_, i) => ({ source: `s${i}`, lines: ['x'.repeat(5_000)] }));
    const queues = Array.from({ length: 200 }, (_, i) => ({ source: `s${i}`, queued: 1, inReview: 0, needsAdjudication: 0, expiredThisWeek: 0 }));
    const view = buildAppHomeView({ ...model(500), queues, standing });
    expect(listLimitViolations(view)).toEqual([]);
    expect(JSON.stringify(view.blocks)).toContain('…and 20 more sources');
  });

  it('tells someone who reviews nothing how to become a reviewer', () => {
    expect(JSON.stringify(buildAppHomeView({ ...model(0), roles: [] }).blocks)).toContain('You are not a reviewer of any source');
  });
});

describe('buildSlaReminder', () => {
  it('pings the given groups and says how late the item is', () => {
    const message = buildSlaReminder({ itemId: 'rev_1', priority: 'critical', waitedMinutes: 20, slaMinutes: 15, verdicts: 1, requiredVerdicts: 2, needsAdjudication: false, mentions: ['S0ONCALL1'] });
    expect(message.text).toBe('Review reminder: item rev_1 is past its 15-minute SLA');
    expect(JSON.stringify(message.blocks)).toContain('<!subteam^S0ONCALL1> :alarm_clock: This *critical* item has 1 of 2 verdicts after 20 min (SLA 15 min).');
    const waiting = buildSlaReminder({ itemId: 'rev_2', priority: 'warn', waitedMinutes: 200, slaMinutes: 120, verdicts: 2, requiredVerdicts: 2, needsAdjudication: true, mentions: [] });
    expect(JSON.stringify(waiting.blocks)).toContain(':alarm_clock: This *warn* item is waiting for an approver to settle a disagreement');
  });
});
