// Property test of the pull rules: random shop-floor activity (moves to any column,
// priority changes, consumptions, step-backs by any role) run through `decide` against a
// small plant with hard and soft WIP limits and a cascade. Whatever is accepted or
// refused, the pull system's invariants must hold after every command.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyEvents, columnCards, columnCount, fullContainers, loopCards } from './board.ts';
import type { BoardState } from './board.ts';
import { DomainError } from './errors.ts';
import { COLUMNS, Column, ErrorCode, EventType, StationKind } from './names.ts';
import { decide } from './rules.ts';
import { Role } from './names.ts';
import type { Decision } from './rules.ts';
import type { Command } from './commands.ts';
import { RulesPlant, deepFreeze } from './testPlant.ts';

const { REQUESTED, IN_PROGRESS, DONE } = Column;
const LIMITED = [IN_PROGRESS, DONE] as const;
const limitKey = (c: (typeof LIMITED)[number]) => (c === IN_PROGRESS ? 'inProgress' : 'done');

/**
 * Supplier -> Machining (In Progress hard 2, Done hard 4) -> Assembly (In Progress soft 1,
 * Done hard 3) -> Shipping. Loops (all cards start full, within every limit):
 *   blank   Supplier -> Machining   3
 *   housing Supplier -> Assembly    2
 *   shaft   Machining -> Assembly   3, input blank
 *   pin     Machining -> Assembly   1
 *   pump    Assembly -> Shipping    3, inputs shaft + housing
 */
function buildPlant() {
  const plant = new RulesPlant();
  const supplier = plant.station('Supplier', { kind: StationKind.SUPPLIER });
  const machining = plant.station('Machining', { wipLimits: { inProgress: 2, done: 4 } });
  const assembly = plant.station('Assembly', {
    wipLimits: { inProgress: 1, done: 3 },
    softLimits: { inProgress: true },
  });
  const shipping = plant.station('Shipping', { kind: StationKind.CUSTOMER });
  const blank = plant.loop('BLK', supplier, machining, 3);
  const housing = plant.loop('HSG', supplier, assembly, 2);
  const shaft = plant.loop('SHF', machining, assembly, 3, { inputs: [blank] });
  plant.loop('PIN', machining, assembly, 1);
  plant.loop('PMP', assembly, shipping, 3, { inputs: [shaft, housing] });
  return plant;
}

// ---------------------------------------------------------------- random commands

const role = fc.constantFrom(Role.ADMIN, Role.LEAD, Role.OPERATOR, Role.VIEWER);
const index = fc.nat({ max: 999 });
/** Which card version the command claims to have seen (none: no expectedVersion). */
type VersionClaim = 'none' | 'current' | 'stale';
const version = fc.constantFrom<VersionClaim>('none', 'none', 'current', 'stale');
/** Where to place the card: at the end, before a card of the target column, or before any card. */
const before = fc.oneof(
  fc.constant({ kind: 'end' as const }),
  fc.record({ kind: fc.constant('same-column' as const), index }),
  fc.record({ kind: fc.constant('any-card' as const), index }),
  fc.constant({ kind: 'unknown' as const }),
);

const step = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('move' as const),
      card: index,
      to: fc.constantFrom(...COLUMNS),
      before,
      role,
      version,
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant('forward' as const), card: index, role }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('stepBack' as const), card: index, role }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('consume' as const), card: index, role, version }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('consumeLoop' as const), loop: index, role }), weight: 2 },
);
type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

