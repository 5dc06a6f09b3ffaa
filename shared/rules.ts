// The pull rules as one pure function: `decide(state, command, context)` either throws a
// DomainError (nothing changes) or returns the events the command produces, the state
// after them and the command's answer. No I/O: the server runs it inside one SQLite
// transaction, the tests run it on plain data.
import { BoardWriter, columnCards, columnLimit, columnCount, fullContainers, loopCards, orderedStations, sameLoops } from './board.ts';
import type { BoardState } from './board.ts';
import { DomainError, notFound } from './errors.ts';
import {
  COLUMNS,
  ANDON_LABELS,
  COLUMN_LABELS,
  Column,
  ErrorCode,
  EventType,
  Limits,
  MoveKind,
  Role,
  StationKind,
} from './names.ts';
import { rankBetween, spacedRanks } from './ordering.ts';
import { DEFAULT_PLANT_LIMITS, checkPlantLimit } from './limits.ts';
import type { PlantLimits } from './limits.ts';
import type { Command, CommandOf, CommandResults, CommandType } from './commands.ts';
import type { Actor, BoardEvent, Card, Loop, Station } from './schemas.ts';
import { authorize } from './access.ts';
import { cardCode, cardWithCode, formatCode, normalizeCode } from './cardCode.ts';
import { excerpt } from './text.ts';

export interface CommandContext {
  /** ISO time stamped on every event of the command. */
  now: string;
  /** Who runs the command; every event records it. */
  actor: Actor;
  role: Role;
  /** The stations an operator is bound to (the command table's station rule checks them). */
  stationIds: readonly string[];
  /** Returns a fresh unique id with the given prefix. */
  newId: (prefix: 'st' | 'lp' | 'cd') => string;
  /** How big the plant may grow (the server's configuration; defaults elsewhere). */
  limits?: PlantLimits;
  /**
   * What the log says about a card's newest change (the server reads its history; a
   * screen that just did the step knows it). Only Undo needs it; without it, nothing
   * can be undone.
   */
  lastChange?: (cardId: string) => CardLastChange | undefined;
}

/** A card's newest event in the log, and the card as it was before that event (null if it was created in it). */
export interface CardLastChange {
  event: BoardEvent;
  before: Card | null;
}

/** The card as an event left it: a move's, use's or undo's card, or one a loop event created. */
export function cardAfter(e: BoardEvent, cardId: string): Card | undefined {
  if ('cardId' in e) return e.cardId === cardId ? e.card : undefined;
  if (e.type === EventType.LOOP_CREATED) return e.cards.find((c) => c.id === cardId);
  if (e.type === EventType.LOOP_UPDATED) return e.addedCards.find((c) => c.id === cardId);
  return undefined;
}

/**
 * A card's last change, from its events newest first (only events that name it): the
 * newest must be a step of the card itself (a card only created has nothing to undo).
 */
export function lastChangeOf(newestFirst: readonly BoardEvent[], cardId: string): CardLastChange | undefined {
  const [event, prev] = newestFirst;
  if (!event || !('cardId' in event)) return undefined;
  return { event, before: prev ? (cardAfter(prev, cardId) ?? null) : null };
}

/** A card's last change read from a log (oldest first): tests and the client's double. */
export function lastChangeIn(log: readonly BoardEvent[], cardId: string): CardLastChange | undefined {
  const named: BoardEvent[] = [];
  for (let i = log.length - 1; i >= 0 && named.length < 2; i--) {
    if (cardAfter(log[i]!, cardId)) named.push(log[i]!);
  }
  return lastChangeOf(named, cardId);
}

