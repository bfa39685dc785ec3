import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { assertWithinLimits, measureTextBudget } from '../../shared/slack-limits.ts';
import { REVIEW_ACTIONS } from './review.actions.ts';
import { CARD_EXCERPT_MAX, allocateBudget, buildReviewCardMessage, truncateSafeMrkdwn } from './review.blocks.ts';
import type { ReviewCardModel } from './review.models.ts';
import { createReviewCard } from './review.test-utils.ts';

const HOSTILE = 'Hi <!channel> see <https://evil.example|your bank> ping <@U123> keep &lt; literal ```} break out``` done';
const SECRET = 'AKIAIOSFODNN7EXAMPLE';
const EMAIL = 'dana.customer@example.com';

function textOf(blocks: KnownBlock[], blockSuffix: string): string {
  const block = blocks.find((b) => b.block_id?.endsWith(`.${blockSuffix}`));
  if (!block || !('text' in block) || !block.text || typeof block.text !== 'object') throw new Error(`no text block ${blockSuffix}`);
  return block.text.text;
}

function actionIdsOf(value: unknown): string[] {
  return [...JSON.stringify(value).matchAll(/"action_id":"([^"]+)"/g)].map((match) => match[1]!);
}

/** The kinds of the overflow menu's options, in order. */
function overflowKindsOf(actionsBlock: KnownBlock | undefined): string[] {
  const menu = actionsBlock?.type === 'actions' ? actionsBlock.elements.find((element) => element.type === 'overflow') : undefined;
  return menu?.type === 'overflow' ? menu.options.map((option) => String(option.value).split('|')[0]!) : [];
}

/** The text between a section's opening and closing code fences. */
function fencedBody(text: string): string {
  const match = /```([\s\S]*)```$/.exec(text);
  if (!match) throw new Error('no code block');
  return match[1]!;
}

function withSecretAndEmail(overrides: Partial<ReviewCardModel> = {}): ReviewCardModel {
  const output = `Your key is ${SECRET} and we emailed ${EMAIL}.`;
  const input = `I am ${EMAIL}`;
  return createReviewCard({
    input,
    output,
    detections: [
      { detector: 'secrets', kind: 'aws_access_key_id', severity: 'critical', field: 'output', evidence: 'AKIA••••MPLE', start: output.indexOf(SECRET), end: output.indexOf(SECRET) + SECRET.length },
      { detector: 'pii', kind: 'email', severity: 'warn', field: 'output', evidence: 'dana••••.com', start: output.indexOf(EMAIL), end: output.indexOf(EMAIL) + EMAIL.length },
      { detector: 'pii', kind: 'email', severity: 'warn', field: 'input', evidence: 'dana••••.com', start: input.indexOf(EMAIL), end: input.indexOf(EMAIL) + EMAIL.length },
    ],
    ...overrides,
  });
}

describe('buildReviewCardMessage: untrusted text', () => {
  it('escapes pings, forged links and mentions so none can form', () => {
    const card = createReviewCard({ input: HOSTILE, output: HOSTILE, release: '<!here>', model: '<@U999>', appFlags: [{ name: '<!everyone>', reason: '<https://x|y>' }] });
    const message = buildReviewCardMessage(card);
    const json = JSON.stringify(message);
    for (const raw of ['<!channel>', '<https://evil.example', '<@U123>', '<!here>', '<@U999>', '<!everyone>', '<https://x']) {
      expect(json).not.toContain(raw);
    }
    expect(textOf(message.blocks, 'output')).toContain('&lt;!channel&gt; see &lt;https://evil.example|your bank&gt; ping &lt;@U123&gt;');
  });

  it('shows a literal &lt; as typed rather than as <', () => {
    const message = buildReviewCardMessage(createReviewCard({ output: HOSTILE }));
    expect(textOf(message.blocks, 'output')).toContain('keep &amp;lt; literal');
  });

  it('keeps triple backticks in the output from closing the code block', () => {
    const message = buildReviewCardMessage(createReviewCard({ output: HOSTILE }));
    const body = fencedBody(textOf(message.blocks, 'output'));
    expect(body).not.toContain('```');
    expect(body.replace(/\u200B/g, '')).toContain('```} break out```');
  });

  it('escapes the fallback text too', () => {
    const message = buildReviewCardMessage(createReviewCard({ source: '<!channel>', itemId: 'evt_1' }));
    expect(message.text).toBe('Review needed — Spot check: a random &lt;!channel&gt; answer (&lt;!channel&gt;, warning)');
    expect(message.blocks[0]).toMatchObject({ type: 'header', text: { text: 'Spot check: a random ‹!channel› answer' } });
  });

  it('redacts a secret and an email by their spans, so the raw strings appear nowhere', () => {
    const message = buildReviewCardMessage(withSecretAndEmail());
    const json = JSON.stringify(message);
    expect(json).not.toContain(SECRET);
    expect(json).not.toContain(EMAIL);
    expect(textOf(message.blocks, 'output')).toContain('Your key is [redacted aws_access_key_id] and we emailed [redacted email].');
    expect(textOf(message.blocks, 'input')).toContain('I am [redacted email]');
    expect(json).toContain('3 secret, personal-data or system-prompt matches hidden');
  });

  it('shows the raw text when the card does not redact', () => {
    const json = JSON.stringify(buildReviewCardMessage(withSecretAndEmail({ redact: false })));
    expect(json).toContain(SECRET);
    expect(json).toContain(EMAIL);
  });
});

