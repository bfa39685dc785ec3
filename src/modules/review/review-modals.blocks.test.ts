import { existsSync, readFileSync } from 'node:fs';
import type { AnyBlock, InputBlock, ModalView, SectionBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { assertWithinLimits } from '../../shared/slack-limits.ts';
import { REJECT_MODAL_INPUTS, REVIEW_ACTIONS, REVIEW_VIEWS, parseRejectSubmission } from './review.actions.ts';
import { buildReviewCardMessage } from './review.blocks.ts';
import { buildAdjudicationRequest, buildFullContentModal, buildRejectModal, buildScoresEphemeral } from './review-modals.blocks.ts';
import type { ReviewCardModel } from './review.models.ts';
import { createReviewCard } from './review.test-utils.ts';

const ITEM = 'evt_01JBXK5M2N3P4Q5R6S7T8V9W0X';
const CARD_MESSAGE = { channel: 'C07REVQUEUE', ts: '1730000000.123456' };

/** The Slack fixture from the repository's test fixtures, or from shared/ beside the repository. */
function readSlackFixture(name: string): Record<string, any> {
  const candidates = [new URL(`../../../test/fixtures/slack/${name}`, import.meta.url), new URL(`../../../../shared/fixtures/slack/${name}`, import.meta.url)];
  const found = candidates.find((url) => existsSync(url));
  if (!found) throw new Error(`Slack fixture ${name} not found`);
  return JSON.parse(readFileSync(found, 'utf8'));
}

/** What Slack puts in `view.state.values` when a user picks `answers[blockId]` in each input of `view`. */
function simulateStateValues(view: ModalView, answers: Record<string, string | null>): Record<string, Record<string, unknown>> {
  const inputs = view.blocks.filter((block): block is InputBlock => block.type === 'input');
  return Object.fromEntries(
    inputs.map((block) => {
      const element = block.element;
      const answer = answers[block.block_id!] ?? null;
      if (element.type === 'static_select') {
        const picked = element.options?.find((option) => option.value === answer) ?? null;
        if (answer !== null && picked === null) throw new Error(`no option ${answer} in ${block.block_id}`);
        return [block.block_id!, { [element.action_id!]: { type: 'static_select', selected_option: picked } }];
      }
      if (element.type === 'plain_text_input') return [block.block_id!, { [element.action_id!]: { type: 'plain_text_input', value: answer } }];
      throw new Error(`unexpected input ${element.type}`);
    }),
  );
}

function sectionTexts(blocks: readonly AnyBlock[]): string[] {
  return blocks.flatMap((block) => {
    const text = block.type === 'section' ? (block as SectionBlock).text?.text : undefined;
    return text === undefined ? [] : [text];
  });
}

describe('buildRejectModal', () => {
  it('asks for a reason, a failed dimension and a note, and carries the card location', () => {
    const view = buildRejectModal(createReviewCard(), CARD_MESSAGE);
    expect(view).toMatchObject({ type: 'modal', callback_id: REVIEW_VIEWS.reject, title: { text: 'Reject this answer' }, submit: { text: 'Reject' }, close: { text: 'Cancel' } });
    expect(JSON.parse(view.private_metadata!)).toEqual({ itemId: ITEM, ...CARD_MESSAGE });
    const inputs = view.blocks.filter((block): block is InputBlock => block.type === 'input');
    expect(inputs.map((block) => [block.block_id, block.optional])).toEqual([
      [REJECT_MODAL_INPUTS.reason.blockId, false],
      [REJECT_MODAL_INPUTS.dimension.blockId, true],
      [REJECT_MODAL_INPUTS.note.blockId, true],
    ]);
    expect(inputs[0]!.element).toMatchObject({
      type: 'static_select',
      options: [
        { text: { text: 'Factually wrong' }, value: 'factually_wrong' },
        { text: { text: 'Breaks content policy' }, value: 'policy_violation' },
        { text: { text: 'Wrong tone' }, value: 'tone' },
      ],
    });
    // Tone, policy and accuracy are named by a reason already; only brand is left to ask.
    expect(inputs[1]!.element).toMatchObject({ type: 'static_select', options: [{ text: { text: 'Brand voice' }, value: 'brand' }] });
    expect(inputs.map((block) => block.label.text)).toEqual(['What is wrong with it?', 'Which part of the rubric does it fail?', 'Note for the team']);
    expect(JSON.stringify(view)).not.toContain('(optional)');
    expect(inputs[2]!.element).toMatchObject({ type: 'plain_text_input', multiline: true, max_length: 1_000 });
    assertWithinLimits(view);
  });

  it('falls back to "other" without reasons and drops the dimension without dimensions', () => {
    const view = buildRejectModal(createReviewCard({ rejectReasons: [], dimensions: [] }), CARD_MESSAGE);
    const inputs = view.blocks.filter((block): block is InputBlock => block.type === 'input');
    expect(inputs.map((block) => block.block_id)).toEqual([REJECT_MODAL_INPUTS.reason.blockId, REJECT_MODAL_INPUTS.note.blockId]);
    expect(inputs[0]!.element).toMatchObject({ options: [{ text: { text: 'Something else' }, value: 'other' }] });
  });

  it('never lists a quality both as a reason and as a dimension, with the default lists', () => {
    const card = createReviewCard({
      rejectReasons: ['factually_wrong', 'off_brand', 'tone', 'policy_violation', 'data_leak', 'unsafe', 'other'],
      dimensions: ['tone', 'brand', 'policy', 'accuracy', 'safety'],
    });
    const inputs = buildRejectModal(card, CARD_MESSAGE).blocks.filter((block): block is InputBlock => block.type === 'input');
    expect(inputs.map((block) => block.block_id)).toEqual([REJECT_MODAL_INPUTS.reason.blockId, REJECT_MODAL_INPUTS.note.blockId]);
    const labels = JSON.stringify(inputs[0]!.element).match(/"text":"[^"]+"/g);
    expect(new Set(labels).size).toBe(labels!.length);
  });

  it('shows a short, escaped and redacted excerpt of the output', () => {
    const output = 'mail dana@example.com <!channel> now';
    const card = createReviewCard({
      output,
      detections: [{ detector: 'pii', kind: 'email', severity: 'warn', field: 'output', evidence: 'd••m', start: 5, end: 21 }],
    });
    const text = sectionTexts(buildRejectModal(card, CARD_MESSAGE).blocks)[0]!;
    expect(text).toBe('Possible personal data leak: email address in the answer · a *support-bot* answer\n```mail [redacted email] &lt;!channel&gt; now```');
  });

  it('round-trips: a submission built from the modal parses back to the answers', () => {
    const view = buildRejectModal(createReviewCard(), CARD_MESSAGE);
    const payload = readSlackFixture('view_submission.reject_reason.adapted.json');
    payload.view = {
      ...payload.view,
      blocks: view.blocks,
      callback_id: view.callback_id,
      private_metadata: view.private_metadata,
      state: {
        values: simulateStateValues(view, {
          [REJECT_MODAL_INPUTS.reason.blockId]: 'policy_violation',
          [REJECT_MODAL_INPUTS.dimension.blockId]: 'brand',
          [REJECT_MODAL_INPUTS.note.blockId]: 'Promised a refund we do not offer.',
        }),
      },
    };
    const submitted = JSON.parse(JSON.stringify(payload));
    expect(parseRejectSubmission(submitted.view)).toEqual({
      itemId: ITEM, channel: 'C07REVQUEUE', ts: '1730000000.123456', reasonCategory: 'policy_violation', dimension: 'brand', note: 'Promised a refund we do not offer.',
    });
  });

  it('round-trips a submission with only the required reason', () => {
    const view = buildRejectModal(createReviewCard(), CARD_MESSAGE);
    const values = simulateStateValues(view, { [REJECT_MODAL_INPUTS.reason.blockId]: 'tone' });
    expect(parseRejectSubmission({ ...view, state: { values } })).toMatchObject({ reasonCategory: 'tone', dimension: null, note: null });
  });
});

describe('buildFullContentModal', () => {
  const codeBodies = (view: ModalView, field: 'input' | 'output') =>
    view.blocks
      .filter((block) => new RegExp(`\\.${field}\\.\\d+$`).test(block.block_id ?? ''))
      .map((block) => /^```([\s\S]*)```$/.exec(sectionTexts([block])[0] ?? '')?.[1] ?? '');

  it('shows a 50,000-character output whole, in sections of at most 3,000 characters', () => {
    const output = `${'a'.repeat(24_999)}&${'b'.repeat(25_000)}`;
    const view = buildFullContentModal(createReviewCard({ output }));
    const bodies = codeBodies(view, 'output');
    expect(bodies.join('')).toBe(output.replace('&', '&amp;'));
    expect(sectionTexts(view.blocks).every((text) => text.length <= 3_000)).toBe(true);
    expect(view).toMatchObject({ callback_id: REVIEW_VIEWS.full, title: { text: 'Full text' } });
    expect(JSON.stringify(view)).not.toContain(':scissors:');
    assertWithinLimits(view);
  });

  it('escapes and neutralises hostile text in every chunk', () => {
    const hostile = '<!channel> ```x``` <https://evil.example|your bank> '.repeat(400);
    const view = buildFullContentModal(createReviewCard({ input: hostile, output: hostile }));
    const json = JSON.stringify(view);
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<https://evil');
    for (const body of [...codeBodies(view, 'input'), ...codeBodies(view, 'output')]) expect(body).not.toContain('```');
    assertWithinLimits(view);
  });

  it('redacts secrets and PII so the raw strings appear nowhere', () => {
    const secret = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';
    const output = `token ${secret} for dana@example.com`;
    const card = createReviewCard({
      output,
      detections: [
        { detector: 'secrets', kind: 'github_token', severity: 'critical', field: 'output', evidence: 'ghp_••••6789', start: 6, end: 6 + secret.length },
        { detector: 'pii', kind: 'email', severity: 'warn', field: 'output', evidence: 'd••m', start: output.indexOf('dana'), end: output.length },
      ],
    });
    const json = JSON.stringify(buildFullContentModal(card));
    expect(json).not.toContain(secret);
    expect(json).not.toContain('dana@example.com');
    expect(codeBodies(buildFullContentModal(card), 'output')).toEqual(['token [redacted github_token] for [redacted email]']);
  });

  it('cuts text too big for a modal with a note naming the item, keeping room for the output', () => {
    const card = createReviewCard({ input: '全'.repeat(400_000), output: 'ｆｕｌｌ'.repeat(100_000) });
    const view = buildFullContentModal(card);
    assertWithinLimits(view);
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const notes = JSON.stringify(view.blocks.filter((block) => block.block_id?.endsWith('.cut')));
    expect(notes).toContain('User’s message cut at');
    expect(notes).toContain('Answer cut at');
    expect(notes).toContain(`item \`${ITEM}\``);
    expect(codeBodies(view, 'output').join('').length).toBeGreaterThan(30_000);
  });

  it('shows an empty output as empty and omits a missing input', () => {
    const view = buildFullContentModal(createReviewCard({ input: null, output: '' }));
    expect(sectionTexts(view.blocks)).toEqual(['*Answer*\n_(empty)_']);
  });

  it('splits long prose between words, never inside one', () => {
    const words = Array.from({ length: 3_000 }, (_, i) => `word${i}`);
    const view = buildFullContentModal(createReviewCard({ input: null, output: words.join(' ') }));
    const bodies = codeBodies(view, 'output');
    expect(bodies.length).toBeGreaterThan(1);
    expect(bodies.join('')).toBe(words.join(' '));
    for (const body of bodies.slice(0, -1)) expect(body).toMatch(/ $/);
    for (const body of bodies) expect(words).toContain(body.trim().split(' ')[0]);
  });

  it('splits long text with line breaks at a line break', () => {
    const lines = Array.from({ length: 400 }, (_, i) => `Line ${i}: the refund policy allows returns within thirty days.`);
    const bodies = codeBodies(buildFullContentModal(createReviewCard({ input: null, output: lines.join('\n') })), 'output');
    expect(bodies.length).toBeGreaterThan(1);
    for (const body of bodies.slice(0, -1)) expect(body.endsWith('\n')).toBe(true);
  });
});

describe('buildScoresEphemeral', () => {
  it('shows each grader score against its threshold', () => {
    const card = createReviewCard({ graderScores: [{ grader: 'tone', score: 0.9, threshold: 0.6, label: 'curt' }, { grader: 'brand', score: 0.1, threshold: 0.5 }] });
    const message = buildScoresEphemeral(card);
    expect(message.text).toBe('Your verdict is in — here is how the AI judges scored: Off-putting tone in the answer');
    expect(sectionTexts(message.blocks)).toEqual([
      '*Your verdict is in.* How the AI judges scored this answer (Off-putting tone in the answer):',
      ':warning: *tone* 0.90, at or over its 0.60 threshold, flagged — curt\n:white_check_mark: *brand* 0.10, under its 0.50 threshold',
    ]);
    assertWithinLimits(message);
  });

  it('says when there are no scores yet', () => {
    expect(sectionTexts(buildScoresEphemeral(createReviewCard({ graderScores: [] })).blocks)[1]).toBe('_No grader scores for this item yet._');
  });
});

describe('buildAdjudicationRequest', () => {
  const disagreement = createReviewCard({
    state: 'needs_adjudication',
    verdicts: [
      { reviewerId: 'U1AAA', decision: 'approve', tone: 4, brand: 5 },
      { reviewerId: 'U2BBB', decision: 'reject', reasonCategory: 'tone', tone: 2, edgeCase: true },
    ],
  });

  it('mentions the approvers, lists the verdicts and offers final Approve / Reject buttons', () => {
    const message = buildAdjudicationRequest(disagreement, ['U0LEAD1', 'S0TRUST', '<!channel>']);
    expect(sectionTexts(message.blocks)).toEqual([
      '<@U0LEAD1> <!subteam^S0TRUST> &lt;!channel&gt; Reviewers disagree on this item. Please adjudicate: your decision is final.',
      '• <@U1AAA> approved · tone 4 · brand 5\n• <@U2BBB> rejected — Wrong tone · tone 2 · edge case',
    ]);
    const actionsBlock = message.blocks.find((block) => block.type === 'actions');
    expect(actionsBlock?.type === 'actions' && actionsBlock.elements.map((e) => [e.action_id, 'value' in e ? e.value : null])).toEqual([
      [REVIEW_ACTIONS.adjudicateApprove, `adj_approve|${ITEM}`],
      [REVIEW_ACTIONS.adjudicateReject, `adj_reject|${ITEM}`],
      [REVIEW_ACTIONS.viewFull, `view_full|${ITEM}`],
    ]);
    expect(message.text).toBe(`Reviewers disagree on support-bot item ${ITEM}: please adjudicate.`);
    assertWithinLimits(message);
  });
});

describe('every review surface', () => {
  const hostile = '<!channel> <@U123> ```x``` &lt; '.repeat(2_000);
  const cards: [string, ReviewCardModel][] = [
    ['a default pending card', createReviewCard()],
    ['a hostile 64k output', createReviewCard({ input: hostile, output: hostile, showScores: true, canTighten: true, canEscalate: true })],
    ['a final card', createReviewCard({ state: 'final', outcome: 'rejected', verdicts: [{ reviewerId: 'U2BBB', decision: 'reject', reasonCategory: 'tone' }] })],
    ['an expired card', createReviewCard({ state: 'expired', output: '' })],
    ['a full-width card', createReviewCard({ input: null, output: '全角'.repeat(150_000), notes: ['n'.repeat(5_000)] })],
  ];

  it.each(cards)('stays within Slack limits for %s', (_name, card) => {
    assertWithinLimits(buildReviewCardMessage(card));
    assertWithinLimits(buildRejectModal(card, CARD_MESSAGE));
    assertWithinLimits(buildFullContentModal(card));
    assertWithinLimits(buildScoresEphemeral(card));
    assertWithinLimits(buildAdjudicationRequest(card, ['U0LEAD1']));
  });
});

