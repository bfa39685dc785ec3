import { describe, expect, it } from 'vitest';
import { buildJoinedView, DIGIT_SEARCH, isDigitChunkTrigger } from './views-joined.models.ts';
import { buildFieldViews } from './views.models.ts';

/** The original text behind `needle` as found in the joined view. */
function originalOf(text: string, needle: string): string {
  const view = buildJoinedView(text);
  if (view === undefined) throw new Error('no joined view');
  const at = view.text.indexOf(needle);
  expect(at, view.text).toBeGreaterThanOrEqual(0);
  const { start, end } = view.toOriginal(at, at + needle.length);
  return text.slice(start, end);
}

describe('buildJoinedView', () => {
  it('joins a key wrapped over lines with indentation, mapping back over the break', () => {
    const text = 'token: ghp_wWPw5k4aXcaT4fNP0Ucn\n        ZwJUVFk6LO0pINUx done';
    expect(buildJoinedView(text)?.text).toBe('token: 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 done');
    expect(originalOf(text, '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')).toBe('ghp_wWPw5k4aXcaT4fNP0Ucn\n        ZwJUVFk6LO0pINUx');
  });

  it('writes a card number in any grouping or wrapped over lines compact when it passes Luhn', () => {
    expect(buildJoinedView('card 4539 1488\n   0343 6467 thanks')?.text).toBe('card 4539148803436467 thanks');
    expect(buildJoinedView('pay with 453914 8803436467')?.text).toBe('pay with 4539148803436467');
    expect(originalOf('card 4539 1488\n   0343 6467 thanks', '4539148803436467')).toBe('4539 1488\n   0343 6467');
  });

  it('writes an IBAN split over lines compact', () => {
    const text = 'IBAN: DE89 3704 0044\n      0532 0130 00.';
    expect(buildJoinedView(text)?.text).toBe('IBAN: DE89370400440532013000.');
    expect(originalOf(text, 'DE89370400440532013000')).toBe('DE89 3704 0044\n      0532 0130 00');
  });

  it('folds a line break inside a phone number to one space, keeping its grouping', () => {
    const text = 'call me on 020 7946\n    0018 after five';
    expect(buildJoinedView(text)?.text).toBe('call me on 020 7946 0018 after five');
    expect(originalOf(text, '020 7946 0018')).toBe('020 7946\n    0018');
  });

  it('joins spaced-out characters and digits', () => {
    expect(buildJoinedView('key s k _ l i v e _ 4 e C 3 9 H q done')?.text).toBe('key sk_live_4eC39Hq done');
    expect(buildJoinedView('ssn 5 3 6 - 2 2 - 1 4 7 8 ok')?.text).toBe('ssn 536-22-1478 ok');
  });

  it('joins spaced-out characters that hold no digit', () => {
    const text = 'Your key: s k _ l i v e _ p X o j o z A u w i k L J h K b Z M F U v o z H';
    expect(buildJoinedView(text)?.text).toBe('Your key: sk_live_pXojozAuwikLJhKbZMFUvozH');
    expect(originalOf(text, 'sk_live_pXojozAuwikLJhKbZMFUvozH')).toBe(text.slice('Your key: '.length));
  });

  it('joins an AWS key id wrapped over lines even when it holds no digit', () => {
    const text = 'aws_access_key_id = AKIAUNQGSQ\nWQYVEGEQID';
    expect(buildJoinedView(text)?.text).toBe('aws_access_key_id = AKIAUNQGSQWQYVEGEQID');
    expect(originalOf(text, 'AKIAUNQGSQWQYVEGEQID')).toBe('AKIAUNQGSQ\nWQYVEGEQID');
    expect(buildJoinedView('id ASIAQWERTYUIOPAS\r\n   DFGH end')?.text).toBe('id ASIAQWERTYUIOPASDFGH end');
  });

  it('does not join capitals after an AWS prefix unless they make exactly one key id', () => {
    const texts = ['AKIAUNQGSQ\nWQYVEGEQIDXX', 'AKIAUNQGSQ\nWQYVE', 'ABCDUNQGSQ\nWQYVEGEQID', 'NOTE: AKIAUNQGSQ\nNext line'];
    for (const text of texts) expect(buildJoinedView(text)?.text, text).toBeUndefined();
  });

  it('joins a hyphenated digit run broken at a line end', () => {
    expect(buildJoinedView('card 4539-1488-\n0343-6467')?.text).toBe('card 4539-1488-0343-6467');
  });

  it('maps through the normalised view when there is one', () => {
    const text = 'card 4539\u200b 1488\n 0343 6467';
    const views = buildFieldViews('output', text);
    const joined = views.views.find((view) => view.name === 'joined');
    expect(joined?.text).toBe('card 4539148803436467');
    const at = joined?.text.indexOf('4539') ?? -1;
    const span = joined?.toOriginal(at, at + 16);
    expect(text.slice(span?.start, span?.end)).toBe('4539\u200b 1488\n 0343 6467');
  });

  it('leaves prose, code and tables alone (near misses)', () => {
    const texts = [
      'Thanks for your patience.\nWe have updated your plan and the invoice follows.',
      'The build 2024 1234 failed on step 3 4 5.',
      'I have 3 cats and 2 dogs at home.',
      'aws_secret_access_key: Zx8Qp3Lm9Tr2Wv6Ky4Hn\nclient_id: web-frontend',
      'commit 9fceb02d0ae598e95dc970b74767f19372d61af8\nAuthor: Jane Doe',
      'Call 020 7946 0018 today.',
      'Years 2019 2020 2021 2022 2023 were good.',
      'a b c d e f g',
    ];
    for (const text of texts) expect(buildJoinedView(text)?.text, text).toBeUndefined();
  });

  it('does not join a key with the word that starts the next line', () => {
    const text = 'Here is the key: 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\nThanks';
    expect(buildJoinedView(text)).toBeUndefined();
  });

  it('stays linear on long hostile inputs', () => {
    const inputs = ['1 '.repeat(50_000), 'ab12CD34ef56GH78\n'.repeat(5_000), 'DE89 '.repeat(20_000), ' \n'.repeat(50_000)];
    for (const input of inputs) {
      const view = buildJoinedView(input);
      expect((view?.text.length ?? 0) <= input.length).toBe(true);
    }
  });
});

