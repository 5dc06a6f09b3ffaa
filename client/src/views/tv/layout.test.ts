import { describe, expect, it } from 'vitest';
import { MIN_ROW_U, ROW_GAP_U, pagingFor, unitPx } from './layout.ts';

describe('unitPx', () => {
  it.each([
    [1280, 720, 7.2],
    [1920, 1080, 10.8],
    [3840, 2160, 21.6],
    // Narrower than 16:9: the width decides, so the rows still fit across.
    [1024, 768, 5.76],
  ])('at %ix%i 1u is %f px', (w, h, u) => {
    expect(unitPx(w, h)).toBeCloseTo(u, 6);
  });
});

describe('pagingFor', () => {
  // Rows of MIN_ROW_U with ROW_GAP_U between them, in a box of `rowsHigh` such rows.
  const box = (rowsHigh: number, unit = 10) => rowsHigh * (MIN_ROW_U + ROW_GAP_U) * unit - ROW_GAP_U * unit;

  it.each([
    { case: 'the demo (6 stations) fits on one page', n: 6, rows: 8, perPage: 6, pages: 1 },
    { case: 'exactly as many stations as rows fit', n: 8, rows: 8, perPage: 8, pages: 1 },
    { case: 'one station too many takes two even pages', n: 9, rows: 8, perPage: 5, pages: 2 },
    { case: '20 stations, 8 rows fit: 7, 7 and 6', n: 20, rows: 8, perPage: 7, pages: 3 },
    { case: '20 stations, 5 rows fit (a full andon banner at 720p)', n: 20, rows: 5, perPage: 5, pages: 4 },
    { case: 'a box lower than one row still shows one station a page', n: 3, rows: 0.5, perPage: 1, pages: 3 },
    { case: 'no stations', n: 0, rows: 8, perPage: 1, pages: 1 },
  ])('$case', ({ n, rows, perPage, pages }) => {
    expect(pagingFor(n, box(rows), 10)).toEqual({ perPage, pages });
  });

  it('is the same at every screen size of one shape', () => {
    for (const [w, h] of [
      [1280, 720],
      [1920, 1080],
      [3840, 2160],
    ] as const) {
      const u = unitPx(w, h);
      expect(pagingFor(20, 82 * u, u)).toEqual({ perPage: 7, pages: 3 });
    }
  });
});