describe('buildReviewCardMessage: limits', () => {
  it('cuts a 50,000-character output to one section and offers View full', () => {
    const message = buildReviewCardMessage(createReviewCard({ output: 'a'.repeat(50_000) }));
    const output = textOf(message.blocks, 'output');
    expect(output.length).toBeLessThanOrEqual(CARD_EXCERPT_MAX);
    expect(output.length).toBeGreaterThan(CARD_EXCERPT_MAX - 20);
    expect(output.endsWith('…```')).toBe(true);
    const cut = message.blocks.find((b) => b.block_id?.endsWith('.cut'));
    expect(cut).toMatchObject({ type: 'section', accessory: { action_id: REVIEW_ACTIONS.viewFull } });
    expect(measureTextBudget(message.blocks)).toBeLessThanOrEqual(10_000);
    assertWithinLimits(message);
  });

  it('keeps a short output whole, with no truncation note', () => {
    const message = buildReviewCardMessage(createReviewCard());
    expect(textOf(message.blocks, 'output')).toBe('*Answer*\n```Your refund was sent on Monday.```');
    expect(message.blocks.some((b) => b.block_id?.endsWith('.cut'))).toBe(false);
  });

  it('keeps full-width text and emoji whole when cutting them', () => {
    const message = buildReviewCardMessage(createReviewCard({ input: '😀'.repeat(5_000), output: 'ｆｕｌｌ全角テキスト'.repeat(2_000) }));
    const json = JSON.stringify(message);
    // JSON.stringify writes a lone surrogate as a \udXXX escape and a whole pair as itself.
    expect(json).not.toMatch(/\\ud[89a-f]/i);
    expect(textOf(message.blocks, 'output')).toMatch(/^\*Answer\*\n```(ｆｕｌｌ全角テキスト)+[ｆｕｌ全角テキスト]*…```$/);
    assertWithinLimits(message);
  });

  it('stays within every limit with many flags, long reasons and long notes', () => {
    const card = createReviewCard({
      input: 'i'.repeat(20_000),
      output: 'o'.repeat(20_000),
      reasons: Array.from({ length: 20 }, (_, i) => ({ code: `reason_${i}`, detail: 'd'.repeat(200) })),
      detections: Array.from({ length: 40 }, (_, i) => ({ detector: 'pii' as const, kind: 'email', severity: 'warn' as const, field: 'output' as const, evidence: `e${i}••••`, start: i, end: i + 1 })),
      appFlags: Array.from({ length: 10 }, (_, i) => ({ name: `flag_${i}`, reason: 'r'.repeat(300) })),
      notes: Array.from({ length: 15 }, (_, i) => `note ${i} by <@U1AAA>: ${'n'.repeat(400)}`),
      graderScores: Array.from({ length: 30 }, (_, i) => ({ grader: `grader_${i}`, score: 0.5, threshold: 0.6 })),
      showScores: true,
    });
    const message = buildReviewCardMessage(card);
    assertWithinLimits(message);
    expect(textOf(message.blocks, 'flags')).toMatch(/…and \d+ more$/);
    expect(textOf(message.blocks, 'output').length).toBeGreaterThan(1_000);
  });

  it('gives block ids that are unique and change with each iteration of the card', () => {
    const first = buildReviewCardMessage(createReviewCard());
    const second = buildReviewCardMessage(createReviewCard({ verdicts: [{ reviewerId: 'U1AAA', decision: 'approve' }] }));
    const ids = first.blocks.map((b) => b.block_id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => /^review\.[0-9a-z]{7}\.[a-z]+$/.test(id ?? ''))).toBe(true);
    expect(second.blocks.map((b) => b.block_id)).not.toContain(ids[0]);
  });
});

