import type { KnownBlock, ModalView } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { SLACK_LIMITS, SlackLimitError, assertWithinLimits, chunkText, findSafeCut, listLimitViolations, measureTextBudget, truncateText } from './slack-limits.ts';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('truncateText', () => {
  it('returns text within the limit unchanged', () => {
    expect(truncateText('short', 5)).toBe('short');
  });

  it('cuts to the limit including the ellipsis', () => {
    expect(truncateText('abcdefghij', 5)).toBe('abcd…');
    expect(truncateText('abcdefghij', 6, '...')).toBe('abc...');
  });

  it('never cuts inside an entity', () => {
    // 'ab&amp;cd': a cut at 4 would leave 'ab&a'.
    expect(truncateText('ab&amp;cd', 5)).toBe('ab…');
    expect(truncateText('ab&lt;&gt;cd', 9)).toBe('ab&lt;…');
  });

  it('never cuts a surrogate pair in half', () => {
    const result = truncateText('ab😀cd', 4);
    expect(result).toBe('ab…');
    expect(result).not.toMatch(LONE_SURROGATE);
  });

  it('refuses a limit shorter than the ellipsis', () => {
    expect(() => truncateText('abcdef', 2, '...')).toThrow(RangeError);
  });
});

describe('findSafeCut', () => {
  it('keeps a cut that already falls between characters', () => {
    expect(findSafeCut('ab&amp;cd', 7)).toBe(7);
    expect(findSafeCut('ab&amp;cd', 2)).toBe(2);
  });

  it('ignores an ampersand that does not start an entity', () => {
    expect(findSafeCut('a & b c', 4)).toBe(4);
  });
});

describe('chunkText', () => {
  it('splits text into pieces no longer than the size that join back to the text', () => {
    const text = 'x'.repeat(95);
    const chunks = chunkText(text, 30);
    expect(chunks.map((chunk) => chunk.length)).toEqual([30, 30, 30, 5]);
    expect(chunks.join('')).toBe(text);
  });

  it('keeps entities and surrogate pairs whole across chunk borders', () => {
    const text = `${'a'.repeat(28)}&amp;${'😀'.repeat(20)}`;
    const chunks = chunkText(text, 30);
    expect(chunks.join('')).toBe(text);
    expect(chunks[0]).toBe('a'.repeat(28));
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(30);
      expect(chunk).not.toMatch(LONE_SURROGATE);
      expect(chunk).not.toMatch(/&(?:a|am|amp)?$/);
    }
  });

  it('prefers a line break in the second half of a chunk', () => {
    const text = `${'a'.repeat(20)}\n${'b'.repeat(20)}`;
    expect(chunkText(text, 30)).toEqual([`${'a'.repeat(20)}\n`, 'b'.repeat(20)]);
  });

  it('returns no chunks for empty text', () => {
    expect(chunkText('', 100)).toEqual([]);
  });
});

describe('measureTextBudget', () => {
  it('counts every text string in blocks, nested elements included', () => {
    const blocks: KnownBlock[] = [
      { type: 'header', text: { type: 'plain_text', text: 'abc' } },
      { type: 'section', text: { type: 'mrkdwn', text: 'hello' }, fields: [{ type: 'mrkdwn', text: '12' }] },
      { type: 'actions', elements: [{ type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'Go' }, value: 'ignored-value' }] },
    ];
    expect(measureTextBudget(blocks)).toBe(3 + 5 + 2 + 2);
  });
});

