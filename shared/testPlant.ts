// Test fixtures for the pure domain: a deterministic command context and a small plant
// built through `decide`, the same way the server builds one. Used only by tests.
import fc from 'fast-check';
import { emptyBoard } from './board.ts';
import type { BoardState } from './board.ts';
import { DomainError } from './errors.ts';
import { AndonKind, COLUMNS, Column, StationKind } from './names.ts';
import { decide, lastChangeIn } from './rules.ts';
import { Role } from './names.ts';
import type { CommandContext, Decision } from './rules.ts';
import type { BoardEvent, Card, Loop, Station } from './schemas.ts';
import type { Command, CommandOf, CommandType } from './commands.ts';

/** The clock every fixture starts at. */
export const T0 = '2025-03-03T06:00:00.000Z';

/** A context with a fixed clock and counter-based ids ("st-1", "lp-1", "cd-1", ...). */
export function testContext(over: Partial<Omit<CommandContext, 'newId'>> = {}): CommandContext {
  const counters = new Map<string, number>();
  return {
    now: T0,
    actor: { kind: 'user', id: 'us_tester', name: 'tester' },
    stationIds: [],
    role: Role.LEAD,
    newId: (prefix) => {
      const n = (counters.get(prefix) ?? 0) + 1;
      counters.set(prefix, n);
      return `${prefix}-${n}`;
    },
    ...over,
  };
}

type StationOptions = Omit<CommandOf<'station.create'>, 'type' | 'name'>;
interface LoopOptions {
  inputs?: Loop[];
  containerQty?: number;
  leadTimeMinutes?: number;
  partName?: string;
}
interface RunOptions {
  role?: Role;
}

/** A board that commands are run against with `decide`; keeps the state and the event log. */
export class RulesPlant {
  state: BoardState = emptyBoard;
  readonly log: BoardEvent[] = [];
  /** The time stamped on the next command's events. */
  now = T0;
  private readonly ctx = testContext();

  /** The context a command runs with (fixed clock, counter ids, the given role). */
  context(role: Role = Role.LEAD, stationIds?: readonly string[]): CommandContext {
    // An operator works at every station of the test plant unless a test says otherwise.
    const at = stationIds ?? (role === Role.OPERATOR ? Object.keys(this.state.stations) : []);
    return { ...this.ctx, now: this.now, role, stationIds: at, lastChange: (cardId) => lastChangeIn(this.log, cardId) };
  }

  /** Runs one command and keeps its events and state. Throws the DomainError when refused. */
  run<K extends CommandType>(command: Command<K>, opts: RunOptions = {}): Decision<K> {
    const d = decide(this.state, command, this.context(opts.role));
    this.state = d.state;
    this.log.push(...d.events);
    return d;
  }

  /** Runs one command as `role` bound to `stationIds` (an operator at given stations). */
  runAs<K extends CommandType>(command: Command<K>, role: Role, stationIds: readonly string[]): Decision<K> {
    const d = decide(this.state, command, this.context(role, stationIds));
    this.state = d.state;
    this.log.push(...d.events);
    return d;
  }

  station(name: string, opts: StationOptions = {}): Station {
    const d = this.run({ type: 'station.create', name, ...opts });
    return d.result.station;
  }

  loop(partNumber: string, supplier: Station, consumer: Station, cardCount: number, opts: LoopOptions = {}): Loop {
    const d = this.run({
      type: 'loop.create',
      partNumber,
      partName: opts.partName ?? partNumber,
      supplierStationId: supplier.id,
      consumerStationId: consumer.id,
      cardCount,
      containerQty: opts.containerQty ?? 10,
      leadTimeMinutes: opts.leadTimeMinutes ?? 60,
      inputLoopIds: (opts.inputs ?? []).map((l) => l.id),
    });
    return d.result.loop;
  }

  /** Sets a station's limits: `soft` marks both limits soft. */
  limit(st: Station, inProgress: number | null, done: number | null, soft = false): Station {
    const d = this.run({
      type: 'station.update',
      stationId: st.id,
      wipLimits: { inProgress, done },
      softLimits: { inProgress: soft, done: soft },
    });
    return d.result.station;
  }

