// Catch-up that costs what changed. A screen that missed events is sent a change set
// instead of every missed event (a replay grows with the gap) or the whole board (a
// snapshot grows with the board): the current state of every station, loop and card
// the missed events touched, the ids of those that no longer exist, and the seq it
// brings the board to. 100 missed moves on a 1,000-card board are at most 100 cards;
// 10,000 moves of the same 50 cards are 50 cards. The server answers a snapshot
// instead when the change set would not be smaller (`smallerThanSnapshot`).
//
// A change set made from `fromSeq` applies to the board at any seq from `fromSeq` to its
// `seq`: what it leaves out did not change in that span. It is applied with the shared
// reducer's writer (`BoardWriter.applyChanges`), copy-on-write like a batch of events,
// so untouched objects keep their identity and only what changed re-renders.
//
// Who computes it: `changesSince` from the events themselves (tests, the client's test
// double), and the server from its index of last changes (server/catchup.ts) without
// reading the log; both go through `changeSetOf`, so they give the same set.
import { z } from 'zod';
import { BoardWriter } from './board.ts';
import type { BoardState } from './board.ts';
import { EventType } from './names.ts';
import { CardSchema, Id, LoopSchema, StationSchema } from './schemas.ts';
import type { BoardEvent } from './schemas.ts';

export const BoardChangesSchema = z
  .object({
    /** The seq the receiver's board is at (or later); what changed after it is here. */
    fromSeq: z.number().int().min(0),
    /** The seq the board is at once the set is applied. */
    seq: z.number().int().min(0),
    /** Current state of every station, loop and card changed after `fromSeq` and still there. */
    stations: z.array(StationSchema),
    loops: z.array(LoopSchema),
    cards: z.array(CardSchema),
    /**
     * Ids changed after `fromSeq` that no longer exist: cards withdrawn (a loop's card
     * count lowered), retired loops with their cards, removed stations.
     */
    removed: z.object({ stations: z.array(Id), loops: z.array(Id), cards: z.array(Id) }),
  })
  .refine((c) => c.seq >= c.fromSeq, { message: 'seq must not be below fromSeq', path: ['seq'] });
export type BoardChanges = z.infer<typeof BoardChangesSchema>;

/** The three kinds of object a board holds (the names of BoardState's maps). */
export type EntityKind = 'stations' | 'loops' | 'cards';
export const ENTITY_KINDS: readonly EntityKind[] = ['stations', 'loops', 'cards'];

/** Ids per kind: what some events touched. */
export type TouchedIds = Record<EntityKind, Iterable<string>>;

/** Calls `visit` with every station, loop and card the event creates, changes or removes. */
export function forEachTouched(e: BoardEvent, visit: (kind: EntityKind, id: string) => void): void {
  switch (e.type) {
    case EventType.STATION_CREATED:
    case EventType.STATION_UPDATED:
      visit('stations', e.station.id);
      break;
    case EventType.LOOP_CREATED:
      visit('loops', e.loop.id);
      for (const c of e.cards) visit('cards', c.id);
      break;
    case EventType.LOOP_UPDATED:
      visit('loops', e.loop.id);
      for (const id of e.removedCardIds) visit('cards', id);
      for (const c of e.addedCards) visit('cards', c.id);
      break;
    case EventType.CARD_MOVED:
    case EventType.CARD_CONSUMED:
    case EventType.CARD_RETURNED:
    case EventType.CARD_UNDONE:
      visit('cards', e.card.id);
      break;
    case EventType.LOOP_RETIRED:
      visit('loops', e.loop.id);
      for (const id of e.removedCardIds) visit('cards', id);
      break;
    case EventType.STATION_REMOVED:
      visit('stations', e.station.id);
      break;
    case EventType.ANDON_RAISED:
    case EventType.ANDON_CLEARED:
      visit('stations', e.stationId);
      break;
  }
}