describe('assertWithinLimits', () => {
  const ok: KnownBlock = { type: 'section', block_id: 'ok', text: { type: 'mrkdwn', text: 'fine' } };

  it('accepts a message within every limit', () => {
    expect(() => assertWithinLimits({ text: 'fallback', blocks: [ok] })).not.toThrow();
  });

  it('names the block, the field and the limit of an oversized section', () => {
    const big: KnownBlock = { type: 'section', block_id: 'body', text: { type: 'mrkdwn', text: 'x'.repeat(3_001) } };
    expect(() => assertWithinLimits({ text: 't', blocks: [ok, big] })).toThrow(
      new SlackLimitError(['block 1 (section "body"): text is 3,001 characters; the limit is 3,000']),
    );
  });

  it('counts blocks against 50 for messages and 100 for views', () => {
    const blocks = Array.from({ length: 51 }, (_, i): KnownBlock => ({ type: 'divider', block_id: `d${i}` }));
    expect(listLimitViolations({ text: 't', blocks })).toEqual(['message: has 51 blocks; the limit is 50']);
    const view: ModalView = { type: 'modal', title: { type: 'plain_text', text: 'Title' }, blocks };
    expect(listLimitViolations(view)).toEqual([]);
  });

  it('rejects duplicate block ids and duplicate action ids in one block', () => {
    const buttonOf = (value: string) => ({ type: 'button' as const, action_id: 'same', text: { type: 'plain_text' as const, text: 'B' }, value });
    const violations = listLimitViolations({
      blocks: [ok, { ...ok }, { type: 'actions', block_id: 'acts', elements: [buttonOf('1'), buttonOf('2')] }],
    });
    expect(violations).toEqual([
      'block 1 (section "ok"): repeats a block_id; each must be unique in its message or view',
      'block 2 (actions "acts"): repeats an action_id; each must be unique in its block',
    ]);
  });

  it('checks element limits: button text and value, option values, overflow size', () => {
    const option = (value: string) => ({ text: { type: 'plain_text' as const, text: 'o' }, value });
    const violations = listLimitViolations({
      blocks: [
        {
          type: 'actions',
          block_id: 'a',
          elements: [
            { type: 'button', action_id: 'b', text: { type: 'plain_text', text: 'x'.repeat(76) }, value: 'v'.repeat(2_001) },
            { type: 'overflow', action_id: 'o', options: Array.from({ length: 6 }, (_, i) => option(String(i))) },
            { type: 'static_select', action_id: 's', options: [option('v'.repeat(76))] },
          ],
        },
      ],
    });
    expect(violations).toEqual([
      'block 0 (actions "a") element button "b": text is 76 characters; the limit is 75',
      'block 0 (actions "a") element button "b": value is 2,001 characters; the limit is 2,000',
      'block 0 (actions "a") element overflow "o": has 6 options; the limit is 1 to 5',
      'block 0 (actions "a") element static_select "s": option 0 value is 76 characters; the limit is 75',
    ]);
  });

  it('enforces the message text budget across blocks', () => {
    const blocks = Array.from({ length: 4 }, (_, i): KnownBlock => ({ type: 'section', block_id: `s${i}`, text: { type: 'mrkdwn', text: 'x'.repeat(2_600) } }));
    expect(listLimitViolations({ text: 't', blocks })).toEqual([
      `message: total block text is 10,400 characters; the budget is ${SLACK_LIMITS.messageTextBudget.toLocaleString('en-US')}`,
    ]);
  });

  it('checks a modal title, metadata, submit button and payload size', () => {
    const view: ModalView = {
      type: 'modal',
      title: { type: 'plain_text', text: 'A title that is far too long' },
      private_metadata: 'm'.repeat(3_001),
      blocks: [{ type: 'input', block_id: 'i', label: { type: 'plain_text', text: 'L' }, element: { type: 'plain_text_input', action_id: 'x' } }],
    };
    expect(listLimitViolations(view)).toEqual([
      'view: title is 28 characters; the limit is 24',
      'view: has input blocks but no submit button',
      'view: private_metadata is 3,001 characters; the limit is 3,000',
    ]);
  });

  it('measures view size in UTF-8 bytes, so full-width text counts three times', () => {
    const blocks = Array.from({ length: 90 }, (_, i): KnownBlock => ({ type: 'section', block_id: `s${i}`, text: { type: 'mrkdwn', text: '全'.repeat(1_000) } }));
    const view: ModalView = { type: 'modal', title: { type: 'plain_text', text: 'T' }, blocks };
    expect(listLimitViolations(view)).toEqual([expect.stringMatching(/^view: JSON is 27\d,\d{3} bytes; the limit is 250,000$/)]);
  });
});