  move(
    cardId: string,
    to: Column,
    opts: RunOptions & { before?: string | null; expectedVersion?: number } = {},
  ): Decision<'card.move'> {
    return this.run(
      {
        type: 'card.move',
        cardId,
        to,
        ...(opts.before !== undefined ? { beforeCardId: opts.before } : {}),
        ...(opts.expectedVersion !== undefined ? { expectedVersion: opts.expectedVersion } : {}),
      },
      opts,
    );
  }

  consume(cardId: string, expectedVersion?: number): Decision<'card.consume'> {
    return this.run({
      type: 'card.consume',
      cardId,
      ...(expectedVersion !== undefined ? { expectedVersion } : {}),
    });
  }

  consumeLoop(loop: Loop): Decision<'loop.consume'> {
    return this.run({ type: 'loop.consume', loopId: loop.id });
  }

  card(id: string): Card {
    const c = this.state.cards[id];
    if (!c) throw new Error(`test fixture: no card ${id}`);
    return c;
  }

  /** The loop's cards, by serial. */
  cardsOf(loop: Loop): Card[] {
    return Object.values(this.state.cards)
      .filter((c) => c.loopId === loop.id)
      .sort((a, b) => a.serial - b.serial);
  }

  /** The card with this serial of the loop ("card 2 of 3"). */
  serial(loop: Loop, serial: number): Card {
    const c = this.cardsOf(loop).find((x) => x.serial === serial);
    if (!c) throw new Error(`test fixture: loop ${loop.id} has no card ${serial}`);
    return c;
  }

  /**
   * Takes a card round its cycle (consume, start, finish) until it is in `column`,
   * as the floor would. Use it on loops without inputs, or with full inputs.
   */
  bring(cardId: string, column: Column): Card {
    for (let i = 0; i < 3 && this.card(cardId).column !== column; i++) {
      const from = this.card(cardId).column;
      if (from === Column.DONE) this.consume(cardId);
      else this.move(cardId, from === Column.REQUESTED ? Column.IN_PROGRESS : Column.DONE);
    }
    return this.card(cardId);
  }
}


/**
 * A small value stream, upstream to downstream: Steel (external supplier) -> Machining ->
 * Assembly -> Shipping (customer). No WIP limits until a test sets them. Every card
 * starts full (Done), as loop.create makes it.
 *
 *   blank   Steel -> Machining       3 cards
 *   shaft   Machining -> Assembly    3 cards, input: blank
 *   housing Steel -> Assembly        2 cards
 *   pump    Assembly -> Shipping     2 cards, inputs: shaft, housing
 */
export function smallPlant() {
  const plant = new RulesPlant();
  const steel = plant.station('Steel', { kind: StationKind.SUPPLIER });
  const machining = plant.station('Machining');
  const assembly = plant.station('Assembly');
  const shipping = plant.station('Shipping', { kind: StationKind.CUSTOMER });
  const blank = plant.loop('BLK-100', steel, machining, 3);
  const shaft = plant.loop('SHF-200', machining, assembly, 3, { inputs: [blank] });
  const housing = plant.loop('HSG-300', steel, assembly, 2);
  const pump = plant.loop('PMP-400', assembly, shipping, 2, { inputs: [shaft, housing] });
  return { plant, steel, machining, assembly, shipping, blank, shaft, housing, pump };
}

/** The card a card.move / card.consume / loop.consume decision answers with. */
export function resultCard(d: Decision<'card.move' | 'card.consume' | 'loop.consume'>): Card {
  return d.result.card;
}

/** Table rows as [title, row] pairs, for `it.each(byWhat(table))('refuses %s', (_, row) => ...)`. */
export function byWhat<T extends { what: string }>(table: readonly T[]): Array<[string, T]> {
  return table.map((row) => [row.what, row]);
}

/** Runs `fn` and returns the DomainError it throws; anything else is a test failure. */
export function refusalOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected the command to be refused, but it was accepted');
}

