// The lead board's search: which stations and loops a query matches, pure, over the
// board. A station matches by its name (its whole lane shows); a loop matches by its
// part number or part name (its cards show wherever they are, and its inbound entry at
// the station that uses it). The lanes and columns filter themselves with these sets,
// so a remote move re-renders no more than it does without a search.
import type { BoardState } from '../../../../shared/board.ts';
import { columnCount, loopCards } from '../../../../shared/board.ts';
import { COLUMNS } from '../../../../shared/names.ts';
import { tr } from '../../i18n/store.ts';

/** What a query matches: ids of stations (by name) and loops (by part number or name). */
export interface BoardMatch {
  readonly stations: ReadonlySet<string>;
  readonly loops: ReadonlySet<string>;
}

/** The query as compared: trimmed, spaces collapsed, lower case; '' means no search. */
export function normalQuery(query: string): string {
  return query.trim().replace(/\s+/g, ' ').toLocaleLowerCase();
}

function has(text: string, q: string): boolean {
  return text.replace(/\s+/g, ' ').toLocaleLowerCase().includes(q);
}

/** Ids of the stations whose name contains the query, sorted (for `useShallow`). */
export function matchingStationIds(board: BoardState, q: string): string[] {
  if (q === '') return [];
  return Object.values(board.stations)
    .filter((s) => has(s.name, q))
    .map((s) => s.id)
    .sort();
}

/** Ids of the loops whose part number or part name contains the query, sorted. */
export function matchingLoopIds(board: BoardState, q: string): string[] {
  if (q === '') return [];
  return Object.values(board.loops)
    .filter((l) => has(l.partNumber, q) || has(l.partName, q))
    .map((l) => l.id)
    .sort();
}

/**
 * Stations with something to show for a match, in the order of `ids`: a matching name,
 * a card of a matching loop, or a matching loop it uses (its inbound material).
 */
export function visibleStationIds(board: BoardState, ids: readonly string[], match: BoardMatch): string[] {
  const shown = new Set(match.stations);
  for (const loopId of match.loops) {
    const loop = board.loops[loopId];
    if (loop) shown.add(loop.consumerStationId);
    for (const c of loopCards(board, loopId)) shown.add(c.stationId);
  }
  return ids.filter((id) => shown.has(id));
}

/** How many cards a match shows: every card of a matching station, and every card of a matching loop. */
export function matchingCardCount(board: BoardState, match: BoardMatch): number {
  let n = 0;
  for (const stationId of match.stations) {
    for (const column of COLUMNS) n += columnCount(board, stationId, column);
  }
  for (const loopId of match.loops) {
    for (const c of loopCards(board, loopId)) if (!match.stations.has(c.stationId)) n++;
  }
  return n;
}

/**
 * The cards a lane shows: null for all of them (no search, or the station's name
 * matches), else the set of loops whose cards it shows.
 */
export function laneLoops(match: BoardMatch | null, stationId: string): ReadonlySet<string> | null {
  if (match === null || match.stations.has(stationId)) return null;
  return match.loops;
}

/** "12 cards match in 3 stations" (or that nothing does). */
export function matchSummary(query: string, cards: number, stations: number): string {
  if (stations === 0) return tr()('search.nothing', { query: query.trim() });
  return tr()('search.summary', { cards, stations });
}
