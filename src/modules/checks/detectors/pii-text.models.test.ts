import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../../../shared/random.ts';
import { buildFieldViews } from '../views.models.ts';
import { findCreditCards } from './pii-card.models.ts';
import { createPhoneFinder } from './pii-phone.models.ts';
import { findUsSsns } from './pii-ssn.models.ts';
import { hasDigitRun } from './pii-text.models.ts';

// The PII detector skips the phone, card and SSN finders on texts without a digit run: that
// must never hide a hit they would report.

const findPhones = createPhoneFinder('US');
const findGbPhones = createPhoneFinder('GB');
const findPhonesInThreeRegions = createPhoneFinder(['US', 'GB', 'DE']);
const GATED_FINDERS = [findPhones, findGbPhones, findPhonesInThreeRegions, findCreditCards, findUsSsns];

const FIXTURE_TEXTS = readFileSync(new URL('../../../../test/fixtures/checks/pii/cases.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .flatMap((line) => buildFieldViews('output', (JSON.parse(line) as { text: string }).text).views.map((view) => view.text));

const SEPARATORS = [' ', '  ', '-', '\u2013', '\u2014', '\u2010', '.', '/', '(', ')', ') ', '\t', '\u00a0', ' - ', '   ', '    ', ', ', ':', 'x', '#'];
const WORDS = ['call ', 'phone: ', 'card ', 'Visa ', 'SSN ', 'social security ', '+1 ', '+44 ', '(', 'order #', ''];

/** Digit groups of 1–6 digits joined by separators, some too wide to join a run, after a context word. */
function listDigitTexts(count: number): string[] {
  const random = createSeededRandom(7);
  const texts: string[] = [];
  for (let i = 0; i < count; i++) {
    let text = WORDS[Math.floor(random() * WORDS.length)] ?? '';
    const groups = 1 + Math.floor(random() * 5);
    for (let g = 0; g < groups; g++) {
      if (g > 0) text += SEPARATORS[Math.floor(random() * SEPARATORS.length)];
      const digits = 1 + Math.floor(random() * 6);
      for (let d = 0; d < digits; d++) text += String(Math.floor(random() * 10));
    }
    texts.push(`${text} ok`);
  }
  return texts;
}

describe('hasDigitRun', () => {
  it('holds for every fixture view in which the phone, card or SSN finder reports something', () => {
    const found = FIXTURE_TEXTS.filter((text) => GATED_FINDERS.some((find) => find(text).length > 0));
    expect(found.length).toBeGreaterThan(50);
    expect(found.filter((text) => !hasDigitRun(text))).toEqual([]);
  });

  it('holds for every generated digit text in which the phone, card or SSN finder reports something', () => {
    const texts = listDigitTexts(30_000);
    const found = texts.filter((text) => GATED_FINDERS.some((find) => find(text).length > 0));
    // Enough texts that some finder reports for the check to mean something (fewer since GB and DE need their trunk prefix).
    expect(found.length).toBeGreaterThan(800);
    expect(texts.filter((text) => !hasDigitRun(text)).length).toBeGreaterThan(1000);
    expect(found.filter((text) => !hasDigitRun(text))).toEqual([]);
  });

  it('needs seven digits with at most three separators between neighbours', () => {
    expect(hasDigitRun('call 555-0123')).toBe(true);
    expect(hasDigitRun('(20) 1 5550')).toBe(true);
    expect(hasDigitRun('order 123456: shipped')).toBe(false);
    expect(hasDigitRun('123 - 4567')).toBe(true);
    expect(hasDigitRun('123 -  4567')).toBe(false);
    expect(hasDigitRun('version 8.2, 3 to 5 days')).toBe(false);
  });
});
