import { describe, expect, it } from 'vitest';
import { Column } from '../../../shared/names.ts';
import { nextSlot, pointFor, slotAt } from './slots.ts';
import type { CardTarget, ColumnTarget } from './slots.ts';

// Station S: three columns side by side, 100 px wide; cards 40 px tall, 10 px apart.
const col = (column: Column, i: number): ColumnTarget => ({
  stationId: 'S',
  column,
  rect: { left: i * 110, top: 0, width: 100, height: 300 },
});
const columns = [col(Column.REQUESTED, 0), col(Column.IN_PROGRESS, 1), col(Column.DONE, 2)];
const card = (cardId: string, column: Column, n: number): CardTarget => ({
  cardId,
  stationId: 'S',
  column,
  rect: { left: columns.find((c) => c.column === column)!.rect.left, top: 30 + n * 50, width: 100, height: 40 },
});
// Requested: a, b, c. In Progress: x. Done: empty.
const cards = [card('a', Column.REQUESTED, 0), card('b', Column.REQUESTED, 1), card('c', Column.REQUESTED, 2), card('x', Column.IN_PROGRESS, 0)];

describe('slotAt: where a dragged card would land', () => {
  it.each([
    { what: 'above the first card', y: 35, index: 0, before: 'b' },
    { what: 'between the second and third card', y: 125, index: 1, before: 'c' },
    { what: 'below the last card', y: 250, index: 2, before: null },
  ])('puts card a $what of Requested at index $index', ({ y, index, before }) => {
    const slot = slotAt({ x: 50, y }, 'a', 'S', columns, cards);
    expect(slot).toMatchObject({ column: Column.REQUESTED, index, beforeCardId: before, others: 2 });
  });

  it('lands in another column before the card under the point', () => {
    expect(slotAt({ x: 160, y: 31 }, 'b', 'S', columns, cards)).toMatchObject({
      column: Column.IN_PROGRESS,
      index: 0,
      beforeCardId: 'x',
      others: 1,
    });
  });

  it('lands at the end of an empty column', () => {
    expect(slotAt({ x: 260, y: 150 }, 'x', 'S', columns, cards)).toMatchObject({ column: Column.DONE, index: 0, beforeCardId: null, others: 0 });
  });

  it('finds no slot outside the columns or in another station', () => {
    expect(slotAt({ x: 105, y: 150 }, 'a', 'S', columns, cards)).toBeNull();
    expect(slotAt({ x: 50, y: 150 }, 'a', 'T', columns, cards)).toBeNull();
  });
});

describe('keyboard: nextSlot and pointFor agree with slotAt', () => {
  it.each([0, 1, 2])('pointFor(%i) maps back to the same index', (i) => {
    const target = columns[0]!;
    const p = pointFor(i, target, cards, 'c');
    expect(slotAt(p, 'c', 'S', columns, cards)?.index).toBe(i);
  });

  it('moves up and down within a column and stops at the ends', () => {
    const here = slotAt({ x: 50, y: 125 }, 'a', 'S', columns, cards)!; // index 1 of 2 others
    expect(nextSlot(here, 'up')).toEqual({ column: Column.REQUESTED, index: 0 });
    expect(nextSlot(here, 'down')).toEqual({ column: Column.REQUESTED, index: 2 });
    expect(nextSlot({ ...here, index: 0 }, 'up')).toBeNull();
    expect(nextSlot({ ...here, index: 2 }, 'down')).toBeNull();
  });

  it('moves left and right between columns, keeping the position, not past the ends', () => {
    const inProgress = slotAt({ x: 160, y: 31 }, 'b', 'S', columns, cards)!;
    expect(nextSlot(inProgress, 'right')).toEqual({ column: Column.DONE, index: 0 });
    expect(nextSlot(inProgress, 'left')).toEqual({ column: Column.REQUESTED, index: 0 });
    const requested = slotAt({ x: 50, y: 35 }, 'a', 'S', columns, cards)!;
    expect(nextSlot(requested, 'left')).toBeNull();
  });

  it('places the point for a move into a longer column at the clamped position', () => {
    const p = pointFor(5, columns[0]!, cards, 'x');
    expect(slotAt(p, 'x', 'S', columns, cards)).toMatchObject({ column: Column.REQUESTED, index: 3, beforeCardId: null });
  });
});
