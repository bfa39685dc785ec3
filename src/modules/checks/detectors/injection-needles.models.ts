// Which of the rules' needles occur in a text, found in one pass. Many needles (the ~370 of the
// case-folded rules): an Aho–Corasick automaton compiled to a table of transitions, so each unit
// of the text costs one lookup whatever the number of needles; V8's regex alternation of them
// cost three to four times more, trying the alternatives again at every offset where one of
// their first letters appears. A few needles (the dozen case-sensitive ones, `DAN`, `[INST]`…):
// the alternation, which V8 runs by skipping ahead to their rare first units, about seven times
// cheaper than reading every unit through the table.

/** Up to this many needles, the regex alternation. */
const MAX_ALTERNATION_NEEDLES = 16;

/** Unit classes: each unit some needle holds has its own; every other unit is class 0, which no needle goes on with. */
interface Classes {
  ascii: Uint16Array;
  other: Map<number, number>;
  width: number;
}

function assignClasses(needles: readonly string[]): Classes {
  const ascii = new Uint16Array(128);
  const other = new Map<number, number>();
  let width = 1;
  for (const needle of needles) {
    for (let i = 0; i < needle.length; i++) {
      const code = needle.charCodeAt(i);
      if (code < 128 && ascii[code] === 0) ascii[code] = width++;
      else if (code >= 128 && !other.has(code)) other.set(code, width++);
    }
  }
  return { ascii, other, width };
}

function classOf(classes: Classes, code: number): number {
  return code < 128 ? classes.ascii[code]! : (classes.other.get(code) ?? 0);
}

/** The trie of the needles, `width` slots per state (-1 where no needle goes on), and the needles ending at each state. */
function buildTrie(needles: readonly string[], classes: Classes): { slots: number[]; endings: number[][] } {
  const { width } = classes;
  const slots: number[] = new Array<number>(width).fill(-1);
  const endings: number[][] = [[]];
  needles.forEach((needle, index) => {
    let state = 0;
    for (let i = 0; i < needle.length; i++) {
      const slot = state * width + classOf(classes, needle.charCodeAt(i));
      if (slots[slot] === -1) {
        slots[slot] = endings.length;
        endings.push([]);
        for (let k = 0; k < width; k++) slots.push(-1);
      }
      state = slots[slot]!;
    }
    endings[state]!.push(index);
  });
  return { slots, endings };
}

/**
 * Breadth first, a state's missing transitions are those of its longest proper suffix that is
 * also a state, and the needles ending there end at it too: the scan never steps back.
 */
function completeTransitions(slots: readonly number[], endings: number[][], width: number): Int32Array {
  const next = new Int32Array(endings.length * width);
  const suffix = new Int32Array(endings.length);
  const queue: number[] = [];
  for (let c = 0; c < width; c++) {
    next[c] = Math.max(0, slots[c]!);
    if (slots[c]! > 0) queue.push(slots[c]!);
  }
  for (let head = 0; head < queue.length; head++) {
    const state = queue[head]!;
    endings[state] = [...new Set([...endings[state]!, ...endings[suffix[state]!]!])];
    for (let c = 0; c < width; c++) {
      const child = slots[state * width + c]!;
      const fallback = next[suffix[state]! * width + c]!;
      next[state * width + c] = child === -1 ? fallback : child;
      if (child === -1) continue;
      suffix[child] = fallback;
      queue.push(child);
    }
  }
  return next;
}

/**
 * Reports, by its index in the needle list it was built from, each needle a text contains
 * (overlapping and nested ones included), possibly more than once: the caller's marks are
 * idempotent. Indexes, not a set of strings: the rule scan marks its rules straight from them.
 */
export type NeedleScan = (text: string, found: (index: number) => void) => void;

/** A scan for `unique` (distinct, non-empty needles): the alternation for few, the automaton for many. */
export function createNeedleScan(unique: readonly string[]): NeedleScan {
  if (unique.length === 0) return () => undefined;
  return unique.length <= MAX_ALTERNATION_NEEDLES ? createAlternationScan(unique) : createAutomatonScan(unique);
}

/** A function giving the needles (of `needles`) that `text` contains, overlapping and nested ones included. */
export function createNeedleFinder(needles: readonly string[]): (text: string) => Set<string> {
  return asFinder(createNeedleScan, needles);
}

export const createAlternationFinder = (needles: readonly string[]): ((text: string) => Set<string>) => asFinder(createAlternationScan, needles);
export const createAutomatonFinder = (needles: readonly string[]): ((text: string) => Set<string>) => asFinder(createAutomatonScan, needles);

function asFinder(create: (unique: readonly string[]) => NeedleScan, needles: readonly string[]): (text: string) => Set<string> {
  const unique = [...new Set(needles)].filter((needle) => needle !== '');
  const scan = create(unique);
  return (text) => {
    const present = new Set<string>();
    scan(text, (index) => present.add(unique[index]!));
    return present;
  };
}

/**
 * The alternation, longest needle first, reports at a position the longest needle starting
 * there (the needles it contains are present too), and the next search starts one unit later,
 * so overlapping needles are all seen.
 */
function createAlternationScan(unique: readonly string[]): NeedleScan {
  const byLength = [...unique].sort((a, b) => b.length - a.length);
  const contained = new Map(byLength.map((needle) => [needle, unique.flatMap((other, index) => (needle.includes(other) ? [index] : []))]));
  const finder = new RegExp(byLength.map((needle) => needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  return (text, found) => {
    finder.lastIndex = 0;
    for (let m = finder.exec(text); m !== null; m = finder.exec(text)) {
      for (const index of contained.get(m[0]) ?? []) found(index);
      finder.lastIndex = m.index + 1;
    }
  };
}

function createAutomatonScan(unique: readonly string[]): NeedleScan {
  const classes = assignClasses(unique);
  const { width } = classes;
  const { slots, endings } = buildTrie(unique, classes);
  const next = completeTransitions(slots, endings, width);

  // Renumbered so that the states where needles end come last (one comparison tells them), and
  // stored as row offsets (state × width): the scan adds a class, with no multiplication.
  const states = endings.length;
  const order = [...endings.keys()].sort((a, b) => Number(endings[a]!.length > 0) - Number(endings[b]!.length > 0) || a - b);
  const renamed = new Int32Array(states);
  order.forEach((state, index) => (renamed[state] = index));
  const rows = states * width <= 0xffff ? new Uint16Array(states * width) : new Uint32Array(states * width);
  order.forEach((state, index) => {
    for (let c = 0; c < width; c++) rows[index * width + c] = renamed[next[state * width + c]!]! * width;
  });
  const firstEndingRow = order.findIndex((state) => endings[state]!.length > 0) * width;
  const endingNeedles = order.map((state) => endings[state]!);
  const { ascii, other } = classes;

  return (text, found) => {
    let row = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      row = rows[row + (code < 128 ? ascii[code]! : (other.get(code) ?? 0))]!;
      if (row < firstEndingRow) continue;
      for (const index of endingNeedles[row / width]!) found(index);
    }
  };
}
