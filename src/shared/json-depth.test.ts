import { describe, expect, it } from 'vitest';
import { boundedJsonObjectSchema, findTooDeepPath } from './json-depth.ts';

describe('findTooDeepPath', () => {
  it('accepts values within the depth and points at the first member beyond it, through arrays too', () => {
    expect(findTooDeepPath({ a: { b: 1 } }, 2)).toBeNull();
    expect(findTooDeepPath({ a: { b: { c: 1 } } }, 2)).toEqual(['a', 'b']);
    expect(findTooDeepPath({ list: [{ ok: 1 }, [[1]]] }, 3)).toEqual(['list', 1, 0]);
    expect(findTooDeepPath('text', 1)).toBeNull();
  });

  it('measures a 100,000-level value without overflowing the stack', () => {
    let value: unknown = 1;
    for (let level = 0; level < 100_000; level++) value = [value];
    expect(findTooDeepPath(value)).toHaveLength(32);
  });

  it('reports the too-deep path as a zod issue under the field', () => {
    const result = boundedJsonObjectSchema.safeParse({ a: JSON.parse('{"b":'.repeat(40) + '1' + '}'.repeat(40)) });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['a', ...Array(31).fill('b')]);
  });
});