export interface Decision<K extends CommandType = CommandType> {
  events: BoardEvent[];
  state: BoardState;
  /** The command's answer (its type comes from the command table). */
  result: CommandResults[K];
  /** Restores the input board (only meaningful with `inPlace`). */
  undo: () => void;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type EventBody = DistributiveOmit<BoardEvent, 'seq' | 'at' | 'actor'>;

/** Collects the events of one command, applying each to a working board as it goes. */
class Draft {
  events: BoardEvent[] = [];
  readonly writer: BoardWriter;
  constructor(
    base: BoardState,
    readonly ctx: CommandContext,
    inPlace: boolean,
  ) {
    this.writer = new BoardWriter(base, inPlace);
  }
  get state(): BoardState {
    return this.writer.state;
  }
  get nextSeq(): number {
    return this.state.seq + 1;
  }
  get limits(): PlantLimits {
    return this.ctx.limits ?? DEFAULT_PLANT_LIMITS;
  }
  emit(body: EventBody): void {
    const e = { ...body, seq: this.nextSeq, at: this.ctx.now, actor: this.ctx.actor } as BoardEvent;
    this.writer.apply(e);
    this.events.push(e);
  }
}

export interface DecideOptions {
  /**
   * Change `state` in place instead of returning a new board (the server, which owns
   * its board and keeps no older reference to it). A refusal leaves it as it was; after
   * a success, `Decision.undo()` restores it if the transaction does not commit.
   */
  inPlace?: boolean;
}

/** Applies the pull rules to one command; throws DomainError when it is refused. */
export function decide<K extends CommandType>(
  state: BoardState,
  command: Command<K>,
  ctx: CommandContext,
  opts: DecideOptions = {},
): Decision<K> {
  // Who may do it comes first: a refusal of the role changes nothing and reveals nothing.
  authorize(state, command, ctx);
  const d = new Draft(state, ctx, opts.inPlace ?? false);
  let result: CommandResults[K];
  try {
    result = run(d, command);
  } catch (err) {
    d.writer.undo();
    throw err;
  }
  return { events: d.events, state: d.state, result, undo: () => d.writer.undo() };
}

/** The rule of each command; a new row in the command table needs one here. */
const RULES: { [K in CommandType]: (d: Draft, c: CommandOf<K>) => CommandResults[K] } = {
  'station.create': createStation,
  'station.update': updateStation,
  'loop.create': createLoop,
  'loop.update': updateLoop,
  'card.move': moveCard,
  'card.consume': consumeCard,
  'loop.consume': consumeLoop,
  'card.scan': scanCard,
  'card.undo': undoCard,
  'loop.retire': retireLoop,
  'station.remove': removeStation,
  'andon.raise': raiseAndon,
  'andon.clear': clearAndon,
};

function run<K extends CommandType>(d: Draft, c: Command<K>): CommandResults[K] {
  const type: K = c.type;
  const rule = RULES[type];
  return rule(d, c);
}

// ---------------------------------------------------------------- lookups
// Own properties only: an id such as "constructor" must not find Object.prototype.

function station(s: BoardState, id: string): Station {
  const x = Object.hasOwn(s.stations, id) ? s.stations[id] : undefined;
  if (!x) throw notFound('station', id);
  return x;
}
function loop(s: BoardState, id: string): Loop {
  const x = Object.hasOwn(s.loops, id) ? s.loops[id] : undefined;
  if (!x) throw notFound('loop', id);
  return x;
}
function card(s: BoardState, id: string): Card {
  const x = Object.hasOwn(s.cards, id) ? s.cards[id] : undefined;
  if (!x) throw notFound('card', id);
  return x;
}
function invalid(message: string, details?: Record<string, unknown>): DomainError {
  return new DomainError(ErrorCode.VALIDATION_FAILED, message, details);
}
function checkVersion(cardNow: Card, expected: number | undefined): void {
  if (expected !== undefined && expected !== cardNow.version) {
    throw new DomainError(
      ErrorCode.VERSION_CONFLICT,
      `Card ${cardNow.id} has changed (version ${cardNow.version}, expected ${expected}); reload and try again`,
      { cardId: cardNow.id, expectedVersion: expected, version: cardNow.version },
    );
  }
}

/** The key that places a card at the end of a station's column. */
function rankAtEnd(s: BoardState, stationId: string, column: Column): string {
  const list = columnCards(s, stationId, column);
  return rankBetween(list.at(-1)?.rank ?? null, null);
}

// ---------------------------------------------------------------- WIP limits

/**
 * Refuses a card entering `column` of a station when a hard limit would be exceeded.
 * Requested has no limit: a replenishment signal is never refused.
 */
export function checkWipLimit(s: BoardState, stationId: string, column: Column): void {
  const st = station(s, stationId);
  const { limit, soft } = columnLimit(st, column);
  if (limit === null || soft) return;
  const count = columnCount(s, stationId, column);
  if (count + 1 > limit) {
    throw new DomainError(
      ErrorCode.WIP_LIMIT_REACHED,
      `${st.name}: ${COLUMN_LABELS[column]} is at its limit (${count} / ${limit})`,
      { stationId, column, limit, count },
    );
  }
}

/** Which kind of move going from one column to another is, or null when it skips a column. */
export function moveKind(from: Column, to: Column): MoveKind | null {
  const step = COLUMNS.indexOf(to) - COLUMNS.indexOf(from);
  if (step === 0) return MoveKind.REORDER;
  if (step === 1) return from === Column.REQUESTED ? MoveKind.START : MoveKind.FINISH;
  if (step === -1) return MoveKind.STEP_BACK;
  return null;
}

/** Roles that may step a card back to correct a mistake. */
export const canStepBack = (role: Role) => role === Role.LEAD || role === Role.ADMIN;

// ---------------------------------------------------------------- stations

function createStation(d: Draft, c: CommandOf<'station.create'>): CommandResults['station.create'] {
  const kind = c.kind ?? StationKind.PROCESS;
  const order = orderedStations(d.state);
  checkPlantLimit(d.limits, 'stations', order.length, 1);
  // Stations are ordered upstream to downstream: a new station goes last, but before
  // the customer end (shipping stays the last lane); the customer stations shift down.
  // An external supplier goes after the other suppliers, before the first own station.
  const firstOwn = order.findIndex((s) => s.kind !== StationKind.SUPPLIER);
  const firstCustomer = order.findIndex((s) => s.kind === StationKind.CUSTOMER);
  const position =
    kind === StationKind.SUPPLIER
      ? firstOwn < 0 ? order.length : firstOwn
      : kind === StationKind.CUSTOMER || firstCustomer < 0 ? order.length : firstCustomer;
  for (const s of order.slice(position)) {
    d.emit({ type: EventType.STATION_UPDATED, station: { ...s, position: s.position + 1 } });
  }
  const st: Station = {
    id: d.ctx.newId('st'),
    name: c.name,
    kind,
    position,
    wipLimits: { inProgress: c.wipLimits?.inProgress ?? null, done: c.wipLimits?.done ?? null },
    softLimits: { inProgress: c.softLimits?.inProgress ?? false, done: c.softLimits?.done ?? false },
    andon: null,
  };
  d.emit({ type: EventType.STATION_CREATED, station: st });
  return { station: st };
}

function updateStation(d: Draft, c: CommandOf<'station.update'>): CommandResults['station.update'] {
  const old = station(d.state, c.stationId);
  const next: Station = {
    ...old,
    name: c.name ?? old.name,
    kind: c.kind ?? old.kind,
    wipLimits: { ...old.wipLimits, ...definedOnly(c.wipLimits) },
    softLimits: { ...old.softLimits, ...definedOnly(c.softLimits) },
  };
  if (next.kind !== old.kind) checkKindChange(d.state, next);
  // A new kind with no position given: the station moves to where that kind stands.
  const position = c.position ?? (next.kind !== old.kind ? placeForKind(d.state, next) : undefined);
  if (position !== undefined && position !== old.position) {
    // Move the station to its new place and renumber the others around it.
    const order = orderedStations(d.state).filter((s) => s.id !== old.id);
    const at = Math.min(position, order.length);
    order.splice(at, 0, next);
    checkStationOrder(order, next);
    order.forEach((s, i) => {
      if (s.id !== old.id && s.position !== i) {
        d.emit({ type: EventType.STATION_UPDATED, station: { ...s, position: i } });
      }
    });
    next.position = at;
  } else if (next.kind !== old.kind) {
    checkStationOrder(orderedStations(d.state).map((x) => (x.id === next.id ? next : x)), next);
  }
  d.emit({ type: EventType.STATION_UPDATED, station: next });
  return { station: next };
}

/** Refuses a kind its loops cannot live with: the customer end supplies nothing, an external supplier consumes nothing. */
function checkKindChange(s: BoardState, next: Station): void {
  const loops = Object.values(s.loops);
  const clash =
    next.kind === StationKind.CUSTOMER
      ? loops.find((l) => l.supplierStationId === next.id)
      : next.kind === StationKind.SUPPLIER
        ? loops.find((l) => l.consumerStationId === next.id)
        : undefined;
  if (!clash) return;
  throw invalid(
    next.kind === StationKind.CUSTOMER
      ? `${next.name} supplies ${clash.partNumber}: the customer end cannot supply a loop`
      : `${next.name} uses ${clash.partNumber}: an external supplier cannot consume a loop`,
    { stationId: next.id, kind: next.kind, loopId: clash.id },
  );
}

/** The place a station of its (new) kind takes: after the suppliers, before the customer end, as at creation. */
function placeForKind(s: BoardState, st: Station): number | undefined {
  const order = orderedStations(s).filter((x) => x.id !== st.id);
  const at = order.findIndex((x) => x.position >= st.position);
  const here = at < 0 ? order.length : at;
  const trial = [...order.slice(0, here), st, ...order.slice(here)];
  if (stationOrderClash(trial, st) === null) return undefined; // it may stay where it is
  if (st.kind === StationKind.SUPPLIER) {
    const firstOwn = order.findIndex((x) => x.kind !== StationKind.SUPPLIER);
    return firstOwn < 0 ? order.length : firstOwn;
  }
  if (st.kind === StationKind.CUSTOMER) return order.length;
  const firstCustomer = order.findIndex((x) => x.kind === StationKind.CUSTOMER);
  const lastSupplier = order.findLastIndex((x) => x.kind === StationKind.SUPPLIER);
  return st.position <= lastSupplier ? lastSupplier + 1 : firstCustomer < 0 ? order.length : firstCustomer;
}

/** Where each kind of station may stand: suppliers first, the customer end last. */
const KIND_ORDER: Record<StationKind, number> = {
  [StationKind.SUPPLIER]: 0,
  [StationKind.PROCESS]: 1,
  [StationKind.CUSTOMER]: 2,
};

/** Refuses an order of stations that puts a supplier after an own station, or anything after the customer end. */
function checkStationOrder(order: readonly Station[], moved: Station): void {
  const hit = stationOrderClash(order, moved);
  if (!hit) return;
  throw invalid(
    `${moved.name} cannot stand ${hit.after ? 'after' : 'before'} ${hit.clash.name}: external suppliers come first and the customer end comes last`,
    { stationId: moved.id, position: order.findIndex((s) => s.id === moved.id) },
  );
}

/** The first station `moved` may not stand next to in this order, and on which side; null when the order is right. */
function stationOrderClash(order: readonly Station[], moved: Station): { clash: Station; after: boolean } | null {
  const i = order.findIndex((s) => s.id === moved.id);
  const before = order.slice(0, i).find((s) => KIND_ORDER[s.kind] > KIND_ORDER[moved.kind]);
  if (before) return { clash: before, after: true };
  const later = order.slice(i + 1).find((s) => KIND_ORDER[s.kind] < KIND_ORDER[moved.kind]);
  return later ? { clash: later, after: false } : null;
}

function definedOnly<T extends object>(o: T | undefined): Partial<T> {
  if (!o) return {};
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

// ---------------------------------------------------------------- loops

function checkInputs(s: BoardState, loopId: string | null, supplierId: string, ids: string[]): void {
  if (new Set(ids).size !== ids.length) throw invalid('inputLoopIds lists a loop twice');
  for (const id of ids) {
    if (id === loopId) throw invalid('A loop cannot be its own input', { loopId: id });
    const input = loop(s, id);
    if (input.consumerStationId !== supplierId) {
      throw invalid(
        `Input loop ${input.partNumber} is not consumed at this loop's supplying station`,
        { loopId: id, consumerStationId: input.consumerStationId, supplierStationId: supplierId },
      );
    }
  }
}

function createLoop(d: Draft, c: CommandOf<'loop.create'>): CommandResults['loop.create'] {
  const supplier = station(d.state, c.supplierStationId);
  const consumer = station(d.state, c.consumerStationId);
  if (supplier.id === consumer.id) throw invalid('A loop needs two different stations');
  if (supplier.kind === StationKind.CUSTOMER) throw invalid('The customer end cannot supply a loop');
  if (consumer.kind === StationKind.SUPPLIER) throw invalid('An external supplier cannot consume a loop');
  checkPlantLimit(d.limits, 'loops', Object.keys(d.state.loops).length, 1);
  checkPlantLimit(d.limits, 'cards', Object.keys(d.state.cards).length, c.cardCount);
  const inputLoopIds = c.inputLoopIds ?? [];
  const lp: Loop = {
    id: d.ctx.newId('lp'),
    partNumber: c.partNumber,
    partName: c.partName ?? '',
    supplierStationId: supplier.id,
    consumerStationId: consumer.id,
    cardCount: c.cardCount,
    containerQty: c.containerQty,
    leadTimeMinutes: c.leadTimeMinutes,
    inputLoopIds,
  };
  checkInputs(d.state, lp.id, supplier.id, inputLoopIds);
  const twin = sameLoops(d.state, c.partNumber, supplier.id, consumer.id)[0];
  const warnings = twin
    ? [`${supplier.name} already supplies ${twin.partNumber} to ${consumer.name} in another loop (${twin.cardCount} cards)`]
    : [];
  // A new loop starts full: every card is a full container in the supplier's Done.
  let prev = columnCards(d.state, supplier.id, Column.DONE).at(-1)?.rank ?? null;
  const cards: Card[] = [];
  for (let serial = 1; serial <= c.cardCount; serial++) {
    prev = rankBetween(prev, null);
    cards.push(newCard(d, lp, serial, Column.DONE, prev));
  }
  d.emit({ type: EventType.LOOP_CREATED, loop: lp, cards });
  return { loop: lp, cards, warnings };
}

function newCard(d: Draft, lp: Loop, serial: number, column: Column, rank: string): Card {
  const id = d.ctx.newId('cd');
  return {
    id,
    code: cardCode(id),
    loopId: lp.id,
    serial,
    stationId: lp.supplierStationId,
    column,
    version: 1,
    cycle: 0,
    rank,
    enteredAt: d.ctx.now,
    enteredSeq: d.nextSeq,
    requestedAt: column === Column.REQUESTED ? d.ctx.now : null,
  };
}

function updateLoop(d: Draft, c: CommandOf<'loop.update'>): CommandResults['loop.update'] {
  const old = loop(d.state, c.loopId);
  const next: Loop = {
    ...old,
    partName: c.partName ?? old.partName,
    containerQty: c.containerQty ?? old.containerQty,
    leadTimeMinutes: c.leadTimeMinutes ?? old.leadTimeMinutes,
    cardCount: c.cardCount ?? old.cardCount,
    inputLoopIds: c.inputLoopIds ?? old.inputLoopIds,
  };
  if (c.inputLoopIds) checkInputs(d.state, old.id, old.supplierStationId, c.inputLoopIds);
  const cards = loopCards(d.state, old.id);
  const addedCards: Card[] = [];
  const removedCardIds: string[] = [];
  const delta = next.cardCount - cards.length;
  if (delta > 0) checkPlantLimit(d.limits, 'cards', Object.keys(d.state.cards).length, delta);
  if (delta > 0) {
    // New cards enter circulation as replenishment signals: empty containers to fill.
    const used = new Set(cards.map((x) => x.serial));
    let prev = columnCards(d.state, old.supplierStationId, Column.REQUESTED).at(-1)?.rank ?? null;
    for (let serial = 1; addedCards.length < delta; serial++) {
      if (used.has(serial)) continue;
      prev = rankBetween(prev, null);
      addedCards.push(newCard(d, next, serial, Column.REQUESTED, prev));
    }
  } else if (delta < 0) {
    // Withdraw empty containers first, then full ones; never work in process.
    // Within a column, the highest serials go first so the remaining cards read 1..N.
    const bySerialDesc = (a: Card, b: Card) => b.serial - a.serial;
    const candidates = [
      ...cards.filter((x) => x.column === Column.REQUESTED).sort(bySerialDesc),
      ...cards.filter((x) => x.column === Column.DONE).sort(bySerialDesc),
    ];
    if (candidates.length < -delta) {
      throw new DomainError(
        ErrorCode.INVALID_TRANSITION,
        `Only ${candidates.length} of the loop's cards are out of process; finish work before removing ${-delta} cards`,
        { loopId: old.id, removable: candidates.length, requested: -delta },
      );
    }
    for (const x of candidates.slice(0, -delta)) removedCardIds.push(x.id);
  }
  d.emit({ type: EventType.LOOP_UPDATED, loop: next, addedCards, removedCardIds });
  return { loop: next };
}

// ---------------------------------------------------------------- moves

function moveCard(d: Draft, c: CommandOf<'card.move'>): CommandResults['card.move'] {
  const cur = card(d.state, c.cardId);
  checkVersion(cur, c.expectedVersion);
  const kind = moveKind(cur.column, c.to);
  if (kind === null) {
    throw new DomainError(
      ErrorCode.INVALID_TRANSITION,
      `A card moves one column at a time: ${COLUMN_LABELS[cur.column]} cannot go to ${COLUMN_LABELS[c.to]}`,
      { cardId: cur.id, from: cur.column, to: c.to },
    );
  }
  if (kind === MoveKind.STEP_BACK && !canStepBack(d.ctx.role)) {
    throw new DomainError(
      ErrorCode.INVALID_TRANSITION,
      'Only a team lead may step a card back',
      { cardId: cur.id, from: cur.column, to: c.to },
    );
  }
  const rank = rankFor(d.state, cur, c.to, c.beforeCardId ?? null);
  if (kind !== MoveKind.REORDER) checkWipLimit(d.state, cur.stationId, c.to);

  if (kind === MoveKind.START) {
    // Cascade: starting a container uses one full container of every input loop.
    const lp = loop(d.state, cur.loopId);
    const missing = lp.inputLoopIds
      .map((id) => loop(d.state, id))
      .filter((input) => fullContainers(d.state, input.id).length === 0);
    if (missing.length > 0) {
      const first = missing[0]!;
      throw new DomainError(
        ErrorCode.STARVED,
        `Starved: no full container of ${missing.map((m) => m.partNumber).join(', ')} to start ${lp.partNumber}`,
        {
          loopId: first.id,
          partNumber: first.partNumber,
          loopIds: missing.map((m) => m.id),
          partNumbers: missing.map((m) => m.partNumber),
          stationId: cur.stationId,
        },
      );
    }
    for (const id of lp.inputLoopIds) {
      const full = fullContainers(d.state, id)[0]!;
      emitConsume(d, full, cur.id);
    }
  }

  if (kind === MoveKind.STEP_BACK && cur.column === Column.IN_PROGRESS) {
    // Undoing a start gives back the input containers it used, so the correction does
    // not leave a second replenishment signal behind (and a restart uses them again).
    for (const used of containersUsedByStart(d.state, cur)) returnContainer(d, used, cur);
  }

  const changesColumn = kind !== MoveKind.REORDER;
  const moved: Card = {
    ...cur,
    column: c.to,
    rank,
    version: cur.version + 1,
    enteredAt: changesColumn ? d.ctx.now : cur.enteredAt,
    enteredSeq: changesColumn ? d.nextSeq : cur.enteredSeq,
  };
  d.emit({ type: EventType.CARD_MOVED, cardId: cur.id, loopId: cur.loopId, from: cur.column, to: c.to, card: moved });
  if (rank.length > Limits.RANK_LENGTH) respace(d, cur.stationId, c.to);
  return { card: d.state.cards[cur.id] ?? moved, seq: d.state.seq };
}

/**
 * Gives a column evenly spaced, short ordering keys again. Placing a card before the
 * same card over and over lengthens its key by about a character every five moves;
 * past Limits.RANK_LENGTH the column is re-spaced in the same command, each card that
 * gets a new key as a reorder (a card.moved within its column), after the move itself.
 */
function respace(d: Draft, stationId: string, column: Column): void {
  const list = columnCards(d.state, stationId, column);
  const keys = spacedRanks(list.length);
  list.forEach((x, i) => {
    const rank = keys[i]!;
    if (x.rank === rank) return;
    const card: Card = { ...x, rank, version: x.version + 1 };
    d.emit({ type: EventType.CARD_MOVED, cardId: x.id, loopId: x.loopId, from: column, to: column, card });
  });
}

/**
 * The input containers the start of `cur` used and that still wait, untouched, in their
 * supplier's Requested: the cascade put them there in the events just before the start
 * (seqs start-n .. start-1), and any later change of column would have moved their
 * enteredSeq. One whose refill has begun is circulating again and stays consumed.
 */
function containersUsedByStart(s: BoardState, cur: Card): Card[] {
  const lp = loop(s, cur.loopId);
  const n = lp.inputLoopIds.length;
  const start = cur.enteredSeq;
  const used: Card[] = [];
  for (const inputId of lp.inputLoopIds) {
    const hit = loopCards(s, inputId).find(
      (c) => c.column === Column.REQUESTED && c.enteredSeq >= start - n && c.enteredSeq < start,
    );
    if (hit) used.push(hit);
  }
  return used;
}

/** Puts a used container back at the front of its supplier's Done (it was the oldest). */
function returnContainer(d: Draft, used: Card, by: Card): void {
  checkWipLimit(d.state, used.stationId, Column.DONE);
  const full = fullContainers(d.state, used.loopId);
  const first = columnCards(d.state, used.stationId, Column.DONE)[0];
  const back: Card = {
    ...used,
    column: Column.DONE,
    rank: rankBetween(null, first?.rank ?? null),
    version: used.version + 1,
    cycle: Math.max(0, used.cycle - 1),
    enteredAt: d.ctx.now,
    // First in line again for the next consumption (FIFO), as it was before the start.
    enteredSeq: Math.min(d.nextSeq, ...full.map((c) => c.enteredSeq)),
  };
  d.emit({ type: EventType.CARD_RETURNED, cardId: used.id, loopId: used.loopId, returnedByCardId: by.id, card: back });
}

/** The ordering key that puts `cur` just before `beforeId` in the target column (or last). */
function rankFor(s: BoardState, cur: Card, to: Column, beforeId: string | null): string {
  const list = columnCards(s, cur.stationId, to).filter((x) => x.id !== cur.id);
  if (beforeId === null) return rankBetween(list.at(-1)?.rank ?? null, null);
  if (beforeId === cur.id) throw invalid('A card cannot be placed before itself');
  card(s, beforeId); // unknown id: NOT_FOUND
  const i = list.findIndex((x) => x.id === beforeId);
  if (i < 0) {
    throw new DomainError(
      ErrorCode.INVALID_TRANSITION,
      `Card ${beforeId} is not in ${COLUMN_LABELS[to]} of this station`,
      { cardId: cur.id, beforeCardId: beforeId, to },
    );
  }
  return rankBetween(list[i - 1]?.rank ?? null, list[i]!.rank);
}

// ---------------------------------------------------------------- consumption

/** A full container is used: its card goes back to the supplier's Requested (the pull signal). */
function emitConsume(d: Draft, full: Card, causedByCardId: string | null): Card {
  const lp = loop(d.state, full.loopId);
  const back: Card = {
    ...full,
    column: Column.REQUESTED,
    rank: rankAtEnd(d.state, full.stationId, Column.REQUESTED),
    version: full.version + 1,
    cycle: full.cycle + 1,
    enteredAt: d.ctx.now,
    enteredSeq: d.nextSeq,
    requestedAt: d.ctx.now,
  };
  d.emit({
    type: EventType.CARD_CONSUMED,
    cardId: full.id,
    loopId: lp.id,
    consumerStationId: lp.consumerStationId,
    causedByCardId,
    card: back,
  });
  return back;
}

function consumeCard(d: Draft, c: CommandOf<'card.consume'>): CommandResults['card.consume'] {
  const cur = card(d.state, c.cardId);
  checkVersion(cur, c.expectedVersion);
  if (cur.column !== Column.DONE) {
    throw new DomainError(
      ErrorCode.INVALID_TRANSITION,
      `Only a full container can be used; card ${cur.serial} is in ${COLUMN_LABELS[cur.column]}`,
      { cardId: cur.id, column: cur.column },
    );
  }
  const back = emitConsume(d, cur, null);
  return { card: back, seq: d.state.seq };
}

// ---------------------------------------------------------------- scanning

/**
 * A card's code scanned at a station does the step that station takes with that card:
 * the consuming station uses a full container; the supplying station starts a
 * requested card or finishes one in progress. Each step runs the same rule as the
 * button for it (WIP limits, starvation, the cascade). Anything else is refused in
 * words that say where the card is and where it can be scanned.
 */
function scanCard(d: Draft, c: CommandOf<'card.scan'>): CommandResults['card.scan'] {
  const st = station(d.state, c.stationId);
  const code = normalizeCode(c.code);
  const cur = code === null ? undefined : cardWithCode(d.state, code);
  if (!cur) {
    throw new DomainError(ErrorCode.NOT_FOUND, `No card has the code "${excerpt(c.code, 20)}"`, { code: excerpt(c.code, 20) });
  }
  const lp = loop(d.state, cur.loopId);
  const what = `${lp.partNumber} card ${cur.serial} of ${lp.cardCount} (${formatCode(cur.code)})`;
  const supplier = station(d.state, lp.supplierStationId);
  const consumer = station(d.state, lp.consumerStationId);
  const refuse = (why: string) =>
    new DomainError(ErrorCode.INVALID_TRANSITION, `${what} ${why}`, {
      cardId: cur.id,
      code: cur.code,
      stationId: st.id,
      column: cur.column,
    });
  if (st.id === consumer.id) {
    if (cur.column !== Column.DONE) {
      throw refuse(`is not a full container: it is in ${COLUMN_LABELS[cur.column]} at ${supplier.name}, waiting to be refilled`);
    }
    const r = consumeCard(d, { type: 'card.consume', cardId: cur.id });
    return { action: 'consume', ...r };
  }
  if (st.id === supplier.id) {
    if (cur.column === Column.DONE) {
      throw refuse(`is already full in ${supplier.name}'s Done: scan it at ${consumer.name} when the container is used`);
    }
    const to = cur.column === Column.REQUESTED ? Column.IN_PROGRESS : Column.DONE;
    const r = moveCard(d, { type: 'card.move', cardId: cur.id, to });
    return { action: to === Column.IN_PROGRESS ? 'start' : 'finish', ...r };
  }
  throw refuse(`goes from ${supplier.name} to ${consumer.name}: scan it there, not at ${st.name}`);
}

function consumeLoop(d: Draft, c: CommandOf<'loop.consume'>): CommandResults['loop.consume'] {
  const lp = loop(d.state, c.loopId);
  const oldest = fullContainers(d.state, lp.id)[0];
  if (!oldest) {
    throw new DomainError(ErrorCode.STARVED, `Stock-out: no full container of ${lp.partNumber}`, {
      loopId: lp.id,
      partNumber: lp.partNumber,
    });
  }
  const back = emitConsume(d, oldest, null);
  return { card: back, seq: d.state.seq };
}

// ---------------------------------------------------------------- undo

const sameActor = (a: Actor, b: Actor) => a.kind === b.kind && a.id === b.id;

/**
 * Undoes a Use, Start or Finish: the card goes back to the column it left, as it was
 * (its place, its cycle, when it entered), with a new version. Only the person or
 * device that did the step may undo it, only within Limits.UNDO_WINDOW_SECONDS, and only
 * while the card is still as the step left it; anything later is a team lead's step
 * back. Undoing a Start gives back the input containers its cascade used, as a step
 * back does. The log keeps both the step and its undo (card.undone).
 */
function undoCard(d: Draft, c: CommandOf<'card.undo'>): CommandResults['card.undo'] {
  const cur = card(d.state, c.cardId);
  const lp = loop(d.state, cur.loopId);
  const what = `${lp.partNumber} card ${cur.serial} of ${lp.cardCount}`;
  const refuse = (why: string, details: Record<string, unknown> = {}) =>
    new DomainError(ErrorCode.INVALID_TRANSITION, `Cannot undo: ${why}`, { cardId: cur.id, ...details });
  const last = d.ctx.lastChange?.(cur.id);
  if (c.version !== cur.version || !last || !('card' in last.event) || last.event.card.version !== cur.version) {
    throw refuse(`${what} has changed since; ask a team lead to step it back if it is wrong`, {
      version: cur.version,
      expectedVersion: c.version,
    });
  }
  const e = last.event;
  const undoable =
    (e.type === EventType.CARD_CONSUMED && e.causedByCardId === null) ||
    (e.type === EventType.CARD_MOVED && (moveKind(e.from, e.to) === MoveKind.START || moveKind(e.from, e.to) === MoveKind.FINISH));
  if (!undoable) throw refuse(`only a Use, Start or Finish can be undone`, { seq: e.seq, type: e.type });
  if (!sameActor(e.actor, d.ctx.actor)) {
    throw refuse(`only ${e.actor.name || 'who did it'} can undo this step; a team lead can step the card back`, { seq: e.seq });
  }
  const ageSeconds = (Date.parse(d.ctx.now) - Date.parse(e.at)) / 1000;
  if (!(ageSeconds <= Limits.UNDO_WINDOW_SECONDS)) {
    throw refuse(`it is more than ${Limits.UNDO_WINDOW_SECONDS} s since that step; a team lead can step the card back`, {
      seq: e.seq,
      seconds: Math.round(ageSeconds),
      limitSeconds: Limits.UNDO_WINDOW_SECONDS,
    });
  }
  const to = e.type === EventType.CARD_CONSUMED ? Column.DONE : e.from;
  if (to !== Column.REQUESTED) checkWipLimit(d.state, cur.stationId, to);
  if (e.type === EventType.CARD_MOVED && to === Column.REQUESTED) {
    for (const used of containersUsedByStart(d.state, cur)) returnContainer(d, used, cur);
  }
  const before = last.before;
  const column = columnCards(d.state, cur.stationId, to);
  const rankFree = before !== null && before.column === to && !column.some((x) => x.rank === before.rank);
  const full = to === Column.DONE ? fullContainers(d.state, cur.loopId) : [];
  const back: Card = {
    ...cur,
    column: to,
    // Its old place if nobody took it, else the front: it was there first.
    rank: rankFree ? before.rank : rankBetween(null, column[0]?.rank ?? null),
    version: cur.version + 1,
    cycle: e.type === EventType.CARD_CONSUMED ? Math.max(0, cur.cycle - 1) : cur.cycle,
    enteredAt: before?.enteredAt ?? d.ctx.now,
    enteredSeq: before?.enteredSeq ?? Math.min(d.nextSeq, ...full.map((x) => x.enteredSeq)),
    requestedAt: e.type === EventType.CARD_CONSUMED ? (before?.requestedAt ?? null) : cur.requestedAt,
  };
  d.emit({ type: EventType.CARD_UNDONE, cardId: cur.id, loopId: cur.loopId, undoneSeq: e.seq, from: cur.column, to, card: back });
  return { card: back, seq: d.state.seq };
}

// ---------------------------------------------------------------- retiring loops, removing stations

/**
 * Retires a loop: it and its cards leave the board; their history stays in the log. A
 * loop that used it as an input stops doing so (the same command updates it first).
 * Refused while any of its containers is being refilled, so no work in process vanishes.
 */
function retireLoop(d: Draft, c: CommandOf<'loop.retire'>): CommandResults['loop.retire'] {
  const lp = loop(d.state, c.loopId);
  const cards = loopCards(d.state, lp.id);
  const busy = cards.filter((x) => x.column === Column.IN_PROGRESS);
  if (busy.length > 0) {
    throw new DomainError(
      ErrorCode.INVALID_TRANSITION,
      `${lp.partNumber}: ${busy.length} of its cards ${busy.length === 1 ? 'is' : 'are'} In Progress; finish or step ${busy.length === 1 ? 'it' : 'them'} back before retiring the loop`,
      { loopId: lp.id, inProgress: busy.length },
    );
  }
  for (const user of Object.values(d.state.loops)) {
    if (!user.inputLoopIds.includes(lp.id)) continue;
    d.emit({
      type: EventType.LOOP_UPDATED,
      loop: { ...user, inputLoopIds: user.inputLoopIds.filter((id) => id !== lp.id) },
      addedCards: [],
      removedCardIds: [],
    });
  }
  d.emit({ type: EventType.LOOP_RETIRED, loop: lp, removedCardIds: cards.map((x) => x.id) });
  return { loop: lp };
}

/**
 * Removes a station that no loop uses any more (retire its loops first); the stations
 * after it move up. One with an andon call in force is refused: clear the call first,
 * so its duration is logged.
 */
function removeStation(d: Draft, c: CommandOf<'station.remove'>): CommandResults['station.remove'] {
  const st = station(d.state, c.stationId);
  const used = Object.values(d.state.loops).filter((l) => l.supplierStationId === st.id || l.consumerStationId === st.id);
  if (used.length > 0) {
    const names = used.slice(0, 5).map((l) => l.partNumber);
    throw new DomainError(
      ErrorCode.INVALID_TRANSITION,
      `${st.name} still has ${used.length} ${used.length === 1 ? 'loop' : 'loops'} (${names.join(', ')}${used.length > 5 ? ', …' : ''}): retire ${used.length === 1 ? 'it' : 'them'} first`,
      { stationId: st.id, loopIds: used.map((l) => l.id) },
    );
  }
  if (st.andon) {
    throw new DomainError(ErrorCode.INVALID_TRANSITION, `${st.name} has an andon call in force: clear it first`, {
      stationId: st.id,
    });
  }
  d.emit({ type: EventType.STATION_REMOVED, station: st });
  orderedStations(d.state).forEach((x, i) => {
    if (x.position !== i) d.emit({ type: EventType.STATION_UPDATED, station: { ...x, position: i } });
  });
  return { station: st };
}

// ---------------------------------------------------------------- andon

/** Seconds between two ISO times (never negative). */
function secondsBetween(from: string, to: string): number {
  return Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));
}

