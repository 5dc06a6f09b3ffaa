// The board state and the single reducer that applies events to it. The server and
// every client apply the same events with this function, so they cannot disagree.
// Updates are immutable and structural: an event replaces only the objects it touches,
// which lets the client re-render just those cards.
import { COLUMNS, Column, EventType } from './names.ts';
import { compareRank } from './ordering.ts';
import type { BoardEvent, BoardSnapshot, Card, Loop, Station } from './schemas.ts';

export interface BoardState {
  /** Sequence number of the last event applied. */
  readonly seq: number;
  readonly stations: Readonly<Record<string, Station>>;
  readonly loops: Readonly<Record<string, Loop>>;
  readonly cards: Readonly<Record<string, Card>>;
}

export const emptyBoard: BoardState = { seq: 0, stations: {}, loops: {}, cards: {} };

/** Builds the state from a snapshot. */
export function boardFromSnapshot(s: BoardSnapshot): BoardState {
  return {
    seq: s.seq,
    stations: Object.fromEntries(s.stations.map((x) => [x.id, x])),
    loops: Object.fromEntries(s.loops.map((x) => [x.id, x])),
    cards: Object.fromEntries(s.cards.map((x) => [x.id, x])),
  };
}

/** The snapshot form of a state: stations by position, cards by station, column, rank. */
export function snapshotOf(state: BoardState): BoardSnapshot {
  const stations = Object.values(state.stations).sort((a, b) => a.position - b.position);
  const order = new Map(stations.map((s, i) => [s.id, i]));
  const cards = Object.values(state.cards).sort(
    (a, b) =>
      (order.get(a.stationId) ?? 0) - (order.get(b.stationId) ?? 0) ||
      COLUMNS.indexOf(a.column) - COLUMNS.indexOf(b.column) ||
      compareRank(a.rank, b.rank),
  );
  return { seq: state.seq, stations, loops: Object.values(state.loops), cards };
}

/** Applies one event. Events must come in seq order; others are a caller bug. */
export function applyEvent(state: BoardState, e: BoardEvent): BoardState {
  if (e.seq !== state.seq + 1) {
    throw new Error(`event seq ${e.seq} does not follow ${state.seq}`);
  }
  const seq = e.seq;
  switch (e.type) {
    case EventType.STATION_CREATED:
    case EventType.STATION_UPDATED:
      return { ...state, seq, stations: { ...state.stations, [e.station.id]: e.station } };
    case EventType.LOOP_CREATED: {
      const cards = { ...state.cards };
      for (const c of e.cards) cards[c.id] = c;
      return { ...state, seq, loops: { ...state.loops, [e.loop.id]: e.loop }, cards };
    }
    case EventType.LOOP_UPDATED: {
      let cards = state.cards;
      if (e.addedCards.length > 0 || e.removedCardIds.length > 0) {
        const next = { ...state.cards };
        for (const id of e.removedCardIds) delete next[id];
        for (const c of e.addedCards) next[c.id] = c;
        cards = next;
      }
      return { ...state, seq, loops: { ...state.loops, [e.loop.id]: e.loop }, cards };
    }
    case EventType.CARD_MOVED:
    case EventType.CARD_CONSUMED:
      return { ...state, seq, cards: { ...state.cards, [e.card.id]: e.card } };
  }
}

/** Applies events in order. */
export function applyEvents(state: BoardState, events: readonly BoardEvent[]): BoardState {
  let s = state;
  for (const e of events) s = applyEvent(s, e);
  return s;
}

// ---------------------------------------------------------------- queries

/** Cards of one station's column, in priority (rank) order. */
export function columnCards(state: BoardState, stationId: string, column: Column): Card[] {
  return Object.values(state.cards)
    .filter((c) => c.stationId === stationId && c.column === column)
    .sort((a, b) => compareRank(a.rank, b.rank));
}

/** Number of cards in one station's column. */
export function columnCount(state: BoardState, stationId: string, column: Column): number {
  let n = 0;
  for (const c of Object.values(state.cards)) {
    if (c.stationId === stationId && c.column === column) n++;
  }
  return n;
}

/** Cards of one loop. */
export function loopCards(state: BoardState, loopId: string): Card[] {
  return Object.values(state.cards).filter((c) => c.loopId === loopId);
}

/** The loop's full containers, oldest first (the order consumption takes them: FIFO). */
export function fullContainers(state: BoardState, loopId: string): Card[] {
  return loopCards(state, loopId)
    .filter((c) => c.column === Column.DONE)
    .sort((a, b) => a.enteredSeq - b.enteredSeq || compareRank(a.rank, b.rank));
}

/** Loops whose full containers the station uses (it is their consumer). */
export function inboundLoops(state: BoardState, stationId: string): Loop[] {
  return Object.values(state.loops).filter((l) => l.consumerStationId === stationId);
}

/** Stations in value-stream order. */
export function orderedStations(state: BoardState): Station[] {
  return Object.values(state.stations).sort((a, b) => a.position - b.position);
}

/** Whether the card has been waiting longer than its loop's lead time (Requested or In Progress). */
export function isOverdue(card: Card, loop: Loop | undefined, nowMs: number): boolean {
  if (!loop || card.column === Column.DONE || card.requestedAt === null) return false;
  return nowMs - Date.parse(card.requestedAt) > loop.leadTimeMinutes * 60_000;
}

/**
 * Input loops of the station's loops that have no full container while the station has
 * work requested: the station cannot start that work (it is starved).
 */
export function starvedInputs(state: BoardState, stationId: string): Loop[] {
  const waiting = Object.values(state.cards).some(
    (c) => c.stationId === stationId && c.column === Column.REQUESTED,
  );
  if (!waiting) return [];
  const inputs = new Set<string>();
  for (const l of Object.values(state.loops)) {
    if (l.supplierStationId !== stationId) continue;
    const hasRequested = Object.values(state.cards).some(
      (c) => c.loopId === l.id && c.column === Column.REQUESTED,
    );
    if (hasRequested) for (const id of l.inputLoopIds) inputs.add(id);
  }
  return [...inputs]
    .map((id) => state.loops[id])
    .filter((l): l is Loop => l !== undefined && fullContainers(state, l.id).length === 0);
}
