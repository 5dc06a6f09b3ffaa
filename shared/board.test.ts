import { describe, expect, it } from 'vitest';
import {
  applyEvent,
  applyEvents,
  boardFromSnapshot,
  columnCards,
  columnCount,
  emptyBoard,
  fullContainers,
  inboundLoops,
  isOverdue,
  keepIdentity,
  stockOuts,
  loopCards,
  orderedStations,
  snapshotOf,
  starvedInputs,
} from './board.ts';
import type { BoardState } from './board.ts';
import { BoardWriter } from './board.ts';
import { Column, EventType } from './names.ts';
import { decide } from './rules.ts';
import { BoardEventSchema, BoardSnapshotSchema } from './schemas.ts';
import type { BoardEvent, BoardSnapshot, Card } from './schemas.ts';
import type { Command } from './commands.ts';
import { T0, byWhat, deepFreeze, smallPlant } from './testPlant.ts';

const { REQUESTED, IN_PROGRESS, DONE } = Column;
type P = ReturnType<typeof smallPlant>;

/** The plant after some work: pump 1 started (cascade), blank 1 in progress, Assembly moved before Machining. */
function workedPlant(): P {
  const p = smallPlant();
  p.plant.bring(p.plant.serial(p.pump, 1).id, IN_PROGRESS);
  p.plant.bring(p.plant.serial(p.blank, 1).id, IN_PROGRESS);
  p.plant.move(p.plant.serial(p.housing, 2).id, DONE, { before: p.plant.serial(p.blank, 2).id });
  p.plant.run({ type: 'station.update', stationId: p.assembly.id, position: 1 });
  return p;
}

describe('applyEvent', () => {
  it.each<[string, number]>([
    ['the same seq again', 0],
    ['a gap of one', 2],
    ['an older seq', -1],
  ])('refuses an event out of order: %s', (_, offset) => {
    const { plant } = workedPlant();
    const e = { ...plant.log[0]!, seq: plant.state.seq + offset } as BoardEvent;
    expect(() => applyEvent(plant.state, e)).toThrow(`event seq ${e.seq} does not follow ${plant.state.seq}`);
  });

  it('refuses the first event of a log when it is not seq 1', () => {
    const { plant } = smallPlant();
    expect(() => applyEvents(emptyBoard, plant.log.slice(1))).toThrow('event seq 2 does not follow 0');
  });

  const commands = byWhat<{ what: string; command: (p: P) => Command }>([
    { what: 'a new station', command: () => ({ type: 'station.create', name: 'Paint' }) },
    {
      what: 'a station moved upstream',
      command: (p) => ({ type: 'station.update', stationId: p.assembly.id, position: 1 }),
    },
    {
      what: 'a new loop',
      command: (p) => ({
        type: 'loop.create',
        partNumber: 'BLT-9',
        supplierStationId: p.steel.id,
        consumerStationId: p.assembly.id,
        cardCount: 3,
        containerQty: 100,
        leadTimeMinutes: 30,
      }),
    },
    {
      what: 'a loop with more cards',
      command: (p) => ({ type: 'loop.update', loopId: p.blank.id, cardCount: 6 }),
    },
    {
      what: 'a loop with fewer cards',
      command: (p) => ({ type: 'loop.update', loopId: p.shaft.id, cardCount: 1 }),
    },
    {
      what: 'a cascading start',
      command: (p) => ({ type: 'card.move', cardId: p.plant.serial(p.shaft, 1).id, to: IN_PROGRESS }),
    },
    {
      what: 'a reorder',
      command: (p) => ({
        type: 'card.move',
        cardId: p.plant.serial(p.blank, 3).id,
        to: DONE,
        beforeCardId: p.plant.serial(p.housing, 2).id,
      }),
    },
    {
      what: 'a card consumption',
      command: (p) => ({ type: 'card.consume', cardId: p.plant.serial(p.pump, 2).id }),
    },
    { what: 'a loop consumption', command: (p) => ({ type: 'loop.consume', loopId: p.blank.id }) },
  ]);

  it.each(commands)('rebuilds decide’s state from decide’s events for %s', (_, { command }) => {
    const p = workedPlant();
    const before = deepFreeze(p.plant.state);

    const d = decide(before, command(p), p.plant.context());

    expect(d.events.length).toBeGreaterThan(0);
    expect(applyEvents(before, d.events)).toEqual(d.state);
  });

  it.each(commands)('emits events that pass the wire schema for %s', (_, { command }) => {
    const p = workedPlant();
    const d = decide(p.plant.state, command(p), p.plant.context());
    for (const e of d.events) expect(BoardEventSchema.parse(e)).toEqual(e);
  });

  it('rebuilds the whole plant by replaying its log from an empty board', () => {
    const { plant } = workedPlant();
    expect(applyEvents(emptyBoard, plant.log)).toEqual(plant.state);
    expect(plant.log.map((e) => e.seq)).toEqual(plant.log.map((_, i) => i + 1));
  });

  it('replaces only the card a card event touches (structural sharing)', () => {
    const p = workedPlant();
    const before = p.plant.state;
    const id = p.plant.serial(p.blank, 1).id;

    const after = p.plant.move(id, DONE).state;

    expect(after.stations).toBe(before.stations);
    expect(after.loops).toBe(before.loops);
    for (const c of Object.values(before.cards)) {
      if (c.id === id) expect(after.cards[c.id]).not.toBe(c);
      else expect(after.cards[c.id]).toBe(c);
    }
  });

  it('leaves loops and cards as they were on a station event', () => {
    const p = workedPlant();
    const before = p.plant.state;
    const after = p.plant.run({ type: 'station.update', stationId: p.steel.id, name: 'Steel yard' }).state;
    expect(after.loops).toBe(before.loops);
    expect(after.cards).toBe(before.cards);
    expect(after.stations[p.steel.id]?.name).toBe('Steel yard');
  });

  it('removes and adds the cards a loop.updated event names', () => {
    const p = workedPlant();
    const before = p.plant.state;
    const loop = { ...p.blank, cardCount: 3 };
    const added: Card = { ...p.plant.serial(p.blank, 3), id: 'cd-new', serial: 4 };
    const e: BoardEvent = {
      type: EventType.LOOP_UPDATED,
      seq: before.seq + 1,
      at: T0,
      actor: { kind: 'user', id: 'us_tester', name: 'tester' },
      loop,
      addedCards: [added],
      removedCardIds: [p.plant.serial(p.blank, 2).id],
    };

    const after = applyEvent(deepFreeze(before), e);

    expect(loopCards(after, p.blank.id).map((c) => c.serial).sort()).toEqual([1, 3, 4]);
    expect(after.cards['cd-new']).toBe(added);
    expect(after.seq).toBe(e.seq);
  });
});

