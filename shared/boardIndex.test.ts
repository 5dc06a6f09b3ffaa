// The board's query indexes (shared/board.ts): whatever commands run, in place with
// refusals and undo (the server) or copy-on-write (a screen), every query answers exactly
// what a scan of the whole board answers, in the same order.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BoardWriter,
  applyEvents,
  columnCards,
  columnCount,
  fullContainers,
  inboundLoops,
  loopCards,
  starvedInputs,
  stockOuts,
} from './board.ts';
import type { BoardState } from './board.ts';
import type { Command, CommandType } from './commands.ts';
import { DomainError } from './errors.ts';
import { COLUMNS, Column, ErrorCode, EventType, Role, StationKind } from './names.ts';
import { compareRank } from './ordering.ts';
import { decide } from './rules.ts';
import type { Decision } from './rules.ts';
import type { BoardEvent, Card, Loop } from './schemas.ts';
import { RulesPlant, T0, deepFreeze, randomStep, runSteps } from './testPlant.ts';

const { REQUESTED, IN_PROGRESS, DONE } = Column;

// ---------------------------------------------------------------- the scans

// The queries as they were before the indexes: a walk of every card or loop.
const scan = {
  columnCards: (s: BoardState, stationId: string, column: Column): Card[] =>
    Object.values(s.cards)
      .filter((c) => c.stationId === stationId && c.column === column)
      .sort((a, b) => compareRank(a.rank, b.rank)),
  columnCount: (s: BoardState, stationId: string, column: Column): number =>
    Object.values(s.cards).filter((c) => c.stationId === stationId && c.column === column).length,
  loopCards: (s: BoardState, loopId: string): Card[] => Object.values(s.cards).filter((c) => c.loopId === loopId),
  fullContainers: (s: BoardState, loopId: string): Card[] =>
    scan
      .loopCards(s, loopId)
      .filter((c) => c.column === DONE)
      .sort((a, b) => a.enteredSeq - b.enteredSeq || compareRank(a.rank, b.rank)),
  inboundLoops: (s: BoardState, stationId: string): Loop[] =>
    Object.values(s.loops).filter((l) => l.consumerStationId === stationId),
  stockOuts: (s: BoardState, stationId: string): Loop[] =>
    s.stations[stationId]?.kind !== StationKind.CUSTOMER
      ? []
      : scan.inboundLoops(s, stationId).filter((l) => scan.fullContainers(s, l.id).length === 0),
  starvedInputs: (s: BoardState, stationId: string): Loop[] => {
    if (!Object.values(s.cards).some((c) => c.stationId === stationId && c.column === REQUESTED)) return [];
    const inputs = new Set<string>();
    for (const l of Object.values(s.loops)) {
      if (l.supplierStationId !== stationId) continue;
      if (Object.values(s.cards).some((c) => c.loopId === l.id && c.column === REQUESTED)) {
        for (const id of l.inputLoopIds) inputs.add(id);
      }
    }
    return [...inputs]
      .map((id) => s.loops[id])
      .filter((l): l is Loop => l !== undefined && scan.fullContainers(s, l.id).length === 0);
  },
};

const ids = (xs: readonly { id: string }[]) => xs.map((x) => x.id);

/** Fails unless every query on `s` answers what the scans answer, the same objects in the same order. */
function expectIndexesRight(s: BoardState, where = ''): void {
  const stationIds = [...Object.keys(s.stations), 'st-404'];
  const loopIds = [...Object.keys(s.loops), 'lp-404'];
  for (const st of stationIds) {
    for (const col of COLUMNS) {
      const got = columnCards(s, st, col);
      const want = scan.columnCards(s, st, col);
      expect(ids(got), `${where} columnCards ${st} ${col}`).toEqual(ids(want));
      got.forEach((c, i) => expect(c).toBe(want[i]));
      expect(columnCount(s, st, col), `${where} columnCount ${st} ${col}`).toBe(want.length);
    }
    expect(ids(inboundLoops(s, st)), `${where} inboundLoops ${st}`).toEqual(ids(scan.inboundLoops(s, st)));
    expect(ids(stockOuts(s, st)), `${where} stockOuts ${st}`).toEqual(ids(scan.stockOuts(s, st)));
    expect(ids(starvedInputs(s, st)), `${where} starvedInputs ${st}`).toEqual(ids(scan.starvedInputs(s, st)));
  }
  for (const lp of loopIds) {
    const got = loopCards(s, lp);
    const want = scan.loopCards(s, lp);
    expect(ids(got), `${where} loopCards ${lp}`).toEqual(ids(want));
    got.forEach((c, i) => expect(c).toBe(want[i]));
    expect(ids(fullContainers(s, lp)), `${where} fullContainers ${lp}`).toEqual(ids(scan.fullContainers(s, lp)));
  }
}

