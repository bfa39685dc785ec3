import { describe, expect, it } from 'vitest';
import { createAlternationFinder, createAutomatonFinder, createNeedleFinder } from './injection-needles.models.ts';

const sorted = (found: Set<string>): string[] => [...found].sort();
const FINDERS = { alternation: createAlternationFinder, automaton: createAutomatonFinder };

describe.each(Object.entries(FINDERS))('the %s needle finder', (_name, create) => {
  it('finds every needle a text contains, nested, overlapping and suffixes of others included', () => {
    const find = create(['he', 'she', 'his', 'hers', 'ignore previous', 'previous', 'ore']);
    expect(sorted(find('ushers'))).toEqual(['he', 'hers', 'she']);
    expect(sorted(find('please ignore previous notes'))).toEqual(['ignore previous', 'ore', 'previous']);
    expect(sorted(find('ignore prev'))).toEqual(['ore']);
  });

  it('finds nothing in a text without needles', () => {
    expect(sorted(create(['abc', 'bcd'])('ab bc cd abdc'))).toEqual([]);
    expect(sorted(create(['x'])(''))).toEqual([]);
  });

  it('restarts after a unit no needle holds, and reads units outside ASCII', () => {
    const find = create(['olvida', 'ignora las', '忽略', 'a€b', '[inst]']);
    expect(sorted(find('olv€ida ignora las instrucciones, 忽略之前 a€b [inst]'))).toEqual(['[inst]', 'a€b', 'ignora las', '忽略']);
    expect(sorted(find('olvid—a ignora\u00a0las [inst'))).toEqual([]);
  });

  it('matches case as given: the caller folds the text and the needles', () => {
    const find = create(['DAN', 'dan]']);
    expect(sorted(find('dan] and DAN'))).toEqual(['DAN', 'dan]']);
    expect(sorted(find('Dan'))).toEqual([]);
  });
});

describe('createNeedleFinder', () => {
  it('drops duplicate and empty needles, and finds the same needles with few or many of them', () => {
    expect(sorted(createNeedleFinder(['', ''])('anything'))).toEqual([]);
    expect(sorted(createNeedleFinder(['DAN', 'DAN', ''])('DAN'))).toEqual(['DAN']);
    const many = Array.from({ length: 40 }, (_, i) => `w${i}x`);
    const text = 'w1x w12x w39xw3x w40x';
    expect(sorted(createNeedleFinder(many)(text))).toEqual(sorted(createAlternationFinder(many)(text)));
    expect(sorted(createNeedleFinder(many)(text))).toEqual(['w12x', 'w1x', 'w39x', 'w3x']);
  });
});
