import { z } from 'zod';

// App-supplied JSON (event and release metadata) is stored and later serialised with
// JSON.stringify, which recurses: metadata nested 10,000 levels deep overflowed the stack
// and answered 500. The depth is bounded on the way in, and the walk itself is iterative
// so that measuring a hostile value cannot overflow either.

export const MAX_JSON_DEPTH = 32;

/**
 * The path to the first value nested deeper than `maxDepth` (the value itself is depth 1,
 * its members depth 2…), or null when the whole value is within the limit.
 */
export function findTooDeepPath(value: unknown, maxDepth = MAX_JSON_DEPTH): (string | number)[] | null {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (path.length >= maxDepth) return path;
    const entries: [string | number, unknown][] = Array.isArray(current)
      ? current.map((member, index) => [index, member])
      : Object.entries(current);
    for (const [key, member] of entries) stack.push({ value: member, path: [...path, key] });
  }
  return null;
}

/** A JSON object from the app (metadata), at most MAX_JSON_DEPTH levels deep; a deeper one is refused with its path. */
export const boundedJsonObjectSchema = z
  .record(z.string(), z.unknown(), { error: 'must be an object' })
  .superRefine((value, context) => {
    const path = findTooDeepPath(value);
    if (path) context.addIssue({ code: 'custom', path, message: `is nested too deeply (at most ${MAX_JSON_DEPTH} levels)` });
  });
