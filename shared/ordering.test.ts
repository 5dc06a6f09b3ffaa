import { describe, expect, it } from 'vitest';
import { compareRank, rankBetween } from './ordering.ts';

/** Whether every key sorts strictly before the next one. */
const strictlyOrdered = (keys: readonly string[]) => keys.every((k, i) => i === 0 || compareRank(keys[i - 1]!, k) < 0);

describe('rankBetween', () => {
  const first = rankBetween(null, null);
  const second = rankBetween(first, null);

  it.each<[string, string | null, string | null]>([
    ['after a key, at the end', first, null],
    ['before a key, at the top', null, first],
    ['between two neighbours', first, second],
    ['in an empty column', null, null],
  ])('gives a key that sorts %s', (_, before, after) => {
    const k = rankBetween(before, after);
    expect(typeof k).toBe('string');
    if (before !== null) expect(compareRank(before, k)).toBe(-1);
    if (after !== null) expect(compareRank(k, after)).toBe(-1);
  });

  it('still gives a key between neighbours passed in the wrong order', () => {
    const k = rankBetween(second, first);
    expect([first, k, second].sort(compareRank)).toEqual([first, k, second]);
    expect(new Set([first, k, second]).size).toBe(3);
  });

  it('throws for two equal neighbours: there is no key strictly between them', () => {
    expect(() => rankBetween(first, first)).toThrow();
  });

  it.each<[string, (keys: string[]) => [string | null, string | null, number]]>([
    // Each case says where the next key goes: [before, after, index it takes in `keys`].
    ['at the front of the column', (keys) => [null, keys[0]!, 0]],
    ['at the end of the column', (keys) => [keys.at(-1)!, null, keys.length]],
    ['always right after the same card', (keys) => [keys[0]!, keys[1] ?? null, 1]],
    ['always right before the same card', (keys) => [keys.at(-2) ?? null, keys.at(-1)!, keys.length - 1]],
  ])('keeps 2000 repeated inserts %s strictly ordered and distinct', (_, where) => {
    const keys = [rankBetween(null, null)];
    for (let i = 0; i < 2000; i++) {
      const [before, after, at] = where(keys);
      keys.splice(at, 0, rankBetween(before, after));
    }
    expect(keys).toHaveLength(2001);
    expect(new Set(keys).size).toBe(2001);
    expect(strictlyOrdered(keys)).toBe(true);
    expect([...keys].sort(compareRank)).toEqual(keys);
  });

  it('keeps 2000 inserts between the same two neighbours ordered as the gap narrows', () => {
    // Each new key goes between the two previous ones: the case where float positions
    // run out of precision after about 50 halvings.
    const low = rankBetween(null, null);
    const high = rankBetween(low, null);
    let [lo, hi] = [low, high];
    const keys = [lo, hi];
    for (let i = 0; i < 2000; i++) {
      const mid = rankBetween(lo, hi);
      keys.push(mid);
      if (i % 2 === 0) lo = mid;
      else hi = mid;
    }
    expect(new Set(keys).size).toBe(2002);
    const sorted = [...keys].sort(compareRank);
    expect(sorted[0]).toBe(low);
    expect(sorted.at(-1)).toBe(high);
    expect(strictlyOrdered(sorted)).toBe(true);
  });
});

describe('compareRank', () => {
  it.each<[string, string, number]>([
    ['a0', 'a1', -1],
    ['a1', 'a0', 1],
    ['a0', 'a0', 0],
    ['a0', 'a0V', -1],
    ['Zz', 'a0', -1], // code-unit order: upper case before lower case
    ['a0Z', 'a0a', -1], // where localeCompare would say the opposite
  ])('compares %s with %s as %i', (a, b, sign) => {
    expect(compareRank(a, b)).toBe(sign);
  });

  it('sorts keys the way they were generated', () => {
    const keys: string[] = [];
    let prev: string | null = null;
    for (let i = 0; i < 100; i++) keys.push((prev = rankBetween(prev, null)));
    const shuffled = [...keys].reverse();
    expect(shuffled.sort(compareRank)).toEqual(keys);
  });
});
