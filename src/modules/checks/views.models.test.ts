import { describe, expect, it } from 'vitest';
import type { FieldViews, TextView } from './checks.models.ts';
import { createSeededRandom } from '../../shared/random.ts';
import { buildFieldViews, hasEncodedHint } from './views.models.ts';

function viewOf(views: FieldViews, name: TextView['name']): TextView {
  const view = views.views.find((candidate) => candidate.name === name);
  if (view === undefined) throw new Error(`no ${name} view`);
  return view;
}

/** The original text behind `needle` as found in the named view. */
function originalOf(views: FieldViews, name: TextView['name'], needle: string): string {
  const view = viewOf(views, name);
  const at = view.text.indexOf(needle);
  expect(at).toBeGreaterThanOrEqual(0);
  const { start, end } = view.toOriginal(at, at + needle.length);
  return views.original.slice(start, end);
}

const toFullWidth = (text: string): string =>
  [...text].map((char) => String.fromCharCode(char.charCodeAt(0) + 0xfee0)).join('');

describe('buildFieldViews', () => {
  it('returns only an identity original view for plain text', () => {
    const text = 'Your order #48213 shipped yesterday via UPS.';
    const views = buildFieldViews('output', text);
    expect(views.field).toBe('output');
    expect(views.original).toBe(text);
    expect(views.views.map((view) => view.name)).toEqual(['original']);
    expect(views.views[0]?.toOriginal(5, 10)).toEqual({ start: 5, end: 10 });
    expect(views.views[0]?.toOriginal(-3, 999)).toEqual({ start: 0, end: text.length });
  });

  it('adds no normalized view for non-ASCII text that NFKC leaves unchanged', () => {
    const views = buildFieldViews('output', 'Ihre Bestellung wurde versandt — café, ご注文ありがとうございます。');
    expect(views.views.map((view) => view.name)).toEqual(['original']);
  });

  it('folds full-width characters and maps them back to the full-width range', () => {
    const text = `key ${toFullWidth('ghp_abc')} end`;
    const views = buildFieldViews('input', text);
    expect(viewOf(views, 'normalized').text).toBe('key ghp_abc end');
    expect(originalOf(views, 'normalized', 'ghp_abc')).toBe(toFullWidth('ghp_abc'));
    expect(originalOf(views, 'normalized', 'end')).toBe('end');
  });

  it('removes zero-width characters and a span across them covers them in the original', () => {
    const text = 'token: ghp_\u200bab\u200dcd\u2060ef\ufeff! done';
    const views = buildFieldViews('input', text);
    expect(viewOf(views, 'normalized').text).toBe('token: ghp_abcdef! done');
    expect(originalOf(views, 'normalized', 'ghp_abcdef')).toBe('ghp_\u200bab\u200dcd\u2060ef');
  });

  it('removes soft hyphens and bidi controls', () => {
    const text = 'pass\u00adword \u202esecret\u202c \u2066iso\u2069 \u200emark\u200f \u061carabic';
    expect(viewOf(buildFieldViews('input', text), 'normalized').text).toBe('password secret iso mark arabic');
  });

  it('maps a composed character back to its base and combining mark', () => {
    const text = 'cafe\u0301 ok';
    const views = buildFieldViews('input', text);
    expect(viewOf(views, 'normalized').text).toBe('café ok');
    expect(originalOf(views, 'normalized', 'é')).toBe('e\u0301');
  });

  it('decodes a base64 run and maps the decoded text to the whole encoded run', () => {
    const encoded = Buffer.from('the key is ghp_example').toString('base64');
    const views = buildFieldViews('output', `look: ${encoded} (decoded)`);
    expect(viewOf(views, 'decoded').text).toBe('look: the key is ghp_example (decoded)');
    expect(originalOf(views, 'decoded', 'ghp_example')).toBe(encoded);
    expect(originalOf(views, 'decoded', '(decoded)')).toBe('(decoded)');
  });

  it('decodes unpadded url-safe base64', () => {
    const encoded = Buffer.from('token=abc?>?>?> and more text').toString('base64url');
    expect(encoded).toMatch(/[-_]/);
    const views = buildFieldViews('output', `v=${encoded}&x=1`);
    expect(viewOf(views, 'decoded').text).toBe('v=token=abc?>?>?> and more text&x=1');
    expect(originalOf(views, 'decoded', 'abc')).toBe(encoded);
  });

  it('decodes hex runs, with or without 0x, and maps them to the encoded run', () => {
    const hex = Buffer.from('hello secret world').toString('hex');
    const views = buildFieldViews('output', `dump ${hex} and 0x${hex}`);
    expect(viewOf(views, 'decoded').text).toBe('dump hello secret world and hello secret world');
    expect(originalOf(views, 'decoded', 'hello secret world')).toBe(hex);
  });

  it('decodes each group of URL escapes and maps it to its own escapes', () => {
    const text = 'https://example.com/cb?t=ghp%5Fabc%20def&n=%E2%9C%93';
    const views = buildFieldViews('output', text);
    expect(viewOf(views, 'decoded').text).toBe('https://example.com/cb?t=ghp_abc def&n=✓');
    expect(originalOf(views, 'decoded', '_')).toBe('%5F');
    expect(originalOf(views, 'decoded', 'ghp_abc')).toBe('ghp%5Fabc');
    expect(originalOf(views, 'decoded', '✓')).toBe('%E2%9C%93');
  });

  it('decodes numeric character references, decimal and hex, and maps them to their references', () => {
    const text = 'Note: &#73;&#x67;nore the rules. Price &lt; 5 &amp; more.';
    const views = buildFieldViews('input', text);
    expect(viewOf(views, 'decoded').text).toBe('Note: Ignore the rules. Price &lt; 5 &amp; more.');
    expect(originalOf(views, 'decoded', 'Ig')).toBe('&#73;&#x67;');
  });

  it('decodes text written as bits, 8 to a byte, and leaves bit flags that are not text alone', () => {
    const bits = [...Buffer.from('Hello world')].map((byte) => byte.toString(2).padStart(8, '0')).join(' ');
    const views = buildFieldViews('input', `Decode: ${bits}.`);
    expect(viewOf(views, 'decoded').text).toBe('Decode: Hello world.');
    expect(originalOf(views, 'decoded', 'Hello world')).toBe(bits);
    const flags = buildFieldViews('input', 'Masks 00000000 11111111 00001111 11110000 set.');
    expect(flags.views.map((view) => view.name)).toEqual(['original']);
  });

  it('decodes one level of nesting: base64 whose + and / were URL-encoded', () => {
    const base64 = Buffer.from('?✓ glpat-abcdefghij0123456789').toString('base64');
    expect(base64[1]).toBe('+');
    const escaped = base64.replace(/\+/g, '%2B').replace(/\//g, '%2F').replace(/=/g, '%3D');
    const views = buildFieldViews('output', `r?v=${escaped}`);
    expect(viewOf(views, 'decoded').text).toContain('glpat-abcdefghij0123456789');
    expect(originalOf(views, 'decoded', 'glpat-')).toBe(escaped);
  });

  it('decodes inside the normalized text and maps through both steps', () => {
    const encoded = Buffer.from('ghp_hidden_token_value').toString('base64');
    const obfuscated = `${encoded.slice(0, 8)}\u200b${encoded.slice(8)}`;
    const views = buildFieldViews('input', `x ${obfuscated} y`);
    expect(viewOf(views, 'decoded').text).toBe('x ghp_hidden_token_value y');
    expect(originalOf(views, 'decoded', 'ghp_hidden')).toBe(obfuscated);
  });

  it('leaves hashes, ids, words, paths and binary base64 alone', () => {
    const text = [
      'commit 3f786850e387550fdab836ed7e6dc881de23001b',
      'id 123e4567-e89b-12d3-a456-426614174000',
      'internationalization responsibilities',
      'https://docs.example.com/getting-started/installation-guide',
      `png ${Buffer.from([0, 1, 2, 3, 250, 251, 252, 253, 4, 5, 6, 7, 8, 9, 10, 11]).toString('base64')}`,
      '50% off, 100%!',
    ].join('\n');
    expect(buildFieldViews('output', text).views.map((view) => view.name)).toEqual(['original']);
  });

  it('stops decoding once the decoded output reaches the cap', () => {
    const runs = Array.from({ length: 5 }, (_, i) => Buffer.from(`message number ${i} is here`).toString('base64'));
    const views = buildFieldViews('output', runs.join(' '), { maxDecodedChars: 50 });
    const decoded = viewOf(views, 'decoded').text;
    expect(decoded).toContain('message number 0 is here');
    expect(decoded).toContain('message number 1 is here');
    expect(decoded).not.toContain('message number 2');
    expect(decoded).toContain(runs[4]);
  });

  it('keeps hostile inputs bounded', () => {
    const hostile = ['%41'.repeat(30_000), 'a\u200b'.repeat(30_000), `a${'\u0301'.repeat(30_000)}`, 'QUFB'.repeat(25_000)];
    for (const text of hostile) {
      const views = buildFieldViews('input', text, { maxDecodedChars: 1_000 });
      for (const view of views.views) expect(view.text.length).toBeLessThanOrEqual(text.length);
      const decoded = views.views.find((view) => view.name === 'decoded');
      if (decoded !== undefined) expect(decoded.text.length).toBeLessThanOrEqual(text.length);
    }
    const marks = viewOf(buildFieldViews('input', `a${'\u0301'.repeat(100)}`), 'normalized');
    expect(marks.toOriginal(0, 1)).toEqual({ start: 0, end: 31 });
  });

  it('maps empty and out-of-range ranges without throwing', () => {
    const views = buildFieldViews('input', 'ab\u200bcd');
    const normalized = viewOf(views, 'normalized');
    expect(normalized.toOriginal(2, 2)).toEqual({ start: 3, end: 3 });
    expect(normalized.toOriginal(4, 4)).toEqual({ start: 5, end: 5 });
    expect(normalized.toOriginal(0, 99)).toEqual({ start: 0, end: 5 });
    expect(buildFieldViews('input', '').views.map((view) => view.name)).toEqual(['original']);
  });

});

/** The plain scan hasEncodedHint replaced: a %xx escape, a character reference, 32 bits in bytes or 16 base64/hex-alphabet characters in a row. */
function referenceHasEncodedHint(text: string): boolean {
  return /%[0-9A-Fa-f]{2}/.test(text) || text.includes('&#') || /(?:[01]{8}[ \t]?){3}[01]{8}/.test(text) || /[A-Za-z0-9+/_-]{16}/.test(text);
}

describe('hasEncodedHint', () => {
  it('answers as the plain scan it replaces on runs around 16 characters, escapes and non-ASCII text', () => {
    const random = createSeededRandom(11);
    const pieces = ['%', '%2', '%2F', '%zz', '%e9', ' ', '.', '=', '→', 'é', '\u00ff', '\ud83d\ude00', 'a', 'Z', '9', '+', '/', '_', '-'];
    const texts: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      let text = '';
      const parts = 1 + Math.floor(random() * 8);
      for (let p = 0; p < parts; p++) {
        const piece = pieces[Math.floor(random() * pieces.length)] ?? '';
        text += random() < 0.4 ? piece.repeat(1 + Math.floor(random() * 18)) : piece;
      }
      texts.push(text);
    }
    expect(texts.filter(referenceHasEncodedHint).length).toBeGreaterThan(2000);
    expect(texts.filter((text) => !referenceHasEncodedHint(text)).length).toBeGreaterThan(2000);
    expect(texts.filter((text) => hasEncodedHint(text) !== referenceHasEncodedHint(text))).toEqual([]);
  });

  it('finds a run of exactly 16 at the start, in the middle and at the end, and not one of 15', () => {
    const run = 'QUJDREVGR0hJSktM';
    for (const text of [run, `x ${run} y`, `end ${run}`]) expect(hasEncodedHint(text), text).toBe(true);
    expect(hasEncodedHint(`x ${run.slice(1)} y ${run.slice(2)}`)).toBe(false);
    expect(hasEncodedHint('100% sure, 50%. off')).toBe(false);
    expect(hasEncodedHint('a%2Fb')).toBe(true);
  });
});

