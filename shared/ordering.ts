// Ordering keys inside a column. Fractional index strings (the `fractional-indexing`
// package, as used by Figma-style editors) can always fit a key between two others,
// so priority changes never renumber a column and never run out of precision the way
// float positions do. Keys compare with plain `<`, never localeCompare.
import { generateKeyBetween, generateNKeysBetween } from 'fractional-indexing';

/** A key strictly between `before` and `after` (either may be null for an open end). */
export function rankBetween(before: string | null, after: string | null): string {
  return generateKeyBetween(before, after);
}

/** `n` short keys in increasing order, evenly spread (a column re-spaced). */
export function spacedRanks(n: number): string[] {
  return generateNKeysBetween(null, null, n);
}

/** Sort comparator for ordering keys (code-unit order, as the keys are designed for). */
export function compareRank(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
