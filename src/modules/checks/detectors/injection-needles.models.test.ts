import { describe, expect, it } from 'vitest';
import { createNeedleFinder } from './injection-needles.models.ts';

const sorted = (found: Set<string>): string[] => [...found].sort();

describe('createNeedleFinder', () => {
  it('finds every needle a text contains, nested, overlapping and suffixes of others included', () => {
    const find = createNeedleFinder(['he', 'she', 'his', 'hers', 'ignore previous', 'previous', 'ore']);
    expect(sorted(find('ushers'))).toEqual(['he', 'hers', 'she']);
    expect(sorted(find('please ignore previous notes'))).toEqual(['ignore previous', 'ore', 'previous']);
    expect(sorted(find('ignore prev'))).toEqual(['ore']);
  });

  it('finds nothing in a text without needles, or when there are no needles', () => {
    expect(sorted(createNeedleFinder(['abc', 'bcd'])('ab bc cd abdc'))).toEqual([]);
    expect(sorted(createNeedleFinder(['', ''])('anything'))).toEqual([]);
    expect(sorted(createNeedleFinder(['x'])(''))).toEqual([]);
  });

  it('restarts after a unit no needle holds, and reads units outside ASCII', () => {
    const find = createNeedleFinder(['olvida', 'ignora las', '忽略', 'a€b']);
    expect(sorted(find('olv€ida ignora las instrucciones, 忽略之前 a€b'))).toEqual(['a€b', 'ignora las', '忽略']);
    expect(sorted(find('olvid—a ignora\u00a0las'))).toEqual([]);
  });

  it('matches case and duplicates as given: the caller folds the text and the needles', () => {
    const find = createNeedleFinder(['DAN', 'DAN', 'dan]']);
    expect(sorted(find('dan] and DAN'))).toEqual(['DAN', 'dan]']);
    expect(sorted(find('Dan'))).toEqual([]);
  });
});