/** A board with fresh maps: no index until its first query. */
const clone = (s: BoardState): BoardState => JSON.parse(JSON.stringify(s)) as BoardState;

/**
 * Steel (external supplier) -> Machining -> Assembly -> Shipping (customer), as
 * testPlant's smallPlant, built on the given plant (so its ids stay unique):
 * blank Steel->Machining 3; shaft Machining->Assembly 3, input blank; housing
 * Steel->Assembly 2; pump Assembly->Shipping 2, inputs shaft and housing.
 */
function buildSmallPlant(plant: RulesPlant) {
  const steel = plant.station('Steel', { kind: StationKind.SUPPLIER });
  const machining = plant.station('Machining', { wipLimits: { inProgress: 2, done: 4 } });
  const assembly = plant.station('Assembly');
  const shipping = plant.station('Shipping', { kind: StationKind.CUSTOMER });
  const blank = plant.loop('BLK', steel, machining, 3);
  const shaft = plant.loop('SHF', machining, assembly, 3, { inputs: [blank] });
  const housing = plant.loop('HSG', steel, assembly, 2);
  const pump = plant.loop('PMP', assembly, shipping, 2, { inputs: [shaft, housing] });
  return { steel, machining, assembly, shipping, blank, shaft, housing, pump };
}

/** Uses a container of shaft and of pump, so a random walk soon starts one (a cascade). */
function withSignals(plant: RulesPlant, p: ReturnType<typeof buildSmallPlant>): void {
  plant.consumeLoop(p.shaft);
  plant.consumeLoop(p.pump);
}

// ---------------------------------------------------------------- the property

/** What else happens around one command of the random stream on the server's board. */
interface Around {
  /** The transaction fails: the accepted command is undone. */
  commitFails: boolean;
  /** The board is reloaded first (fresh maps, no index until a query builds one). */
  reload: boolean;
  /** A copy-on-write decision of the same command is taken off the live board first. */
  fork: boolean;
}
const around = fc.record({ commitFails: fc.boolean(), reload: fc.boolean(), fork: fc.boolean() });

/**
 * The server: every command decided in place on one live board, and checked before the
 * commit, after a refusal and after an undo. Copy-on-write decisions forked off the live
 * board (as a catch-up or a test would) are kept, to check that later in-place writes
 * never reach them through a shared index.
 */
class ServerPlant extends RulesPlant {
  /** What happens around each command still to run (none: the plant is being set up). */
  plan: Around[] = [];
  /** Forked boards and their cards as decided (the maps a fork did not write are the live board's own). */
  readonly forks: Array<{ state: BoardState; cards: string }> = [];
  readonly outcomes = new Map<string, number>();

  constructor() {
    super();
    this.state = { seq: 0, stations: {}, loops: {}, cards: {} }; // never the shared emptyBoard
  }

  override run<K extends CommandType>(command: Command<K>, opts: { role?: Role } = {}): Decision<K> {
    const a = this.plan.shift() ?? { commitFails: false, reload: false, fork: false };
    if (a.reload) this.state = clone(this.state);
    if (a.fork) this.forkOff(command, opts.role);
    const live = this.state;
    // (toEqual, not the JSON: an undone removal puts the key back at the end of its record)
    const before = clone(live);
    let d: Decision<K>;
    try {
      d = decide(live, command, this.context(opts.role), { inPlace: true });
    } catch (e) {
      if (e instanceof DomainError) {
        this.count(`refused ${command.type}`);
        expect(live, 'a refusal leaves the board as it was').toEqual(before);
        expectIndexesRight(live, 'after a refusal:');
      }
      throw e;
    }
    expect(d.state).toBe(live);
    expectIndexesRight(live, `after ${command.type}:`);
    if (a.commitFails) {
      d.undo();
      this.count(`undone ${d.events.map((e) => e.type).join('+')}`);
      expect(live, 'undo restores the board').toEqual(before);
      expectIndexesRight(live, `after undoing ${command.type}:`);
      this.checkForks();
      throw new DomainError(ErrorCode.VALIDATION_FAILED, 'the commit failed');
    }
    this.count(`accepted ${command.type}`);
    this.log.push(...d.events);
    this.checkForks();
    return d;
  }

