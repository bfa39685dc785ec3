// Reading and assembling regex sources written as strings, for the rule builders that build
// per-language patterns from word lists (injection-multilingual.models.ts,
// injection-persona-multilingual.models.ts), and the needle lists of rules.

/**
 * Where a line or sentence that addresses someone starts: the text's start, a sentence end, an
 * opening bracket or quote, a comment or list marker (consumed: see spanStartsAtWord). The
 * backtick is written \x60, which 'u' patterns also accept.
 */
export const ADDRESS_START = String.raw`(?:^|[\n.!?]\s{0,3}|[\[(<{"'\x60]\s{0,2}|(?:#+|\/\/+|--|\*+|>|;|•|-)\s{0,3})`;

/** Every first followed by every second: the needles of a rule whose phrase joins two word lists. */
export function crossNeedles(firsts: readonly string[], seconds: readonly string[]): string[] {
  return firsts.flatMap((first) => seconds.map((second) => first + second));
}

/** The alternatives of a regex source at depth 0 (`a|b(c|d)|e` → `a`, `b(c|d)`, `e`). */
export function splitAlternatives(source: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < source.length; i++) {
    const char = source[i];
    if (char === '\\') i++;
    else if (char === '(' || char === '[') depth++;
    else if (char === ')' || char === ']') depth--;
    else if (char === '|' && depth === 0) {
      parts.push(source.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(source.slice(start));
  return parts;
}

/** Index of the `)` that closes the group opened at `open`. */
export function closingParen(source: string, open: number): number {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    const char = source[i];
    if (char === '\\') i++;
    else if (char === '(' || char === '[') depth++;
    else if ((char === ')' || char === ']') && --depth === 0) return i;
  }
  return source.length;
}

/** A letter, mark or digit of any script: what a word boundary outside ASCII looks for. */
export const LETTER = String.raw`[\p{L}\p{M}\p{N}]`;

/** At most this many characters of one clause between the parts of a phrase. */
export const CLAUSE_GAP = String.raw`[^.!?;\n。！？；]{0,30}?`;

/**
 * `verb` unless a negation is written before it ("n'oubliez pas", "不要忘记") or after it
 * ("vergiss nicht"): advice to keep the rules, not an attack.
 */
export function unlessNegated(verb: string, negation?: string, negationAfter?: string): string {
  const before = negation === undefined ? '' : `(?<!(?:${negation}))`;
  const after = negationAfter === undefined ? '' : String.raw`(?!\s+(?:${negationAfter})(?!${LETTER}))`;
  return `${before}${verb}${after}`;
}

/** The verb then its object, and in a verb-last language (Japanese, Turkish, Hindi…) the object then the verb too. */
export function verbPhrase(verb: string, object: string, gap: string, verbLast?: boolean): string {
  const verbFirst = `${verb}${gap}${object}`;
  return verbLast ? `${verbFirst}|${object}${gap}${verb}` : verbFirst;
}