describe('snapshotOf and boardFromSnapshot', () => {
  it('round-trip a board, also through JSON', () => {
    const { plant } = workedPlant();
    const snap = snapshotOf(plant.state);
    expect(boardFromSnapshot(snap)).toEqual(plant.state);
    expect(boardFromSnapshot(JSON.parse(JSON.stringify(snap)) as typeof snap)).toEqual(plant.state);
  });

  it('round-trip the empty board', () => {
    expect(snapshotOf(emptyBoard)).toEqual({ seq: 0, stations: [], loops: [], cards: [] });
    expect(boardFromSnapshot(snapshotOf(emptyBoard))).toEqual(emptyBoard);
  });

  it('produce a snapshot that passes the wire schema', () => {
    const { plant } = workedPlant();
    const snap = snapshotOf(plant.state);
    expect(BoardSnapshotSchema.parse(snap)).toEqual(snap);
  });

  it('lists stations by position and cards by station, column and priority', () => {
    const p = workedPlant();
    const snap = snapshotOf(p.plant.state);

    expect(snap.stations.map((s) => s.name)).toEqual(['Steel', 'Assembly', 'Machining', 'Shipping']);
    const expected = orderedStations(p.plant.state).flatMap((s) =>
      [REQUESTED, IN_PROGRESS, DONE].flatMap((col) => columnCards(p.plant.state, s.id, col).map((c) => c.id)),
    );
    expect(snap.cards.map((c) => c.id)).toEqual(expected);
    expect(snap.cards).toHaveLength(Object.keys(p.plant.state.cards).length);
    expect(snap.seq).toBe(p.plant.state.seq);
  });
});

