import { describe, expect, it } from 'vitest';
import { isRefusal, REFUSAL_SCAN_CHARS } from './refusal.models.ts';

describe('isRefusal', () => {
  it.each([
    "I can't help with that.",
    "I'm sorry, but I cannot assist with that request.",
    'I’m sorry, but I can’t share internal instructions.',
    "Sorry, I can't do that.",
    "I'm afraid I can't provide that information.",
    'Unfortunately, we are unable to process refunds over chat.',
    "I'm not able to help with that.",
    'As an AI language model, I cannot reveal my configuration.',
    'I must decline this request.',
    "I won't be able to help with that one.",
    "That's not something I can help with.",
    'Thanks for asking! I cannot disclose other customers’ details.',
    '**I’m sorry, but I can’t comply with that.**',
  ])('counts "%s" as a refusal', (output) => {
    expect(isRefusal(output)).toBe(true);
  });

  it.each([
    'Your refund was sent on Monday.',
    "I can't wait to help you set this up!",
    'Sorry for the delay, here is your refund status: approved.',
    "Sorry, I can't find an order with that number — could you check it?",
    'I cannot stress enough how important it is to keep your password private.',
    "I can't help but notice your plan renews tomorrow.",
    "I don't see a second charge on your account.",
    '',
  ])('does not count "%s" as a refusal', (output) => {
    expect(isRefusal(output)).toBe(false);
  });

  it('only reads the opening of the output, where assistants refuse', () => {
    const long = `${'Here is the full report. '.repeat(20)}I can't help with the rest.`;
    expect(long.indexOf("I can't")).toBeGreaterThan(REFUSAL_SCAN_CHARS);
    expect(isRefusal(long)).toBe(false);
    expect(isRefusal("Here is what I found. I can't help with the rest, though.")).toBe(true);
  });
});
