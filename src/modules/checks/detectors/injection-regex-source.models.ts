// Reading regex sources written as strings, for the rule builders that assemble per-language
// patterns from word lists (injection-multilingual.models.ts, injection-persona-multilingual.models.ts).

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