describe('board queries', () => {
  it('columnCards lists a station’s column in priority order', () => {
    const p = workedPlant();
    const serials = columnCards(p.plant.state, p.steel.id, DONE).map((c) => [c.loopId, c.serial]);
    expect(serials).toEqual([
      [p.housing.id, 2],
      [p.blank.id, 2],
      [p.blank.id, 3],
    ]);
  });

  it.each<[string, Column, number]>([
    ['Steel', REQUESTED, 1],
    ['Steel', IN_PROGRESS, 1],
    ['Steel', DONE, 3],
    ['Machining', REQUESTED, 1],
    ['Machining', DONE, 2],
    ['Assembly', IN_PROGRESS, 1],
    ['Assembly', DONE, 1],
    ['Shipping', DONE, 0],
  ])('columnCount counts %s %s: %i', (name, column, n) => {
    const { plant } = workedPlant();
    const st = orderedStations(plant.state).find((s) => s.name === name)!;
    expect(columnCount(plant.state, st.id, column)).toBe(n);
    expect(columnCards(plant.state, st.id, column)).toHaveLength(n);
  });

  it('loopCards lists every card of the loop and no other', () => {
    const p = workedPlant();
    expect(loopCards(p.plant.state, p.shaft.id).map((c) => c.serial).sort()).toEqual([1, 2, 3]);
    expect(loopCards(p.plant.state, 'lp-404')).toEqual([]);
  });

  it('fullContainers lists a loop’s Done cards oldest first', () => {
    const p = smallPlant();
    p.plant.bring(p.plant.serial(p.blank, 1).id, REQUESTED);
    p.plant.bring(p.plant.serial(p.blank, 1).id, DONE);
    p.plant.move(p.plant.serial(p.blank, 1).id, DONE, { before: p.plant.serial(p.blank, 2).id });
    expect(fullContainers(p.plant.state, p.blank.id).map((c) => c.serial)).toEqual([2, 3, 1]);
  });

  it('inboundLoops lists the loops a station consumes', () => {
    const p = smallPlant();
    expect(inboundLoops(p.plant.state, p.assembly.id)).toEqual([p.shaft, p.housing]);
    expect(inboundLoops(p.plant.state, p.steel.id)).toEqual([]);
  });

  it('orderedStations lists the value stream upstream first', () => {
    const p = workedPlant();
    expect(orderedStations(p.plant.state).map((s) => s.position)).toEqual([0, 1, 2, 3]);
  });
});

describe('isOverdue', () => {
  const p = smallPlant();
  const loop = p.pump; // lead time 60 minutes
  const base = p.plant.serial(p.pump, 1);
  const at = (minutes: number) => Date.parse(T0) + minutes * 60_000;

  it.each<[string, Partial<Card>, number, boolean]>([
    ['a requested card younger than the lead time', { column: REQUESTED, requestedAt: T0 }, 59, false],
    ['a requested card exactly at the lead time', { column: REQUESTED, requestedAt: T0 }, 60, false],
    ['a requested card past the lead time', { column: REQUESTED, requestedAt: T0 }, 61, true],
    ['an in-progress card past the lead time', { column: IN_PROGRESS, requestedAt: T0 }, 61, true],
    ['a full container, however old', { column: DONE, requestedAt: T0 }, 10_000, false],
    ['a card never signalled (no requestedAt)', { column: IN_PROGRESS, requestedAt: null }, 10_000, false],
  ])('says %s is overdue: %s', (_, over, minutes, overdue) => {
    expect(isOverdue({ ...base, ...over }, loop, at(minutes))).toBe(overdue);
  });

  it('says no card is overdue when its loop is unknown', () => {
    expect(isOverdue({ ...base, column: REQUESTED, requestedAt: T0 }, undefined, at(10_000))).toBe(false);
  });
});