/** Turns a random step into a concrete command against the current state. */
function toCommand(s: BoardState, st: Step, cardIds: readonly string[], loopIds: readonly string[]): Command {
  if (st.kind === 'consumeLoop') return { type: 'loop.consume', loopId: loopIds[st.loop % loopIds.length]! };
  const card = s.cards[cardIds[st.card % cardIds.length]!]!;
  const expectedVersion = (v: VersionClaim) =>
    v === 'current' ? { expectedVersion: card.version } : v === 'stale' ? { expectedVersion: card.version + 1 } : {};
  switch (st.kind) {
    case 'consume':
      return { type: 'card.consume', cardId: card.id, ...expectedVersion(st.version) };
    case 'forward':
      return card.column === DONE
        ? { type: 'card.consume', cardId: card.id }
        : { type: 'card.move', cardId: card.id, to: card.column === REQUESTED ? IN_PROGRESS : DONE };
    case 'stepBack':
      return { type: 'card.move', cardId: card.id, to: card.column === DONE ? IN_PROGRESS : REQUESTED };
    case 'move': {
      let beforeCardId: string | null = null;
      const b = st.before;
      if (b.kind === 'unknown') beforeCardId = 'cd-unknown';
      else if (b.kind === 'any-card') beforeCardId = cardIds[b.index % cardIds.length]!;
      else if (b.kind === 'same-column') {
        const list = columnCards(s, card.stationId, st.to);
        beforeCardId = list.length > 0 ? list[b.index % list.length]!.id : null;
      }
      return { type: 'card.move', cardId: card.id, to: st.to, beforeCardId, ...expectedVersion(st.version) };
    }
  }
}

// ---------------------------------------------------------------- invariants

/** Fails (with a message naming the invariant) unless every pull-system invariant holds. */
function checkBoard(s: BoardState, cardCounts: ReadonlyMap<string, number>, cardIds: readonly string[]): void {
  // The card count of a loop is invariant: equal to loop.cardCount and to the start.
  for (const [loopId, n] of cardCounts) {
    expect(s.loops[loopId]?.cardCount, `cardCount of ${loopId}`).toBe(n);
    expect(loopCards(s, loopId), `cards of ${loopId}`).toHaveLength(n);
  }
  expect(Object.keys(s.cards).sort(), 'no card created or lost').toEqual(cardIds);

  // Every card is in exactly one column of its loop's supplying station, with a distinct rank.
  const seen: string[] = [];
  for (const station of Object.values(s.stations)) {
    for (const column of COLUMNS) {
      const list = columnCards(s, station.id, column);
      expect(new Set(list.map((c) => c.rank)).size, `distinct ranks in ${station.name} ${column}`).toBe(list.length);
      for (const c of list) {
        expect(c.stationId, `card ${c.id} on its supplier's board`).toBe(s.loops[c.loopId]?.supplierStationId);
        seen.push(c.id);
      }
    }
    // No hard limit is ever exceeded.
    for (const column of LIMITED) {
      const limit = station.wipLimits[limitKey(column)];
      if (limit !== null && !station.softLimits[limitKey(column)]) {
        const n = columnCount(s, station.id, column);
        expect(n, `${station.name} ${column} within its hard limit`).toBeLessThanOrEqual(limit);
      }
    }
  }
  expect(seen.sort(), 'each card in exactly one column').toEqual(cardIds);
}