/** What the events touched, per kind. */
export function touchedBy(events: readonly BoardEvent[]): Record<EntityKind, Set<string>> {
  const out: Record<EntityKind, Set<string>> = { stations: new Set(), loops: new Set(), cards: new Set() };
  for (const e of events) forEachTouched(e, (kind, id) => out[kind].add(id));
  return out;
}

/**
 * The change set that brings a board at `fromSeq` to `state`, given every id changed
 * after `fromSeq`: those still on the board with their current state, the others as
 * removed. Ids are sorted, so the same changes always make the same set.
 */
export function changeSetOf(state: BoardState, fromSeq: number, touched: TouchedIds): BoardChanges {
  if (fromSeq > state.seq) throw new Error(`changes from seq ${fromSeq}: the board is only at ${state.seq}`);
  const split = <T>(map: Readonly<Record<string, T>>, ids: Iterable<string>) => {
    const present: T[] = [];
    const removed: string[] = [];
    for (const id of [...ids].sort()) {
      if (Object.hasOwn(map, id)) present.push(map[id]!);
      else removed.push(id);
    }
    return { present, removed };
  };
  const stations = split(state.stations, touched.stations);
  const loops = split(state.loops, touched.loops);
  const cards = split(state.cards, touched.cards);
  return {
    fromSeq,
    seq: state.seq,
    stations: stations.present,
    loops: loops.present,
    cards: cards.present,
    removed: { stations: stations.removed, loops: loops.removed, cards: cards.removed },
  };
}

/**
 * The change set from `fromSeq` to `state`, computed from the events in between: every
 * event after `fromSeq` up to `state.seq`, in order (others are a caller bug).
 */
export function changesSince(fromSeq: number, events: readonly BoardEvent[], state: BoardState): BoardChanges {
  const missed = events.filter((e) => e.seq > fromSeq);
  missed.forEach((e, i) => {
    if (e.seq !== fromSeq + 1 + i) throw new Error(`event seq ${e.seq} where ${fromSeq + 1 + i} was expected`);
  });
  if (fromSeq + missed.length !== state.seq) {
    throw new Error(`events up to seq ${fromSeq + missed.length} do not reach the board's seq ${state.seq}`);
  }
  return changeSetOf(state, fromSeq, touchedBy(missed));
}

/**
 * Applies a change set, returning a new state (the input is not changed; untouched
 * objects keep their identity). The state must be at a seq from `fromSeq` to `seq`.
 */
export function applyChanges(state: BoardState, changes: BoardChanges): BoardState {
  if (changes.seq === state.seq && objectCount(changes) === 0) return state;
  const w = new BoardWriter(state);
  w.applyChanges(changes);
  return w.state;
}

/** Objects in a change set: present ones and removed ids alike. */
export function objectCount(changes: BoardChanges): number {
  const r = changes.removed;
  return (
    changes.stations.length + changes.loops.length + changes.cards.length + r.stations.length + r.loops.length + r.cards.length
  );
}

/** Stations, loops and cards on a board (what a snapshot carries). */
export function boardObjectCount(state: BoardState): number {
  let n = 0;
  for (const kind of ENTITY_KINDS) {
    const map = state[kind];
    for (const id in map) if (Object.hasOwn(map, id)) n++;
  }
  return n;
}

/**
 * Whether a change set of `changed` objects is worth sending instead of a snapshot of
 * the board: an empty one always is (the screen is up to date); otherwise only when it
 * has fewer objects than the board. A removed id counts as a whole object, so the rule
 * leans to the snapshot: a change set it lets through is never larger than one.
 */
export function smallerThanSnapshot(changed: number, boardObjects: number): boolean {
  return changed === 0 || changed < boardObjects;
}

/** A change set with nothing in it: the screen at `seq` is up to date. */
export function noChanges(seq: number): BoardChanges {
  return { fromSeq: seq, seq, stations: [], loops: [], cards: [], removed: { stations: [], loops: [], cards: [] } };
}
