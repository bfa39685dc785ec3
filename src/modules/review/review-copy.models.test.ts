import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { assertWithinLimits } from '../../shared/slack-limits.ts';
import { buildReviewCardMessage } from './review.blocks.ts';
import { describeClosedItemNotice, describeRatingScale, describeWhy, impliedDimension, listDistinctDimensions } from './review-copy.models.ts';
import type { ReviewCardModel } from './review.models.ts';
import { createReviewCard } from './review.test-utils.ts';

// The card as a reviewer reads it: what happened in words, why they see it, and what a
// decision looked like — asserted on the posted blocks.

const SECRET = 'AKIAIOSFODNN7EXAMPLE';
const EMAIL = 'dana@example.com';

function leakCard(overrides: Partial<ReviewCardModel> = {}): ReviewCardModel {
  const output = `Your key is ${SECRET}, mail ${EMAIL}.`;
  return createReviewCard({
    output,
    priority: 'critical',
    requiredVerdicts: 1,
    reasons: [{ code: 'flag', detail: 'pii/email flag (warn)' }, { code: 'flag', detail: 'secrets/aws_access_key_id flag (critical)' }],
    detections: [
      { detector: 'pii', kind: 'email', severity: 'warn', field: 'output', evidence: 'dana••••.com', start: output.indexOf(EMAIL), end: output.indexOf(EMAIL) + EMAIL.length },
      { detector: 'secrets', kind: 'aws_access_key_id', severity: 'critical', field: 'output', evidence: 'AKIA••••MPLE', start: 12, end: 32 },
    ],
    ...overrides,
  });
}

function textOf(blocks: KnownBlock[], suffix: string): string {
  const block = blocks.find((b) => b.block_id?.endsWith(`.${suffix}`));
  if (!block) throw new Error(`no block ${suffix}`);
  if (block.type === 'context') return block.elements.map((e) => ('text' in e ? e.text : '')).join(' ');
  if ('text' in block && block.text && typeof block.text === 'object') return block.text.text;
  throw new Error(`no text in ${suffix}`);
}

