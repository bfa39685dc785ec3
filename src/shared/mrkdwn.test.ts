import { describe, expect, it } from 'vitest';
import { escapeMrkdwn, fenceCodeBlock, formatCodeBlock, formatInlineCode, formatMention, formatSlackDate, neutralizeBackticks } from './mrkdwn.ts';

describe('escapeMrkdwn', () => {
  it('escapes the ampersand first so an existing entity shows literally instead of being decoded', () => {
    expect(escapeMrkdwn('a &lt; b & c')).toBe('a &amp;lt; b &amp; c');
  });

  it('turns every control sequence into inert text', () => {
    expect(escapeMrkdwn('<!channel> <@U123> <https://evil.example|your bank>')).toBe(
      '&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|your bank&gt;',
    );
  });

  it('leaves every other character alone, formatting characters and quotes included', () => {
    const text = `*bold* _it_ ~s~ "q" 'a' @here #general ｆｕｌｌ 😀`;
    expect(escapeMrkdwn(text)).toBe(text);
  });
});

describe('code formatting', () => {
  it('breaks runs of backticks with zero-width spaces so they cannot close a code block', () => {
    expect(neutralizeBackticks('a```b``c`d')).toBe('a`\u200B`\u200B`b`\u200B`c`d');
    expect(neutralizeBackticks('a```b')).not.toContain('```');
  });

  it('wraps escaped, neutralised text in a code fence that text with edge backticks cannot merge into', () => {
    expect(formatCodeBlock('```<!here>```')).toBe('```\u200B`\u200B`\u200B`&lt;!here&gt;`\u200B`\u200B`\u200B```');
    expect(fenceCodeBlock('plain')).toBe('```plain```');
  });

  it('shows a placeholder rather than an empty code block', () => {
    expect(formatCodeBlock('')).toBe('_(empty)_');
  });

  it('makes inline code single-line and free of backticks', () => {
    expect(formatInlineCode('ab`c\n<d>')).toBe('`abˋc &lt;d&gt;`');
    expect(formatInlineCode('')).toBe('');
  });
});

describe('formatMention', () => {
  it('pings user and user-group ids and keeps formatted mentions', () => {
    expect(formatMention('U04QREVR001')).toBe('<@U04QREVR001>');
    expect(formatMention('S0APPROVERS')).toBe('<!subteam^S0APPROVERS>');
    expect(formatMention('<@W123ABC>')).toBe('<@W123ABC>');
  });

  it('escapes anything that is not an id, so it can never ping', () => {
    expect(formatMention('<!channel>')).toBe('&lt;!channel&gt;');
    expect(formatMention('dana')).toBe('dana');
  });
});

describe('formatSlackDate', () => {
  it('builds a localised date token with a UTC fallback', () => {
    expect(formatSlackDate(1_730_000_000_123)).toBe('<!date^1730000000^{date_short_pretty} {time}|2024-10-27 03:33 UTC>');
  });

  it('says the time is unknown for a non-finite timestamp', () => {
    expect(formatSlackDate(Number.NaN)).toBe('unknown time');
  });
});