  private checkForks(): void {
    for (const f of this.forks) {
      expect(JSON.stringify(f.state.cards), 'a copy-on-write decision is not changed by later ones').toBe(f.cards);
      expectIndexesRight(f.state, 'on a fork:');
    }
  }

  private forkOff<K extends CommandType>(command: Command<K>, role: Role | undefined): void {
    try {
      const d = decide(this.state, command, this.context(role));
      if (d.state.cards === this.state.cards) return; // it wrote no card: nothing of its own to keep
      this.forks.push({ state: d.state, cards: JSON.stringify(d.state.cards) });
      if (this.forks.length > 4) this.forks.shift();
      this.count('forked');
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
    }
  }

  private count(key: string): void {
    this.outcomes.set(key, (this.outcomes.get(key) ?? 0) + 1);
  }
}

/** A screen: every command copy-on-write, every board kept (frozen) and checked again at the end. */
class ScreenPlant extends RulesPlant {
  readonly history: BoardState[] = [];

  override run<K extends CommandType>(command: Command<K>, opts: { role?: Role } = {}): Decision<K> {
    const d = super.run(command, opts);
    this.state = deepFreeze(d.state);
    this.history.push(this.state);
    expectIndexesRight(this.state, `after ${command.type}:`);
    return d;
  }
}

describe('the board indexes under random commands', () => {
  it('answer as a scan does on the server board: in place, refused, undone, reloaded and forked', () => {
    const totals = new Map<string, number>();
    fc.assert(
      fc.property(fc.array(fc.tuple(randomStep, around), { minLength: 1, maxLength: 40 }), (steps) => {
        const plant = new ServerPlant();
        withSignals(plant, buildSmallPlant(plant));
        expectIndexesRight(plant.state, 'the start:');
        plant.plan = steps.map(([, a]) => a);
        runSteps(
          plant,
          steps.map(([st]) => st),
        );
        for (const [k, n] of plant.outcomes) totals.set(k, (totals.get(k) ?? 0) + n);
        // The log rebuilds the board (the undone commands left no trace), and so do its indexes.
        const replayed = applyEvents({ seq: 0, stations: {}, loops: {}, cards: {} }, plant.log);
        expect(replayed).toEqual(plant.state);
        expectIndexesRight(replayed, 'replayed:');
      }),
      { numRuns: 100 },
    );
    // The walk must reach what can go wrong, or the property proves little.
    const reached = (prefix: string) => [...totals].some(([k, n]) => k.startsWith(prefix) && n > 0);
    for (const prefix of [
      'accepted card.move',
      'accepted loop.update',
      'accepted loop.create',
      'refused card.move',
      `undone ${EventType.CARD_CONSUMED}+`, // a cascade start undone
      `undone ${EventType.LOOP_UPDATED}`, // cards removed or added, undone
      'forked',
    ]) {
      expect(reached(prefix), `"${prefix}" reached`).toBe(true);
    }
  });

  it('answer as a scan does on a screen’s boards, each copy-on-write from the last, old ones included', () => {
    fc.assert(
      fc.property(fc.array(randomStep, { minLength: 1, maxLength: 40 }), (steps) => {
        const plant = new ScreenPlant();
        withSignals(plant, buildSmallPlant(plant));
        runSteps(plant, steps);
        // Later copies changed only their own buckets: every earlier board still answers right.
        for (const s of plant.history) expectIndexesRight(s, `board at seq ${s.seq}:`);
      }),
      { numRuns: 60 },
    );
  });
});

// ---------------------------------------------------------------- undo, by hand

