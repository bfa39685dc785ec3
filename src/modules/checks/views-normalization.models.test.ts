import { describe, expect, it } from 'vitest';
import { isKeptAsIs, needsNormalization } from './views-normalization.models.ts';

const normalizes = (text: string): boolean => /\p{Default_Ignorable_Code_Point}/u.test(text) || text.normalize('NFKC') !== text;

describe('needsNormalization', () => {
  it('answers as normalising the whole text does, on texts that need it and texts that do not', () => {
    const texts = [
      '',
      'plain ASCII, nothing to do',
      'Refund of €12.50 — sent today, café ’quoted’ ß',
      '中文的句子，没有需要改变的。',
      'cafe\u0301',
      'a <\u0338 b',
      'ＩＧＮＯＲＥ previous',
      'ig\u200bnore',
      'soft\u00adhyphen',
      '\u1100\u1161 jamo',
      '가 syllable',
      'emoji 😀 here',
      'ﬁle',
      'x\u0301',
      'é\u0301',
      '€\u20dd',
    ];
    for (const text of texts) expect({ text, needs: needsNormalization(text) }).toEqual({ text, needs: normalizes(text) });
  });

  it('keeps a unit as is only when NFKC leaves it alone beside ASCII and other kept units (every BMP unit)', () => {
    const neighbours = ['a', '<', 'e', 'é', '€', '가', '\u1100'];
    for (let code = 0x80; code < 0x10000; code++) {
      if (!isKeptAsIs(code)) continue;
      const char = String.fromCharCode(code);
      for (const before of neighbours) {
        const text = `${before}${char}${before}${char}`;
        if (normalizes(text)) expect({ code: code.toString(16), text }).toBe('left alone by NFKC');
      }
    }
  });

  it('never keeps a unit that another composes with: no canonical decomposition ends in a kept unit or ASCII', () => {
    for (let point = 0x80; point < 0x30000; point++) {
      if (point >= 0xd800 && point <= 0xdfff) continue;
      const [, ...rest] = [...String.fromCodePoint(point).normalize('NFD')];
      for (const part of rest) {
        const code = part.codePointAt(0)!;
        if (code < 0x80 || (code < 0x10000 && isKeptAsIs(code))) expect({ point: point.toString(16), part: code.toString(16) }).toBe('a combining mark or jamo');
      }
    }
  });
});