describe('the review card in the reviewer’s words', () => {
  it('heads the card and the notification with the strongest finding, not the source and a code', () => {
    const message = buildReviewCardMessage(leakCard());
    expect(message.blocks[0]).toEqual({ type: 'header', block_id: expect.stringMatching(/\.header$/), text: { type: 'plain_text', text: 'Possible secret leak: AWS access key in the answer', emoji: true } });
    expect(message.text).toBe('Review needed — Possible secret leak: AWS access key in the answer (support-bot, critical)');
    assertWithinLimits(message);
  });

  it('says why in one plain line instead of repeating the findings in codes', () => {
    const why = textOf(buildReviewCardMessage(leakCard()).blocks, 'why');
    expect(why).toBe('*Why you are seeing this:* Vigil’s checks flagged this: AWS access key and email address in the answer.');
    expect(why).not.toMatch(/secrets\/|pii\/|flag \(|aws_access_key_id/);
  });

  it('lists each finding in words beside its masked evidence, severity in words beside the emoji', () => {
    const message = buildReviewCardMessage(leakCard());
    expect(textOf(message.blocks, 'flags')).toBe(
      '*What was found*\n• :red_circle: Critical — AWS access key in the answer `AKIA••••MPLE`\n• :large_orange_circle: Warning — email address in the answer `dana••••.com`',
    );
    expect(textOf(message.blocks, 'meta')).toMatch(/^:red_circle: Critical · \*support-bot\* · /);
    expect(JSON.stringify(message)).not.toContain(SECRET);
    expect(JSON.stringify(message)).not.toContain(EMAIL);
  });

  it('says a new card waits for a reviewer, never "0 of 1 verdicts"', () => {
    const message = buildReviewCardMessage(leakCard());
    expect(textOf(message.blocks, 'status')).toBe(':hourglass_flowing_sand: Waiting for a reviewer.');
    expect(textOf(buildReviewCardMessage(createReviewCard()).blocks, 'status')).toBe(':hourglass_flowing_sand: Waiting for 2 reviewers.');
    expect(JSON.stringify(message)).not.toMatch(/\d+ of \d+ verdicts/);
  });

  it('labels both ends of each rating scale and keeps the decision row to three controls', () => {
    const message = buildReviewCardMessage(leakCard());
    const rows = message.blocks.filter((b) => b.type === 'actions');
    expect(rows.map((row) => (row.type === 'actions' ? row.elements.length : 0))).toEqual([3, 3]);
    expect(describeRatingScale('tone')).toBe('Tone: 1 = off-putting … 5 = excellent');
    expect(JSON.stringify(rows[1])).toContain('"text":"1 · Off-putting"');
  });

  it('shows who decided a final card, the reason in words and their note, escaped', () => {
    const card = leakCard({
      state: 'final', outcome: 'rejected',
      verdicts: [{ reviewerId: 'U1AAA', decision: 'reject', reasonCategory: 'data_leak', note: 'Live key <!channel>,\nrotate it.' }],
    });
    const message = buildReviewCardMessage(card);
    expect(textOf(message.blocks, 'status')).toBe(':x: *Rejected* by <@U1AAA> — Leaks data: “Live key &lt;!channel&gt;, rotate it.”');
    expect(message.text).toBe('Rejected — Possible secret leak: AWS access key in the answer (support-bot, critical)');
  });

  it('heads a card only a judge flagged with the judge’s finding, and a sampled one as a spot check', () => {
    const judged = createReviewCard({ graderScores: [{ grader: 'tone', score: 0.9, threshold: 0.7, label: 'violation' }] });
    expect(buildReviewCardMessage(judged).blocks[0]).toMatchObject({ text: { text: 'Off-putting tone in the answer' } });
    const sampled = createReviewCard({ graderScores: [], reasons: [{ code: 'baseline', detail: 'random baseline of 0.02' }] });
    expect(buildReviewCardMessage(sampled).blocks[0]).toMatchObject({ text: { text: 'Spot check: a random support-bot answer' } });
    expect(describeWhy(sampled)).toBe('Picked at random, so Vigil also measures ordinary answers.');
  });

  it('says an app flag is the app’s own, and an ungraded event why a person checks it', () => {
    const card = createReviewCard({ appFlags: [{ name: 'user_report', severity: 'warn' }], reasons: [{ code: 'flag', detail: '' }, { code: 'grader_unavailable', detail: '' }] });
    expect(describeWhy(card)).toBe('support-bot flagged it itself: a user reported this answer. The AI judge could not grade it, so a person checks instead.');
  });
});

describe('headlines from untrusted names', () => {
  it('cuts a huge app flag name to the header limit and keeps the notification short and escaped', () => {
    const card = createReviewCard({ appFlags: [{ name: `<!channel>${'x'.repeat(500)}`, severity: 'critical' }] });
    const message = buildReviewCardMessage(card);
    const header = message.blocks[0]!;
    expect(header.type === 'header' && header.text.text.length).toBeLessThanOrEqual(150);
    expect(header.type === 'header' && header.text.text).toMatch(/^Flagged by the app: ‹!channel›x+…$/);
    expect(message.text.length).toBeLessThanOrEqual(300);
    expect(message.text).not.toMatch(/[<>]/);
    assertWithinLimits(message);
  });
});

describe('describeClosedItemNotice', () => {
  const approved = { state: 'final', outcome: 'approved' as const, decidedBy: null };

  it('thanks the reviewer who already decided, for a repeat click or a Slack retry', () => {
    expect(describeClosedItemNotice(approved, 'approve', ['U1AAA'])).toBe(':white_check_mark: You already approved this — thanks.');
    expect(describeClosedItemNotice({ ...approved, outcome: 'rejected' }, 'reject', ['U1AAA'])).toBe(':white_check_mark: You already rejected this — thanks.');
  });

  it('tells anyone else who settled it', () => {
    expect(describeClosedItemNotice(approved, null, ['U1AAA', 'U2BBB'])).toBe(':lock: This was already approved by <@U1AAA>, <@U2BBB> — nothing more to do.');
    expect(describeClosedItemNotice({ ...approved, decidedBy: 'U0APPR' }, 'approve', ['U1AAA'])).toBe(':lock: This was already approved by <@U0APPR> — nothing more to do.');
    expect(describeClosedItemNotice(approved, 'reject', ['U2BBB'])).toBe(':lock: This was already approved by <@U2BBB> — nothing more to do.');
  });

  it('says an expired item changed nothing', () => {
    expect(describeClosedItemNotice({ state: 'expired', outcome: null, decidedBy: null }, null, [])).toBe(':clock3: This item expired before it was reviewed, so nothing changed.');
  });
});

describe('reasons and dimensions', () => {
  it('asks only for the dimensions no reason already names, and records the named one', () => {
    expect(listDistinctDimensions(['tone', 'other'], ['tone', 'brand'])).toEqual(['brand']);
    expect(impliedDimension('off_brand', ['tone', 'brand'])).toBe('brand');
    expect(impliedDimension('off_brand', ['tone'])).toBeNull();
    expect(impliedDimension('data_leak', ['tone', 'brand'])).toBeNull();
  });
});
