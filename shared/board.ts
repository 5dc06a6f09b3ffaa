// The board state and the single reducer that applies events to it. The server and
// every client apply the same events with this function, so they cannot disagree. A
// screen catching up applies a change set (shared/changes.ts) with the same writer.
// Updates are immutable and structural: an event replaces only the objects it touches,
// which lets the client re-render just those cards.
//
// The queries (a column's cards, a loop's cards, the loops a station consumes or supplies)
// read indexes instead of scanning the plant, so a query costs what it returns, not the
// 10,000-50,000 cards of a plant, which the rules would scan several times per command.
// An index belongs to one `cards` or `loops` record, in a WeakMap keyed by the record
// (BoardState stays a plain readonly record, and an index goes with its record). The
// first query of a record builds it; from then on BoardWriter keeps it in step with every
// write and every undo, and gives a copy-on-write copy a fork of it that shares the
// buckets the copy does not change (see RecordIndex). So a record that has been queried
// must change only through BoardWriter, as every board does.
import { COLUMNS, Column, EventType, StationKind } from './names.ts';
import { compareRank } from './ordering.ts';
import type { BoardEvent, BoardSnapshot, Card, Loop, Station } from './schemas.ts';
import type { BoardChanges } from './changes.ts';

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

/**
 * `next` with every station, loop and card that is unchanged since `prev` replaced by
 * the object `prev` already had, so a resync from a snapshot re-renders only what
 * changed. Cards compare by version (it rises with every change), the rest by value.
 */