describe('the board indexes and undo', () => {
  /** A live board (fresh maps) of the small plant, its indexes built by a first check. */
  function livePlant() {
    const plant = new RulesPlant();
    const p = buildSmallPlant(plant);
    const live = clone(plant.state);
    expectIndexesRight(live);
    return { plant, live, ...p };
  }
  const answers = (s: BoardState) =>
    Object.keys(s.stations).flatMap((st) => [
      ...COLUMNS.map((col) => ids(columnCards(s, st, col))),
      ids(starvedInputs(s, st)),
      ids(stockOuts(s, st)),
    ]);

  it('undoing a cascade start puts every card back in its column and loop', () => {
    const { plant, live, pump, shaft, housing, assembly } = livePlant();
    const was = answers(live);
    const card = Object.values(live.cards).find((c) => c.loopId === pump.id)!;
    // Make it a signal to start: use the full container (it goes to Assembly's Requested).
    const used = decide(live, { type: 'card.consume', cardId: card.id }, plant.context(), { inPlace: true });
    expect(columnCount(live, assembly.id, REQUESTED)).toBe(1);
    const start = decide(live, { type: 'card.move', cardId: card.id, to: IN_PROGRESS }, plant.context(), { inPlace: true });
    expect(start.events.map((e) => e.type)).toEqual([EventType.CARD_CONSUMED, EventType.CARD_CONSUMED, EventType.CARD_MOVED]);
    expect(fullContainers(live, shaft.id)).toHaveLength(2);
    expect(fullContainers(live, housing.id)).toHaveLength(1);
    expect(columnCount(live, assembly.id, IN_PROGRESS)).toBe(1);
    expectIndexesRight(live, 'started:');

    start.undo();
    expect(columnCount(live, assembly.id, REQUESTED)).toBe(1);
    expect(columnCount(live, assembly.id, IN_PROGRESS)).toBe(0);
    expect(fullContainers(live, shaft.id)).toHaveLength(3);
    expect(fullContainers(live, housing.id)).toHaveLength(2);
    expectIndexesRight(live, 'start undone:');
    used.undo();
    expect(answers(live)).toEqual(was);
    expectIndexesRight(live, 'all undone:');
  });

  it('undoing a loop update brings its removed cards back, in the order a scan finds them', () => {
    const { plant, live, blank } = livePlant();
    const d = decide(live, { type: 'loop.update', loopId: blank.id, cardCount: 1 }, plant.context(), { inPlace: true });
    expect(loopCards(live, blank.id)).toHaveLength(1);
    expectIndexesRight(live, 'lowered:');
    d.undo();
    expect(loopCards(live, blank.id)).toHaveLength(3);
    // The record got the removed cards back at its end; the loop's list follows it.
    expect(ids(loopCards(live, blank.id))).toEqual(ids(scan.loopCards(live, blank.id)));
    expectIndexesRight(live, 'undone:');
  });

  it('keeps an index right that a query built between a write and its undo', () => {
    const { plant, blank } = livePlant();
    const live = clone(plant.state); // no index yet
    const gone = Object.values(live.cards).find((c) => c.loopId === blank.id)!;
    const added: Card = { ...gone, id: 'cd-added', serial: 9, column: REQUESTED };
    const e: BoardEvent = {
      type: EventType.LOOP_UPDATED,
      seq: live.seq + 1,
      at: T0,
      actor: { kind: 'user', id: 'us_tester', name: 'tester' },
      loop: { ...blank, cardCount: 3 },
      addedCards: [added],
      removedCardIds: [gone.id],
    };
    const w = new BoardWriter(live, true);
    w.apply(e);
    expect(ids(loopCards(live, blank.id))).toContain('cd-added'); // the first query: builds the index now
    expectIndexesRight(live, 'written:');
    w.undo();
    expect(ids(loopCards(live, blank.id))).not.toContain('cd-added');
    expect(ids(loopCards(live, blank.id))).toContain(gone.id);
    expectIndexesRight(live, 'undone:');
  });

  it('leaves a copy-on-write board alone when its source is then changed in place', () => {
    const { plant, live, blank, pump, steel, assembly } = livePlant();
    const card = fullContainers(live, blank.id)[0]!;
    const copy = deepFreeze(decide(live, { type: 'card.consume', cardId: card.id }, plant.context()).state);
    const copyJson = JSON.stringify(copy.cards);
    expectIndexesRight(copy, 'the copy:');
    // The live board changes, in place, a loop and a station the copy did not touch: buckets
    // the two still share, which only a copy may change.
    const other = fullContainers(live, pump.id)[0]!;
    decide(live, { type: 'card.consume', cardId: other.id }, plant.context(), { inPlace: true });
    expect(ids(columnCards(live, assembly.id, REQUESTED))).toEqual([other.id]);
    expect(columnCards(copy, assembly.id, REQUESTED)).toEqual([]);
    expect(fullContainers(copy, pump.id)).toHaveLength(2);
    expect(ids(columnCards(copy, steel.id, REQUESTED))).toEqual([card.id]);
    expect(JSON.stringify(copy.cards)).toBe(copyJson);
    expectIndexesRight(live, 'the live board:');
    expectIndexesRight(copy, 'the copy after:');
  });
});