describe('the digit search that decides which chunks are read', () => {
  /** Seeded, so a failure reproduces. */
  function random(seed: number): () => number {
    let state = seed;
    return () => {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  // Pieces that make every rule fire now and then, and the prose around digits it skips.
  const PIECES = ['1', '7', 'a b c d e f g ', 'q r s t ', '42', '2024', '4539', 'DE', 'AB', 'x', 'k', 'seats', 'word', 'abcd-EF', 'aB3', '_', '-', '+', '/', '=', '.', ',', ':', '%', ')', ' ', ' ', ' ', '  ', '\t', '\n', '\n  ', '\ufeff', '\u00a0'];

  it('finds the first digit of every chunk from which a rule could start (40,000 random texts)', () => {
    const next = random(20261207);
    let triggering = 0;
    for (let n = 0; n < 40_000; n++) {
      let text = '';
      const pieces = 3 + Math.floor(next() * 20);
      for (let k = 0; k < pieces; k++) text += PIECES[Math.floor(next() * PIECES.length)];
      for (let chunkStart = 0; chunkStart < text.length; ) {
        let chunkEnd = chunkStart;
        while (chunkEnd < text.length && !/[\t-\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/.test(text[chunkEnd]!)) chunkEnd++;
        const at = text.slice(chunkStart, chunkEnd).search(/\d/);
        if (at !== -1 && isDigitChunkTrigger(text, chunkStart + at, chunkEnd)) {
          triggering++;
          DIGIT_SEARCH.lastIndex = chunkStart;
          expect({ text, found: DIGIT_SEARCH.exec(text)?.index }).toEqual({ text, found: chunkStart + at });
        }
        chunkStart = chunkEnd + 1;
      }
    }
    expect(triggering).toBeGreaterThan(1000);
  });

  it('skips a plain number before a lower-case word, which no rule starts from', () => {
    DIGIT_SEARCH.lastIndex = 0;
    expect(DIGIT_SEARCH.exec('The plan has 3 seats and 2024, not 500 seats.')).toBeNull();
  });
});