/** Freezes a state all the way down, so any mutation by the code under test throws. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

// ---------------------------------------------------------------- random activity

/**
 * One random step of shop-floor and configuration activity (fast-check), turned into a
 * command against the current board by `commandFor`. Indexes pick among the board's
 * stations, loops and cards (sorted ids), so the same steps work on any board.
 * Unlike the invariants property's card-only walk, this one also creates and changes
 * stations and loops, lowers and raises card counts (cards removed and added) and
 * raises and clears andon calls: everything an event can change.
 */
const pick = fc.nat({ max: 999 });
export const randomStep = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('forward' as const), card: pick }), weight: 6 },
  {
    arbitrary: fc.record({
      kind: fc.constant('move' as const),
      card: pick,
      to: fc.constantFrom(...COLUMNS),
      before: fc.option(pick, { nil: null }),
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant('consumeLoop' as const), loop: pick }), weight: 2 },
  {
    arbitrary: fc.record({ kind: fc.constant('cardCount' as const), loop: pick, count: fc.integer({ min: 1, max: 5 }) }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('newLoop' as const),
      supplier: pick,
      consumer: pick,
      count: fc.integer({ min: 1, max: 3 }),
      input: fc.option(pick, { nil: null }),
    }),
    weight: 1,
  },
  { arbitrary: fc.record({ kind: fc.constant('newStation' as const), name: fc.constantFrom('Paint', 'Rework', 'Kitting') }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constant('station' as const),
      station: pick,
      position: fc.option(fc.nat({ max: 6 }), { nil: undefined }),
      inProgress: fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }),
    }),
    weight: 1,
  },
  { arbitrary: fc.record({ kind: fc.constant('andon' as const), station: pick, kind2: fc.constantFrom(...Object.values(AndonKind)) }), weight: 1 },
);
export type RandomStep = typeof randomStep extends fc.Arbitrary<infer T> ? T : never;

/** The command a random step stands for on this board. */
function commandFor(state: BoardState, step: RandomStep): Command {
  const ids = <T>(map: Readonly<Record<string, T>>) => Object.keys(map).sort();
  const at = (list: string[], i: number) => list[i % list.length]!;
  const cards = ids(state.cards);
  const loops = ids(state.loops);
  const stations = ids(state.stations);
  switch (step.kind) {
    case 'forward': {
      const card = state.cards[at(cards, step.card)]!;
      return card.column === Column.DONE
        ? { type: 'card.consume', cardId: card.id }
        : { type: 'card.move', cardId: card.id, to: card.column === Column.REQUESTED ? Column.IN_PROGRESS : Column.DONE };
    }
    case 'move':
      return {
        type: 'card.move',
        cardId: at(cards, step.card),
        to: step.to,
        beforeCardId: step.before === null ? null : at(cards, step.before),
      };
    case 'consumeLoop':
      return { type: 'loop.consume', loopId: at(loops, step.loop) };
    case 'cardCount':
      return { type: 'loop.update', loopId: at(loops, step.loop), cardCount: step.count };
    case 'newLoop':
      return {
        type: 'loop.create',
        partNumber: `RND-${state.seq}`,
        supplierStationId: at(stations, step.supplier),
        consumerStationId: at(stations, step.consumer),
        cardCount: step.count,
        containerQty: 5,
        leadTimeMinutes: 30,
        inputLoopIds: step.input === null ? [] : [at(loops, step.input)],
      };
    case 'newStation':
      return { type: 'station.create', name: `${step.name} ${state.seq}` };
    case 'station':
      return {
        type: 'station.update',
        stationId: at(stations, step.station),
        ...(step.position !== undefined ? { position: step.position } : {}),
        wipLimits: { inProgress: step.inProgress },
      };
    case 'andon': {
      const st = state.stations[at(stations, step.station)]!;
      return st.andon === null
        ? { type: 'andon.raise', stationId: st.id, kind: step.kind2 }
        : { type: 'andon.clear', stationId: st.id };
    }
  }
}

/** Runs the steps on the plant as a lead; refused commands change nothing and are skipped. */
export function runSteps(plant: RulesPlant, steps: readonly RandomStep[]): { accepted: number; refused: number } {
  let accepted = 0;
  let refused = 0;
  for (const st of steps) {
    try {
      plant.run(commandFor(plant.state, st));
      accepted++;
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      refused++;
    }
  }
  return { accepted, refused };
}
