// Narrow, derived reads of the board. Each returns either a stable object from the
// board (a card, a loop: the same reference until an event touches it) or a small
// array of ids/primitives meant for `useShallow`, so a remote move re-renders only
// the columns whose membership changed and the cards that changed.
import { Column } from '../../../shared/names.ts';
import type { BoardState } from '../../../shared/board.ts';
import type { Card, Loop } from '../../../shared/schemas.ts';
import {
  columnCards,
  columnCount,
  columnLimit as sharedColumnLimit,
  fullContainers,
  inboundLoops,
  isOverdue,
  starvedInputs,
} from '../../../shared/board.ts';

/** Station ids in value-stream order (upstream first). */
export function stationIds(board: BoardState): string[] {
  return Object.values(board.stations)
    .sort((a, b) => a.position - b.position || (a.id < b.id ? -1 : 1))
    .map((s) => s.id);
}

/** Card ids of one station column in priority order. */
export function columnCardIds(board: BoardState, stationId: string, column: Column): string[] {
  return columnCards(board, stationId, column).map((c) => c.id);
}

export function columnSize(board: BoardState, stationId: string, column: Column): number {
  return columnCount(board, stationId, column);
}

/** The WIP limit of a column and whether it is soft (the rule lives in shared/). */
export const columnLimit = sharedColumnLimit;

export type LimitState = 'none' | 'ok' | 'at' | 'over';

/** How full a column is against its limit. */
export function limitState(count: number, limit: number | null): LimitState {
  if (limit === null) return 'none';
  if (count > limit) return 'over';
  if (count === limit) return 'at';
  return 'ok';
}

/** Loops whose full containers the station uses, by part number. */
export function inboundLoopIds(board: BoardState, stationId: string): string[] {
  return inboundLoops(board, stationId)
    .sort(byPart)
    .map((l) => l.id);
}

/** Loops the station supplies, by part number. */
export function outboundLoopIds(board: BoardState, stationId: string): string[] {
  return Object.values(board.loops)
    .filter((l) => l.supplierStationId === stationId)
    .sort(byPart)
    .map((l) => l.id);
}

export function fullCount(board: BoardState, loopId: string): number {
  return fullContainers(board, loopId).length;
}

/** The container `loop.consume` takes next (FIFO), if any. */
export function oldestFullId(board: BoardState, loopId: string): string | null {
  return fullContainers(board, loopId)[0]?.id ?? null;
}

/** Ids of the station's empty input loops while it has work requested. */
export function starvedInputIds(board: BoardState, stationId: string): string[] {
  return starvedInputs(board, stationId).map((l) => l.id).sort();
}

/** Minutes a card has waited in its current cycle (since the replenishment signal). */
export function ageMinutes(card: Card, nowMs: number): number | null {
  if (card.column === Column.DONE || card.requestedAt === null) return null;
  return Math.max(0, Math.floor((nowMs - Date.parse(card.requestedAt)) / 60_000));
}

/** Whether a card is overdue: waiting longer than its loop's lead time. */
export function overdue(card: Card, loop: Loop | undefined, nowMs: number): boolean {
  return isOverdue(card, loop, nowMs); // the rule lives in shared/
}

/** Number of overdue cards at a station. */
export function overdueCount(board: BoardState, stationId: string, nowMs: number): number {
  // Only signals and jobs can be overdue: two columns from the board's index.
  let n = 0;
  for (const column of [Column.REQUESTED, Column.IN_PROGRESS]) {
    for (const c of columnCards(board, stationId, column)) if (overdue(c, board.loops[c.loopId], nowMs)) n++;
  }
  return n;
}

/** 1-based position of a card in its column, and the column's size. */
export function cardPosition(board: BoardState, cardId: string): { index: number; size: number } | null {
  const c = board.cards[cardId];
  if (!c) return null;
  const ids = columnCardIds(board, c.stationId, c.column);
  return { index: ids.indexOf(cardId) + 1, size: ids.length };
}

function byPart(a: Loop, b: Loop): number {
  return a.partNumber < b.partNumber ? -1 : a.partNumber > b.partNumber ? 1 : 0;
}