describe('buildReviewCardMessage: blind review and scores', () => {
  it('hides grader scores until the reviewer votes', () => {
    const message = buildReviewCardMessage(createReviewCard({ showScores: false }));
    expect(JSON.stringify(message)).not.toContain('brand-judge');
    expect(JSON.stringify(message)).toContain('The AI judges’ scores stay hidden until you vote');
  });

  it('shows grader scores against thresholds when allowed', () => {
    const message = buildReviewCardMessage(createReviewCard({ showScores: true }));
    expect(textOf(message.blocks, 'scores')).toBe('*Grader scores*\n:white_check_mark: *brand-judge* 0.31, under its 0.70 threshold');
  });
});

describe('buildReviewCardMessage: states and controls', () => {
  it('offers the decision in one row and the labelled ratings in another while pending', () => {
    const message = buildReviewCardMessage(createReviewCard({ canTighten: true, canEscalate: true }));
    const [actionsBlock, ratingsBlock] = message.blocks.filter((b) => b.type === 'actions');
    expect(actionIdsOf(actionsBlock)).toEqual([REVIEW_ACTIONS.approve, REVIEW_ACTIONS.reject, REVIEW_ACTIONS.overflow]);
    expect(actionIdsOf(ratingsBlock)).toEqual([REVIEW_ACTIONS.tone, REVIEW_ACTIONS.brand, REVIEW_ACTIONS.edgeCase]);
    const ratings = JSON.stringify(ratingsBlock);
    expect(ratings).toContain('"text":"Tone: 1 = off-putting … 5 = excellent"');
    expect(ratings).toContain('"text":"Brand voice: 1 = off-brand … 5 = excellent"');
    expect(ratings).toContain('"text":"5 · Excellent"');
    expect(JSON.stringify(ratingsBlock)).toContain('"value":"tone|evt_01JBXK5M2N3P4Q5R6S7T8V9W0X|5"');
    const [approve, reject] = actionsBlock?.type === 'actions' ? actionsBlock.elements : [];
    expect(approve).toMatchObject({ style: 'primary', value: 'approve|evt_01JBXK5M2N3P4Q5R6S7T8V9W0X' });
    expect(reject).toMatchObject({ style: 'danger', value: 'reject|evt_01JBXK5M2N3P4Q5R6S7T8V9W0X' });
    const json = JSON.stringify(actionsBlock);
    expect(json).toContain('"value":"tighten|evt_01JBXK5M2N3P4Q5R6S7T8V9W0X"');
    expect(json).toContain('"value":"escalate|evt_01JBXK5M2N3P4Q5R6S7T8V9W0X"');
  });

  it('offers only View full in the overflow when tightening and escalating are not allowed', () => {
    const actionsBlock = buildReviewCardMessage(createReviewCard()).blocks.find((b) => b.type === 'actions');
    expect(overflowKindsOf(actionsBlock)).toEqual(['view_full']);
  });

  it('shows the count without the other reviewer\'s decision on a blind card', () => {
    const message = buildReviewCardMessage(createReviewCard({ verdicts: [{ reviewerId: 'U1AAA', decision: 'reject', reasonCategory: 'tone' }] }));
    expect(textOf(message.blocks, 'status')).toBe(':hourglass_flowing_sand: 1 of 2 reviewers have voted; waiting for 1 more.');
    expect(JSON.stringify(message)).not.toContain('U1AAA');
  });

  it('keeps only the menu on a final card, with tighten and escalate for an approver after the verdict', () => {
    const verdicts = [{ reviewerId: 'U1AAA', decision: 'reject' as const, reasonCategory: 'tone' }];
    const card = createReviewCard({ state: 'final', outcome: 'rejected', verdicts, canTighten: true, canEscalate: true });
    const message = buildReviewCardMessage(card);
    expect(actionIdsOf(message)).toEqual([REVIEW_ACTIONS.overflow]);
    expect(overflowKindsOf(message.blocks.find((b) => b.type === 'actions'))).toEqual(['view_full', 'tighten', 'escalate']);
    expect(textOf(message.blocks, 'status')).toBe(':x: *Rejected* by <@U1AAA> — Wrong tone');
    expect(message.text).toBe('Rejected — Spot check: a random support-bot answer (support-bot, warning)');
  });

  it('offers View full on a decided card whose text was cut, as on an open one', () => {
    const card = createReviewCard({ state: 'final', outcome: 'approved', verdicts: [{ reviewerId: 'U1AAA', decision: 'approve' }], output: 'x'.repeat(10_000) });
    const message = buildReviewCardMessage(card);
    expect(message.blocks.find((b) => b.block_id?.endsWith('.cut'))).toMatchObject({
      type: 'section',
      accessory: { action_id: REVIEW_ACTIONS.viewFull, value: 'view_full|evt_01JBXK5M2N3P4Q5R6S7T8V9W0X' },
    });
    expect(actionIdsOf(message)).toEqual([REVIEW_ACTIONS.viewFull, REVIEW_ACTIONS.overflow]);
    expect(textOf(message.blocks, 'status')).toBe(':white_check_mark: *Approved* by <@U1AAA>');
    assertWithinLimits(message);
  });

  it('keeps only View full in the menu of an expired card when nothing else is allowed', () => {
    const message = buildReviewCardMessage(createReviewCard({ state: 'expired' }));
    expect(actionIdsOf(message)).toEqual([REVIEW_ACTIONS.overflow]);
    expect(overflowKindsOf(message.blocks.find((b) => b.type === 'actions'))).toEqual(['view_full']);
    expect(textOf(message.blocks, 'status')).toBe(':clock3: *Expired* — not reviewed in time; nothing was decided.');
  });

  it('asks for adjudication on disagreement and keeps only the overflow menu', () => {
    const verdicts = [{ reviewerId: 'U1AAA', decision: 'approve' as const }, { reviewerId: 'U2BBB', decision: 'reject' as const }];
    const message = buildReviewCardMessage(createReviewCard({ state: 'needs_adjudication', verdicts }));
    expect(actionIdsOf(message.blocks.find((b) => b.type === 'actions'))).toEqual([REVIEW_ACTIONS.overflow]);
    expect(textOf(message.blocks, 'status')).toContain('*Reviewers disagree* — an approver makes the final call.');
  });

  it('shows notes, already safe mrkdwn, in a context line', () => {
    const message = buildReviewCardMessage(createReviewCard({ notes: ['guardrail v12 by <@U1AAA>: blocked refunds'] }));
    expect(message.blocks.at(-1)).toMatchObject({ type: 'context', elements: [{ type: 'mrkdwn', text: 'guardrail v12 by <@U1AAA>: blocked refunds' }] });
  });
});

describe('card helpers', () => {
  it('share a budget: short texts take what they need, long ones split the rest under the cap', () => {
    expect(allocateBudget([100, 10_000], 5_000, 2_783)).toEqual([100, 2_783]);
    expect(allocateBudget([10_000, 10_000], 3_000, 2_783)).toEqual([1_500, 1_500]);
    expect(allocateBudget([10_000], -50, 2_783)).toEqual([0]);
  });

  it('cut safe mrkdwn before a half mention rather than inside it', () => {
    expect(truncateSafeMrkdwn('by <@U1AAA> ok', 8)).toBe('by …');
    expect(truncateSafeMrkdwn('a &amp; b', 5)).toBe('a …');
    expect(truncateSafeMrkdwn('short', 10)).toBe('short');
  });
});