describe('starvedInputs', () => {
  it('names the input loops with no full container while the station has work requested', () => {
    const p = smallPlant();
    p.plant.consumeLoop(p.housing);
    p.plant.consumeLoop(p.housing);
    p.plant.consumeLoop(p.pump);
    expect(starvedInputs(p.plant.state, p.assembly.id)).toEqual([p.housing]);
  });

  it.each<[string, (p: P) => BoardState]>([
    [
      'nothing is requested',
      (p) => {
        p.plant.consumeLoop(p.housing);
        p.plant.consumeLoop(p.housing);
        return p.plant.state;
      },
    ],
    [
      'every input has a full container',
      (p) => {
        p.plant.consumeLoop(p.pump);
        return p.plant.state;
      },
    ],
  ])('names none when %s', (_, arrange) => {
    const p = smallPlant();
    expect(starvedInputs(arrange(p), p.assembly.id)).toEqual([]);
  });
});

describe('keepIdentity', () => {
  it('reuses the objects a snapshot did not change and takes the changed ones', () => {
    const { plant } = smallPlant();
    const before = plant.state;
    const card = Object.values(before.cards).find((c) => c.column === 'done')!;
    plant.consume(card.id);
    const fresh = boardFromSnapshot(JSON.parse(JSON.stringify(snapshotOf(plant.state))) as BoardSnapshot);
    const kept = keepIdentity(before, fresh);
    expect(snapshotOf(kept)).toEqual(snapshotOf(plant.state));
    for (const [id, c] of Object.entries(kept.cards)) {
      if (id === card.id) expect(c).not.toBe(before.cards[id]);
      else expect(c).toBe(before.cards[id]);
    }
    for (const [id, s] of Object.entries(kept.stations)) expect(s).toBe(before.stations[id]);
    for (const [id, l] of Object.entries(kept.loops)) expect(l).toBe(before.loops[id]);
  });
});

describe('decide in place (the server board)', () => {
  const clone = (s: BoardState): BoardState => JSON.parse(JSON.stringify(s)) as BoardState;

  it('changes the given board itself and undo() restores it exactly', () => {
    const { plant } = smallPlant();
    const live = clone(plant.state);
    const copy = clone(live);
    const card = Object.values(live.cards).find((c) => c.column === DONE)!;
    const d = decide(live, { type: 'card.consume', cardId: card.id }, testContextFor(live));
    expect(live).toEqual(copy); // copy-on-write by default
    const inPlace = decide(live, { type: 'card.consume', cardId: card.id }, testContextFor(live), { inPlace: true });
    expect(inPlace.state).toBe(live);
    expect(live.seq).toBe(copy.seq + 1);
    expect(live.cards[card.id]!.column).toBe(REQUESTED);
    expect(snapshotOf(live)).toEqual(snapshotOf(d.state));
    inPlace.undo();
    expect(live).toEqual(copy);
  });

  it('leaves the board as it was when the command is refused midway', () => {
    const { plant } = smallPlant();
    const live = clone(plant.state);
    const copy = clone(live);
    expect(() =>
      decide(live, { type: 'card.move', cardId: 'cd-404', to: IN_PROGRESS }, testContextFor(live), { inPlace: true }),
    ).toThrow();
    expect(live).toEqual(copy);
  });

  it('undoes a loop update that removed and added cards', () => {
    const { plant } = smallPlant();
    const live = clone(plant.state);
    const copy = clone(live);
    const loop = Object.values(live.loops)[0]!;
    const w = new BoardWriter(live, true);
    const d = decide(clone(live), { type: 'loop.update', loopId: loop.id, cardCount: loop.cardCount + 2 }, testContextFor(live));
    for (const e of d.events) w.apply(e);
    expect(Object.keys(live.cards).length).toBe(Object.keys(copy.cards).length + 2);
    w.undo();
    expect(live).toEqual(copy);
  });
});

function testContextFor(_s: BoardState) {
  let n = 1000;
  return {
    now: T0,
    actor: { kind: 'user' as const, id: 'us_test', name: 'test' },
    role: 'lead' as const,
    stationIds: [],
    newId: (p: string) => `${p}-x${n++}`,
  };
}

describe('stockOuts', () => {
  it('names the customer end\'s loops with no full container, and nothing elsewhere', () => {
    const { plant, shipping, pump, assembly } = smallPlant();
    expect(stockOuts(plant.state, shipping.id)).toEqual([]);
    for (const c of fullContainers(plant.state, pump.id)) plant.consume(c.id);
    expect(stockOuts(plant.state, shipping.id).map((l) => l.id)).toEqual([pump.id]);
    expect(stockOuts(plant.state, assembly.id)).toEqual([]);
  });
});
