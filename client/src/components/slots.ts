// Geometry of drop slots, shared by the collision detection (mouse, touch) and the
// keyboard coordinate getter, so every input ends in the same place. Pure functions
// over rectangles: a card lands before the first other card whose centre lies below
// the point, within the column the point is in.
import { COLUMNS } from '../../../shared/names.ts';
import type { Column } from '../../../shared/names.ts';
import type { DropSlot } from '../store/store.ts';

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface ColumnTarget {
  stationId: string;
  column: Column;
  rect: Rect;
}
export interface CardTarget {
  cardId: string;
  stationId: string;
  column: Column;
  rect: Rect;
}

export interface Point {
  x: number;
  y: number;
}

const inside = (p: Point, r: Rect) =>
  p.x >= r.left && p.x <= r.left + r.width && p.y >= r.top && p.y <= r.top + r.height;
const centreY = (r: Rect) => r.top + r.height / 2;

/** Cards of one column other than the dragged one, top to bottom. */
function othersIn(cards: readonly CardTarget[], stationId: string, column: Column, activeId: string): CardTarget[] {
  return cards
    .filter((c) => c.stationId === stationId && c.column === column && c.cardId !== activeId)
    .sort((a, b) => a.rect.top - b.rect.top);
}

/** The slot under a point, among the columns of the dragged card's station. */
export function slotAt(
  point: Point,
  activeId: string,
  stationId: string,
  columns: readonly ColumnTarget[],
  cards: readonly CardTarget[],
): DropSlot | null {
  const col = columns.find((c) => c.stationId === stationId && inside(point, c.rect));
  if (!col) return null;
  const others = othersIn(cards, stationId, col.column, activeId);
  const index = others.filter((c) => centreY(c.rect) < point.y).length;
  return {
    stationId,
    column: col.column,
    index,
    others: others.length,
    beforeCardId: others[index]?.cardId ?? null,
  };
}

/** A point that `slotAt` maps to slot `index` of a column (for the keyboard). */
export function pointFor(
  index: number,
  target: ColumnTarget,
  cards: readonly CardTarget[],
  activeId: string,
): Point {
  const others = othersIn(cards, target.stationId, target.column, activeId);
  const x = target.rect.left + target.rect.width / 2;
  const i = Math.max(0, Math.min(index, others.length));
  const bottom = target.rect.top + target.rect.height - 1;
  if (others.length === 0) return { x, y: Math.min(bottom, target.rect.top + target.rect.height / 2) };
  if (i === 0) return { x, y: Math.max(target.rect.top + 1, others[0]!.rect.top + 1) };
  const prev = others[i - 1]!;
  const next = others[i];
  if (!next) return { x, y: Math.min(bottom, prev.rect.top + prev.rect.height - 1) };
  return { x, y: (prev.rect.top + prev.rect.height + next.rect.top) / 2 };
}

export type KeyMove = 'left' | 'right' | 'up' | 'down';

/**
 * The slot a key press moves to: left/right change column (same station, keeping the
 * position when it exists), up/down change position. Null when there is nowhere to go.
 */
export function nextSlot(current: DropSlot, move: KeyMove): { column: Column; index: number } | null {
  const ci = COLUMNS.indexOf(current.column);
  switch (move) {
    case 'left':
    case 'right': {
      const column = COLUMNS[ci + (move === 'left' ? -1 : 1)];
      return column ? { column, index: current.index } : null;
    }
    case 'up':
      return current.index > 0 ? { column: current.column, index: current.index - 1 } : null;
    case 'down':
      return current.index < current.others ? { column: current.column, index: current.index + 1 } : null;
  }
}