/** Checks what one accepted decision did, against the state before it. */
function checkDecision(prev: BoardState, d: Decision, command: Command, role: Role): void {
  const { events, state } = d;
  expect(events.length, 'an accepted command emits events').toBeGreaterThan(0);
  expect(state.seq, 'seq grows by the number of events').toBe(prev.seq + events.length);
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => prev.seq + 1 + i));
  expect(applyEvents(prev, events), 'the events rebuild the state').toEqual(state);

  for (const e of events) {
    if (e.type !== EventType.CARD_MOVED && e.type !== EventType.CARD_CONSUMED && e.type !== EventType.CARD_RETURNED) {
      throw new Error(`a card command emitted ${e.type}`);
    }
    const old = prev.cards[e.cardId]!;
    expect(e.card.version, 'one version per change').toBe(old.version + 1);
    if (e.type === EventType.CARD_RETURNED) {
      // A step back of a start gives its unused input back: Requested -> Done, one cycle less.
      expect(old.column, 'only a waiting signal is given back').toBe(REQUESTED);
      expect(e.card).toMatchObject({ column: DONE, cycle: old.cycle - 1 });
      expect(command.type).toBe('card.move');
    } else if (e.type === EventType.CARD_CONSUMED) {
      expect(old.column, 'only full containers are used').toBe(DONE);
      expect(e.card).toMatchObject({ column: REQUESTED, cycle: old.cycle + 1 });
    } else {
      const step = COLUMNS.indexOf(e.to) - COLUMNS.indexOf(e.from);
      expect(Math.abs(step), 'no skipped column').toBeLessThanOrEqual(1);
      if (step < 0) expect([Role.LEAD, Role.ADMIN], 'only a lead steps back').toContain(role);
    }
  }

  // A start uses exactly one full container of each input loop, the oldest, before the move.
  const last = events.at(-1)!;
  if (last.type === EventType.CARD_MOVED && last.from === REQUESTED && last.to === IN_PROGRESS) {
    const inputs = prev.loops[last.loopId]!.inputLoopIds;
    const consumed = events.slice(0, -1).map((e) =>
      e.type === EventType.CARD_CONSUMED ? [e.type, e.loopId, e.cardId, e.causedByCardId] : [e.type],
    );
    expect(consumed, 'a start uses the oldest full container of each input').toEqual(
      inputs.map((id) => [EventType.CARD_CONSUMED, id, fullContainers(prev, id)[0]?.id, last.cardId]),
    );
  } else if (last.type === EventType.CARD_MOVED && last.from === IN_PROGRESS && last.to === REQUESTED) {
    // A step back of a start gives back the inputs it used that still wait in Requested.
    const returned = events.slice(0, -1);
    expect(returned.every((e) => e.type === EventType.CARD_RETURNED), 'a step back only returns inputs').toBe(true);
    expect(returned.length).toBeLessThanOrEqual(prev.loops[last.loopId]!.inputLoopIds.length);
  } else {
    expect(events, `${command.type} emits one event`).toHaveLength(1);
  }
}

// ---------------------------------------------------------------- the property

describe('the pull rules under random shop-floor activity', () => {
  const plant = buildPlant();
  const initial = deepFreeze(plant.state);
  const cardIds = Object.keys(initial.cards).sort();
  const loopIds = Object.keys(initial.loops).sort();
  const cardCounts = new Map(loopIds.map((id) => [id, loopCards(initial, id).length]));
  const assembly = Object.values(initial.stations).find((st) => st.name === 'Assembly')!;

  it('starts from a plant that respects every invariant', () => {
    expect(cardIds).toHaveLength(12);
    checkBoard(initial, cardCounts, cardIds);
  });

  it('keeps every invariant after every command, accepted or refused', () => {
    const outcomes = new Map<string, number>();
    const count = (key: string) => outcomes.set(key, (outcomes.get(key) ?? 0) + 1);

    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 60, size: 'max' }), (steps) => {
        let state = initial;
        for (const st of steps) {
          const command = toCommand(state, st, cardIds, loopIds);
          const snapshot = JSON.stringify(state);
          let d: Decision;
          try {
            d = decide(state, command, { ...plant.context(st.role) });
          } catch (e) {
            // Only a DomainError is a refusal; anything else (a TypeError from mutating the
            // frozen state, a ranking crash) is a bug. A refusal changes nothing.
            if (!(e instanceof DomainError)) throw e;
            count(e.code);
            expect(JSON.stringify(state), 'a refusal leaves the state as it was').toBe(snapshot);
            continue;
          }
          count(d.events.length > 1 ? 'accepted with cascade' : `accepted ${command.type}`);
          checkDecision(state, d, command, st.role);
          expect(JSON.stringify(state), 'decide does not change the state it is given').toBe(snapshot);
          state = deepFreeze(d.state);
          checkBoard(state, cardCounts, cardIds);
          if (columnCount(state, assembly.id, IN_PROGRESS) > 1) count('over the soft limit');
        }
      }),
      { numRuns: 200 },
    );

    // The walk must reach the interesting cases, or the property proves little.
    for (const key of [
      'accepted with cascade',
      `accepted ${'card.move'}`,
      `accepted ${'card.consume'}`,
      `accepted ${'loop.consume'}`,
      'over the soft limit',
      ErrorCode.WIP_LIMIT_REACHED,
      ErrorCode.STARVED,
      ErrorCode.INVALID_TRANSITION,
      ErrorCode.VERSION_CONFLICT,
      ErrorCode.NOT_FOUND,
    ]) {
      expect(outcomes.get(key) ?? 0, `outcome "${key}" reached`).toBeGreaterThan(0);
    }
  });
});