/**
 * Raises an andon call at a station. One call is in force per station: raising another
 * kind replaces it (the first is logged as cleared with its duration, e.g. a call for
 * help escalated to a line stop); raising the same kind again is refused.
 */
function raiseAndon(d: Draft, c: CommandOf<'andon.raise'>): CommandResults['andon.raise'] {
  const st = station(d.state, c.stationId);
  if (st.andon?.kind === c.kind) {
    throw new DomainError(
      ErrorCode.INVALID_TRANSITION,
      `${st.name}: ${ANDON_LABELS[c.kind]} is already raised`,
      { stationId: st.id, kind: c.kind },
    );
  }
  if (st.andon) {
    d.emit({
      type: EventType.ANDON_CLEARED,
      stationId: st.id,
      andon: st.andon,
      durationSeconds: secondsBetween(st.andon.raisedAt, d.ctx.now),
    });
  }
  const andon = { kind: c.kind, note: c.note ?? '', raisedAt: d.ctx.now, raisedBy: d.ctx.actor.name };
  d.emit({ type: EventType.ANDON_RAISED, stationId: st.id, andon });
  return { station: d.state.stations[st.id]! };
}

/** Clears the station's andon call; the event logs how long it was in force. */
function clearAndon(d: Draft, c: CommandOf<'andon.clear'>): CommandResults['andon.clear'] {
  const st = station(d.state, c.stationId);
  if (!st.andon) {
    throw new DomainError(ErrorCode.INVALID_TRANSITION, `${st.name} has no andon call to clear`, {
      stationId: st.id,
    });
  }
  d.emit({
    type: EventType.ANDON_CLEARED,
    stationId: st.id,
    andon: st.andon,
    durationSeconds: secondsBetween(st.andon.raisedAt, d.ctx.now),
  });
  return { station: d.state.stations[st.id]! };
}
