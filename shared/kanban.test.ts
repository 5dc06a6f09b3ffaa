import { describe, expect, it } from 'vitest';
import { ifsCardCount, sapCardCount, toyotaCardCount } from './kanban.ts';

describe('toyotaCardCount: N = ceil(D x L x (1 + alpha) / C)', () => {
  it.each<[string, number, number, number, number, number]>([
    // what, D, L, alpha, C, N
    ['no safety margin', 100, 2, 0, 10, 20],
    ['10 % safety, without rounding float noise up', 100, 2, 0.1, 10, 22],
    ['a fraction of a container, rounded up', 7, 3, 0.1, 5, 5],
    ['15 % safety', 100, 2, 0.15, 10, 23],
    ['no demand, still one card', 0, 2, 0.1, 10, 1],
    ['a container bigger than the lead-time demand', 1, 1, 0, 1000, 1],
  ])('sizes %s (D=%d, L=%d, alpha=%d, C=%d) at %i cards', (_, d, l, alpha, c, n) => {
    expect(toyotaCardCount(d, l, alpha, c)).toBe(n);
  });
});

describe('sapCardCount: N = ceil((L x D / C) x SF + K)', () => {
  it.each<[string, number, number, number, number, number, number]>([
    // what, D, L, C, SF, K, N
    ['a safety factor of 1 and no constant', 100, 2, 10, 1, 0, 20],
    ['a safety factor of 1.2 and one extra card', 100, 2, 10, 1.2, 1, 25],
    ['a fraction of a container, rounded up', 30, 0.5, 4, 1.5, 0, 6],
    ['float noise that must not round up', 0.1, 3, 1, 10, 0, 3],
    ['no demand, still one card', 0, 2, 10, 1.2, 0, 1],
  ])('sizes %s (D=%d, L=%d, C=%d, SF=%d, K=%d) at %i cards', (_, d, l, c, sf, k, n) => {
    expect(sapCardCount(d, l, c, sf, k)).toBe(n);
  });
});

describe('ifsCardCount: N = ceil((D x L + SS + lot) / C)', () => {
  it.each<[string, number, number, number, number, number, number]>([
    // what, D, L, SS, lot, C, N
    ['the pull-model example: 100/day, 2 days, SS 20, lot 50, C 10', 100, 2, 20, 50, 10, 27],
    ['no safety stock and no lot', 100, 2, 0, 0, 10, 20],
    ['a fraction of a container, rounded up', 100, 2, 20, 50, 25, 11],
    ['float noise that must not round up', 2.2, 25, 0, 0, 5, 11],
    ['no demand, still one card', 0, 2, 0, 0, 10, 1],
  ])('sizes %s (D=%d, L=%d, SS=%d, lot=%d, C=%d) at %i cards', (_, d, l, ss, lot, c, n) => {
    expect(ifsCardCount(d, l, ss, lot, c)).toBe(n);
  });
});