export function keepIdentity(prev: BoardState, next: BoardState): BoardState {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const reuse = <T extends { id: string }>(
    before: Readonly<Record<string, T>>,
    after: Readonly<Record<string, T>>,
    equal: (a: T, b: T) => boolean,
  ): Record<string, T> => {
    const out: Record<string, T> = {};
    for (const [id, x] of Object.entries(after)) {
      const old = Object.hasOwn(before, id) ? before[id] : undefined;
      out[id] = old !== undefined && equal(old, x) ? old : x;
    }
    return out;
  };
  return {
    seq: next.seq,
    stations: reuse(prev.stations, next.stations, same),
    loops: reuse(prev.loops, next.loops, same),
    cards: reuse(prev.cards, next.cards, (a, b) => a.version === b.version && a.loopId === b.loopId && same(a, b)),
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

/** A board whose maps the holder owns and may change in place (see BoardWriter). */
export interface MutableBoard {
  seq: number;
  stations: Record<string, Station>;
  loops: Record<string, Loop>;
  cards: Record<string, Card>;
}
type MapName = 'stations' | 'loops' | 'cards';
type Entry<N extends MapName> = MutableBoard[N][string];
/** The board's maps seen per name, so a map of N holds N's entries. */
type Maps = { [N in MapName]: Record<string, Entry<N>> };

/**
 * Applies events, or a change set (shared/changes.ts), to a board, in one of two ways:
 * - copy-on-write (the default): the first write to a map copies it, later writes in the
 *   same batch reuse the copy. The input state is never changed, untouched maps and
 *   objects keep their identity (React re-renders only what an event touched), and a
 *   batch of 10,000 events copies each map once instead of 10,000 times.
 * - in place (`inPlace`): the server's private board is changed directly and every
 *   write is logged, so `undo()` restores it exactly if the transaction fails.
 */
export class BoardWriter {
  readonly state: MutableBoard;
  private readonly copied = new Set<MapName>();
  private readonly undoLog: Array<() => void> = [];

  constructor(
    base: BoardState,
    private readonly inPlace = false,
  ) {
    this.state = inPlace ? (base as MutableBoard) : { ...(base as MutableBoard) };
  }

  /** Applies one event. Events must come in seq order; others are a caller bug. */
  apply(e: BoardEvent): void {
    const s = this.state;
    if (e.seq !== s.seq + 1) throw new Error(`event seq ${e.seq} does not follow ${s.seq}`);
    switch (e.type) {
      case EventType.STATION_CREATED:
      case EventType.STATION_UPDATED:
        this.put('stations', e.station.id, e.station);
        break;
      case EventType.LOOP_CREATED:
        this.put('loops', e.loop.id, e.loop);
        for (const c of e.cards) this.put('cards', c.id, c);
        break;
      case EventType.LOOP_UPDATED:
        this.put('loops', e.loop.id, e.loop);
        for (const id of e.removedCardIds) this.put('cards', id, undefined);
        for (const c of e.addedCards) this.put('cards', c.id, c);
        break;
      case EventType.CARD_MOVED:
      case EventType.CARD_CONSUMED:
      case EventType.CARD_RETURNED:
      case EventType.CARD_UNDONE:
        this.put('cards', e.card.id, e.card);
        break;
      case EventType.LOOP_RETIRED:
        for (const id of e.removedCardIds) this.put('cards', id, undefined);
        this.put('loops', e.loop.id, undefined);
        break;
      case EventType.STATION_REMOVED:
        this.put('stations', e.station.id, undefined);
        break;
      case EventType.ANDON_RAISED:
      case EventType.ANDON_CLEARED: {
        const st = s.stations[e.stationId];
        if (st) this.put('stations', st.id, { ...st, andon: e.type === EventType.ANDON_RAISED ? e.andon : null });
        break;
      }
    }
    this.advance(e.seq);
  }

  /**
   * Applies a change set: every station, loop and card in it replaces the board's, every
   * removed id goes, and the board is at `c.seq`. The board must be at a seq from
   * `c.fromSeq` to `c.seq` (what changed in that span is all in the set); others are a
   * caller bug.
   */
  applyChanges(c: BoardChanges): void {
    const s = this.state;
    if (c.fromSeq > s.seq || c.seq < s.seq) {
      throw new Error(`changes from seq ${c.fromSeq} to ${c.seq} do not apply to the board at seq ${s.seq}`);
    }
    for (const id of c.removed.stations) this.put('stations', id, undefined);
    for (const id of c.removed.loops) this.put('loops', id, undefined);
    for (const id of c.removed.cards) this.put('cards', id, undefined);
    for (const x of c.stations) this.put('stations', x.id, x);
    for (const x of c.loops) this.put('loops', x.id, x);
    for (const x of c.cards) this.put('cards', x.id, x);
    this.advance(c.seq);
  }

  /** Restores the board to what it was before this writer's first event (in place only). */
  undo(): void {
    for (let i = this.undoLog.length - 1; i >= 0; i--) this.undoLog[i]!();
    this.undoLog.length = 0;
  }

  private advance(seq: number): void {
    const s = this.state;
    const prev = s.seq;
    if (this.inPlace) this.undoLog.push(() => (s.seq = prev));
    s.seq = seq;
  }

  private put<N extends MapName>(name: N, id: string, value: Entry<N> | undefined): void {
    const s: Maps = this.state;
    const indexed: Indexed<Entry<N>> = INDEXES[name];
    if (value === undefined && !Object.hasOwn(s[name], id)) return; // nothing to remove
    if (!this.inPlace && !this.copied.has(name)) {
      const copy: Maps[N] = { ...s[name] };
      indexed.carry(s[name], copy);
      s[name] = copy;
      this.copied.add(name);
    }
    const map: Maps[N] = s[name];
    if (this.inPlace) {
      const old = Object.hasOwn(map, id) ? map[id] : undefined;
      this.undoLog.push(() => write(indexed, map, id, old));
    }
    write(indexed, map, id, value);
  }
}

/**
 * Sets one entry of a record, or removes it (undefined), and keeps the record's index in
 * step if it has one. The index is looked up at the time of the write, not of the undo's
 * logging: a query between the two may have built it.
 */
function write<T>(indexed: Indexed<T>, map: Record<string, T>, id: string, value: T | undefined): void {
  const old = Object.hasOwn(map, id) ? map[id] : undefined;
  indexed.peek(map)?.change(id, old, value);
  if (value === undefined) delete map[id];
  else map[id] = value;
}

/** Applies one event, returning a new state (the input is not changed). */
export function applyEvent(state: BoardState, e: BoardEvent): BoardState {
  return applyEvents(state, [e]);
}

/** Applies events in order, returning a new state; each map is copied at most once. */
export function applyEvents(state: BoardState, events: readonly BoardEvent[]): BoardState {
  if (events.length === 0) return state;
  const w = new BoardWriter(state);
  for (const e of events) w.apply(e);
  return w.state;
}

// ---------------------------------------------------------------- indexes

/** What a record is indexed by: one function per dimension, naming an entry's bucket. */
type Keys<T> = readonly ((x: T) => string)[];

/**
 * The ids of a record's entries grouped by key, one map of buckets per dimension. A bucket
 * keeps the record's own order: an id joins it at the end, as a new key joins the record,
 * and stays where it is while its key does not change, so a query lists what a scan of
 * the record would, in the same order. (A record lists integer-like keys first; ids never
 * are, they have a prefix.) Only a key that changes breaks this: the id goes to the end of
 * its new bucket. A card's loop and a loop's stations never change; a card's column does,
 * and columnCards sorts by rank, which is distinct within a column.
 *
 * A copy of the record (copy-on-write) gets a fork of the index: new maps, the same
 * bucket sets. Neither side may then change a shared bucket, so a bucket is written only
 * by the index that owns it (built it or copied it since the fork); otherwise it is copied
 * first. A fork costs the number of buckets (loops and station columns), not of cards, and
 * a batch of events then copies only the buckets it touches.
 */
class RecordIndex<T> {
  /** The buckets this index may change in place; a WeakSet, so emptied buckets can go. */
  private owned = new WeakSet<Set<string>>();

  private constructor(
    private readonly keys: Keys<T>,
    private readonly dims: Map<string, Set<string>>[],
  ) {}

  static build<T>(keys: Keys<T>, record: Readonly<Record<string, T>>): RecordIndex<T> {
    const ix = new RecordIndex(keys, keys.map(() => new Map<string, Set<string>>()));
    // for-in, as the scans did: the buckets take the record's order.
    for (const id in record) ix.change(id, undefined, record[id]);
    return ix;
  }

  /** The index of a copy of the record; from now on both copy a bucket before changing it. */
  fork(): RecordIndex<T> {
    this.owned = new WeakSet();
    return new RecordIndex(this.keys, this.dims.map((m) => new Map(m)));
  }

  /** The ids whose key in dimension `dim` is `key` (none: undefined). */
  ids(dim: number, key: string): ReadonlySet<string> | undefined {
    return this.dims[dim]!.get(key);
  }

  /** Records that entry `id` went from `before` to `after` (undefined: absent). */
  change(id: string, before: T | undefined, after: T | undefined): void {
    for (let d = 0; d < this.keys.length; d++) {
      const keyOf = this.keys[d]!;
      const from = before === undefined ? undefined : keyOf(before);
      const to = after === undefined ? undefined : keyOf(after);
      if (from === to) continue; // same bucket: the id keeps its place, as in the record
      const buckets = this.dims[d]!;
      if (from !== undefined) {
        const b = this.writable(buckets, from);
        b.delete(id);
        if (b.size === 0) buckets.delete(from);
      }
      if (to !== undefined) this.writable(buckets, to).add(id);
    }
  }

  private writable(buckets: Map<string, Set<string>>, key: string): Set<string> {
    let b = buckets.get(key);
    if (b === undefined || !this.owned.has(b)) {
      b = new Set(b);
      buckets.set(key, b);
      this.owned.add(b);
    }
    return b;
  }
}

/** One kind of index (its keys) and the index of each record of that kind that has one. */
class Indexed<T> {
  private readonly of = new WeakMap<object, RecordIndex<T>>();
  constructor(private readonly keys: Keys<T>) {}

  /** The record's index, built on first use. */
  get(record: Readonly<Record<string, T>>): RecordIndex<T> {
    let ix = this.of.get(record);
    if (ix === undefined) {
      ix = RecordIndex.build(this.keys, record);
      this.of.set(record, ix);
    }
    return ix;
  }

  /** The record's index if it has one (a record nobody has queried needs none kept). */
  peek(record: Readonly<Record<string, T>>): RecordIndex<T> | undefined {
    return this.of.get(record);
  }

  /** Gives `copy`, a fresh copy of `record`, a fork of the record's index if it has one. */
  carry(record: Readonly<Record<string, T>>, copy: Readonly<Record<string, T>>): void {
    const ix = this.of.get(record);
    if (ix !== undefined) this.of.set(copy, ix.fork());
  }
}

// Dimensions of the two indexes.
const BY_LOOP = 0;
const BY_COLUMN = 1;
const BY_CONSUMER = 0;
const BY_SUPPLIER = 1;
/** A column of a station as one key (no column name contains a colon). */
const columnKey = (stationId: string, column: Column) => `${column}:${stationId}`;

const INDEXES: { [N in MapName]: Indexed<Entry<N>> } = {
  stations: new Indexed<Station>([]), // nothing queries stations by key
  loops: new Indexed<Loop>([(l) => l.consumerStationId, (l) => l.supplierStationId]),
  cards: new Indexed<Card>([(c) => c.loopId, (c) => columnKey(c.stationId, c.column)]),
};

/** The entries of `record` whose key in `dim` is `key`, in the record's order. */
function lookup<T>(indexed: Indexed<T>, record: Readonly<Record<string, T>>, dim: number, key: string): T[] {
  const ids = indexed.get(record).ids(dim, key);
  const out: T[] = [];
  if (ids !== undefined) for (const id of ids) out.push(record[id]!);
  return out;
}

/**
 * Builds the board's indexes now rather than at the first query: the server calls it when
 * it loads the board, so the first command after a start does not pay for it.
 */
export function indexBoard(state: BoardState): void {
  INDEXES.cards.get(state.cards);
  INDEXES.loops.get(state.loops);
}

// ---------------------------------------------------------------- queries

/** Cards of one station's column, in priority (rank) order. */
export function columnCards(state: BoardState, stationId: string, column: Column): Card[] {
  return lookup(INDEXES.cards, state.cards, BY_COLUMN, columnKey(stationId, column)).sort((a, b) =>
    compareRank(a.rank, b.rank),
  );
}

/**
 * The WIP limit of a station's column and whether it is soft. Requested never has one:
 * a replenishment signal is never refused.
 */
export function columnLimit(station: Station | undefined, column: Column): { limit: number | null; soft: boolean } {
  if (!station || column === Column.REQUESTED) return { limit: null, soft: false };
  const key = column === Column.IN_PROGRESS ? 'inProgress' : 'done';
  return { limit: station.wipLimits[key], soft: station.softLimits[key] };
}

/** Number of cards in one station's column. */
export function columnCount(state: BoardState, stationId: string, column: Column): number {
  return INDEXES.cards.get(state.cards).ids(BY_COLUMN, columnKey(stationId, column))?.size ?? 0;
}

/** Cards of one loop. */
export function loopCards(state: BoardState, loopId: string): Card[] {
  return lookup(INDEXES.cards, state.cards, BY_LOOP, loopId);
}

/** The loop's full containers, oldest first (the order consumption takes them: FIFO). */
export function fullContainers(state: BoardState, loopId: string): Card[] {
  return loopCards(state, loopId)
    .filter((c) => c.column === Column.DONE)
    .sort((a, b) => a.enteredSeq - b.enteredSeq || compareRank(a.rank, b.rank));
}

/**
 * Loops of the same part between the same two stations (part numbers compared without
 * case or surrounding space): a second one is most likely a mistake, so the screens warn.
 */
export function sameLoops(state: BoardState, partNumber: string, supplierStationId: string, consumerStationId: string): Loop[] {
  const key = partNumber.trim().toLowerCase();
  return inboundLoops(state, consumerStationId).filter(
    (l) => l.supplierStationId === supplierStationId && l.partNumber.trim().toLowerCase() === key,
  );
}

/** Loops whose full containers the station uses (it is their consumer). */
export function inboundLoops(state: BoardState, stationId: string): Loop[] {
  return lookup(INDEXES.loops, state.loops, BY_CONSUMER, stationId);
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
 * Loops used at a customer station that have no full container: a stock-out at the
 * customer end, where demand enters and there is no work to starve.
 */
export function stockOuts(state: BoardState, stationId: string): Loop[] {
  if (state.stations[stationId]?.kind !== StationKind.CUSTOMER) return [];
  return inboundLoops(state, stationId).filter((l) => fullContainers(state, l.id).length === 0);
}

/**
 * Input loops of the station's loops that have no full container while the station has
 * work requested: the station cannot start that work (it is starved).
 */
export function starvedInputs(state: BoardState, stationId: string): Loop[] {
  // From the station's Requested column (the index's cards there), not from every card of
  // every loop it supplies: the TV asks this per station on each render, and the metrics
  // index after every event, and a large plant's loops hold thousands of cards.
  const requested = INDEXES.cards.get(state.cards).ids(BY_COLUMN, columnKey(stationId, Column.REQUESTED));
  if (requested === undefined || requested.size === 0) return [];
  const waiting = new Set<string>();
  for (const id of requested) {
    const card = state.cards[id];
    if (card) waiting.add(card.loopId);
  }
  const inputs = new Set<string>();
  for (const l of lookup(INDEXES.loops, state.loops, BY_SUPPLIER, stationId)) {
    if (waiting.has(l.id)) for (const id of l.inputLoopIds) inputs.add(id);
  }
  return [...inputs].map((id) => state.loops[id]).filter((l): l is Loop => l !== undefined && !hasFullContainer(state, l.id));
}

/** Whether a loop has a full container (a Done card), without gathering and sorting them. */
function hasFullContainer(state: BoardState, loopId: string): boolean {
  const ids = INDEXES.cards.get(state.cards).ids(BY_LOOP, loopId);
  if (ids !== undefined) for (const id of ids) if (state.cards[id]?.column === Column.DONE) return true;
  return false;
}
