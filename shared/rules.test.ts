import { describe, expect, it } from 'vitest';
import { cardCode } from './cardCode.ts';
import { columnCards, columnCount, fullContainers, orderedStations } from './board.ts';
import { Column, ErrorCode, EventType, MoveKind, StationKind } from './names.ts';
import type { ErrorCode as ErrorCodeT, MoveKind as MoveKindT } from './names.ts';
import { canStepBack, checkWipLimit, decide, moveKind } from './rules.ts';
import { Role } from './names.ts';
import type { BoardEvent, BoardEventOf } from './schemas.ts';
import type { Command } from './commands.ts';
import { RulesPlant, T0, byWhat, deepFreeze, refusalOf, resultCard, smallPlant, testContext } from './testPlant.ts';

const { REQUESTED, IN_PROGRESS, DONE } = Column;
const T1 = '2025-03-03T07:30:00.000Z';

/** The ids of a station's column, top to bottom. */
const ids = (plant: RulesPlant, stationId: string, column: Column) =>
  columnCards(plant.state, stationId, column).map((c) => c.id);

/** The single event of a decision, narrowed to its type. */
function onlyEvent<T extends EventType>(events: readonly BoardEvent[], type: T) {
  expect(events).toHaveLength(1);
  expect(events[0]?.type).toBe(type);
  return events[0] as BoardEventOf<T>;
}

/**
 * A station "Press" supplying one loop "BRK-1" to "Weld", its cards brought to the given
 * columns (card i+1 to columns[i]) before any limit is set.
 */
function pressWith(columns: Column[]) {
  const plant = new RulesPlant();
  const press = plant.station('Press');
  const weld = plant.station('Weld');
  const loop = plant.loop('BRK-1', press, weld, columns.length);
  const cards = columns.map((col, i) => plant.bring(plant.serial(loop, i + 1).id, col));
  return { plant, press, weld, loop, cards: cards.map((c) => c.id) };
}

// ---------------------------------------------------------------- moves

describe('moveKind', () => {
  it.each<[Column, Column, MoveKindT | null]>([
    [REQUESTED, IN_PROGRESS, MoveKind.START],
    [IN_PROGRESS, DONE, MoveKind.FINISH],
    [DONE, IN_PROGRESS, MoveKind.STEP_BACK],
    [IN_PROGRESS, REQUESTED, MoveKind.STEP_BACK],
    [REQUESTED, REQUESTED, MoveKind.REORDER],
    [IN_PROGRESS, IN_PROGRESS, MoveKind.REORDER],
    [DONE, DONE, MoveKind.REORDER],
    [REQUESTED, DONE, null],
    [DONE, REQUESTED, null],
  ])('moveKind(%s, %s) is %s (null: a skipped column)', (from, to, kind) => {
    expect(moveKind(from, to)).toBe(kind);
  });
});

describe('canStepBack', () => {
  it.each<[Role, boolean]>([
    [Role.ADMIN, true],
    [Role.LEAD, true],
    [Role.OPERATOR, false],
    [Role.VIEWER, false],
  ])('lets the %s role step a card back: %s', (role, allowed) => {
    expect(canStepBack(role)).toBe(allowed);
  });
});

describe('card.move between columns', () => {
  it('starts a requested card: it enters In Progress at the end, one version up, entered now', () => {
    const { plant, blank, steel } = smallPlant();
    const other = plant.bring(plant.serial(blank, 2).id, IN_PROGRESS);
    const card = plant.bring(plant.serial(blank, 1).id, REQUESTED);
    plant.now = T1;
    const seq = plant.state.seq + 1;

    const d = plant.move(card.id, IN_PROGRESS, { role: Role.OPERATOR });

    const e = onlyEvent(d.events, EventType.CARD_MOVED);
    const moved = {
      ...card,
      column: IN_PROGRESS,
      version: card.version + 1,
      enteredAt: T1,
      enteredSeq: seq,
      rank: expect.any(String),
    };
    expect(e).toEqual({
      type: EventType.CARD_MOVED,
      seq,
      at: T1,
      actor: { kind: 'user', id: 'us_tester', name: 'tester' },
      cardId: card.id,
      loopId: blank.id,
      from: REQUESTED,
      to: IN_PROGRESS,
      card: moved,
    });
    expect(d.result).toEqual({ card: e.card, seq });
    expect(d.state.seq).toBe(seq);
    expect(plant.card(card.id)).toEqual(e.card);
    expect(ids(plant, steel.id, IN_PROGRESS)).toEqual([other.id, card.id]);
  });

  it('finishes an in-progress card into the end of Done', () => {
    const { plant, blank, housing, steel } = smallPlant();
    const card = plant.bring(plant.serial(blank, 1).id, IN_PROGRESS);

    const d = plant.move(card.id, DONE, { role: Role.OPERATOR });

    expect(onlyEvent(d.events, EventType.CARD_MOVED)).toMatchObject({ from: IN_PROGRESS, to: DONE });
    expect(ids(plant, steel.id, DONE)).toEqual([
      plant.serial(blank, 2).id,
      plant.serial(blank, 3).id,
      plant.serial(housing, 1).id,
      plant.serial(housing, 2).id,
      card.id,
    ]);
  });

  it.each<[Role, Column, Column, MoveKindT]>([
    [Role.OPERATOR, REQUESTED, IN_PROGRESS, MoveKind.START],
    [Role.OPERATOR, IN_PROGRESS, DONE, MoveKind.FINISH],
    [Role.LEAD, DONE, IN_PROGRESS, MoveKind.STEP_BACK],
    [Role.ADMIN, DONE, IN_PROGRESS, MoveKind.STEP_BACK],
    [Role.LEAD, IN_PROGRESS, REQUESTED, MoveKind.STEP_BACK],
    [Role.ADMIN, IN_PROGRESS, REQUESTED, MoveKind.STEP_BACK],
  ])('lets the %s role move a card %s -> %s (%s)', (role, from, to) => {
    const { plant, blank } = smallPlant();
    const card = plant.bring(plant.serial(blank, 1).id, from);

    const d = plant.move(card.id, to, { role });

    expect(onlyEvent(d.events, EventType.CARD_MOVED)).toMatchObject({ from, to });
    expect(plant.card(card.id)).toMatchObject({ column: to, version: card.version + 1 });
  });

  it.each<[Role, Column, Column, string]>([
    [Role.OPERATOR, DONE, IN_PROGRESS, 'only a lead steps back'],
    [Role.OPERATOR, IN_PROGRESS, REQUESTED, 'only a lead steps back'],
    [Role.LEAD, REQUESTED, DONE, 'it skips In Progress'],
    [Role.OPERATOR, REQUESTED, DONE, 'it skips In Progress'],
    [Role.ADMIN, DONE, REQUESTED, 'it skips In Progress (consume is the way back)'],
  ])('refuses the %s role moving a card %s -> %s as INVALID_TRANSITION: %s', (role, from, to) => {
    const { plant, blank } = smallPlant();
    const card = plant.bring(plant.serial(blank, 1).id, from);
    const before = plant.state;

    const err = refusalOf(() => plant.move(card.id, to, { role }));

    expect(err.code).toBe(ErrorCode.INVALID_TRANSITION);
    expect(err.details).toEqual({ cardId: card.id, from, to });
    expect(plant.state).toBe(before);
  });

  it('refuses an unknown card as NOT_FOUND', () => {
    const { plant } = smallPlant();
    const err = refusalOf(() => plant.move('cd-404', IN_PROGRESS));
    expect(err.code).toBe(ErrorCode.NOT_FOUND);
    expect(err.details).toEqual({ cardId: 'cd-404' });
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'refuses the id "%s" as NOT_FOUND instead of finding an Object.prototype member',
    (id) => {
      const { plant } = smallPlant();
      expect(refusalOf(() => plant.move(id, IN_PROGRESS)).code).toBe(ErrorCode.NOT_FOUND);
      expect(refusalOf(() => plant.consume(id)).code).toBe(ErrorCode.NOT_FOUND);
    },
  );
});

describe('card.move within a column (priority)', () => {
  // Steel's Done starts as: blank 1, blank 2, blank 3, housing 1, housing 2.
  const setup = () => {
    const p = smallPlant();
    const [b1, b2, b3] = [1, 2, 3].map((n) => p.plant.serial(p.blank, n).id) as [string, string, string];
    const [h1, h2] = [1, 2].map((n) => p.plant.serial(p.housing, n).id) as [string, string];
    return { ...p, b1, b2, b3, h1, h2 };
  };

  it('puts the card just before beforeCardId and keeps the time it entered the column', () => {
    const { plant, steel, b1, b2, b3, h1, h2 } = setup();
    const card = plant.card(h2);
    plant.now = T1;

    const d = plant.move(h2, DONE, { before: b2, role: Role.OPERATOR });

    expect(ids(plant, steel.id, DONE)).toEqual([b1, h2, b2, b3, h1]);
    expect(onlyEvent(d.events, EventType.CARD_MOVED)).toMatchObject({ from: DONE, to: DONE });
    expect(plant.card(h2)).toEqual({
      ...card,
      rank: expect.any(String),
      version: card.version + 1,
      enteredAt: card.enteredAt,
      enteredSeq: card.enteredSeq,
    });
  });

  type Order = (c: ReturnType<typeof setup>) => string[];
  const toTop: Order = ({ b1, b2, b3, h1, h2 }) => [b3, b1, b2, h1, h2];
  const toEnd: Order = ({ b1, b2, b3, h1, h2 }) => [b1, b2, h1, h2, b3];
  it.each(byWhat<{ what: string; before: 'first' | null | undefined; expected: Order }>([
    { what: 'to the top when placed before the first card', before: 'first', expected: toTop },
    { what: 'to the end when beforeCardId is null', before: null, expected: toEnd },
    { what: 'to the end when beforeCardId is absent', before: undefined, expected: toEnd },
  ]))('moves a card %s', (_, { before, expected }) => {
    const c = setup();
    c.plant.move(c.b3, DONE, { before: before === 'first' ? c.b1 : before });
    expect(ids(c.plant, c.steel.id, DONE)).toEqual(expected(c));
  });

  it('places a started card before beforeCardId in In Progress', () => {
    const { plant, steel, b1, b2, b3 } = setup();
    plant.bring(b1, IN_PROGRESS);
    plant.bring(b2, IN_PROGRESS);
    plant.bring(b3, REQUESTED);

    plant.move(b3, IN_PROGRESS, { before: b2 });

    expect(ids(plant, steel.id, IN_PROGRESS)).toEqual([b1, b3, b2]);
  });

  it('lets the last card of a column be reordered to the end (a no-op in order)', () => {
    const { plant, steel, b1, b2, b3, h1, h2 } = setup();
    plant.move(h2, DONE);
    expect(ids(plant, steel.id, DONE)).toEqual([b1, b2, b3, h1, h2]);
  });

  it.each(byWhat<{ what: string; before: (c: ReturnType<typeof setup>) => string; code: ErrorCodeT }>([
    { what: 'the card itself', before: (c) => c.b2, code: ErrorCode.VALIDATION_FAILED },
    {
      what: 'a card in another column',
      before: (c) => c.plant.bring(c.h1, REQUESTED).id,
      code: ErrorCode.INVALID_TRANSITION,
    },
    {
      what: 'a card in the same column of another station',
      before: (c) => c.plant.serial(c.shaft, 1).id,
      code: ErrorCode.INVALID_TRANSITION,
    },
    { what: 'an unknown card', before: () => 'cd-404', code: ErrorCode.NOT_FOUND },
  ]))('refuses placing a card before %s', (_, { before, code }) => {
    const c = setup();
    const beforeId = before(c);
    const state = c.plant.state;

    const err = refusalOf(() => c.plant.move(c.b2, DONE, { before: beforeId }));

    expect(err.code).toBe(code);
    expect(c.plant.state).toBe(state);
  });

  it('names the misplaced beforeCardId in the refusal', () => {
    const c = setup();
    const other = c.plant.serial(c.shaft, 1).id;
    const err = refusalOf(() => c.plant.move(c.b2, DONE, { before: other }));
    expect(err.details).toEqual({ cardId: c.b2, beforeCardId: other, to: DONE });
  });
});

// ---------------------------------------------------------------- WIP limits

describe('WIP limits', () => {
  interface LimitCase {
    what: string;
    columns: Column[];
    /** The 1-based card that moves, where, and as whom. */
    card: number;
    to: Column;
    role: Role;
    limits: { inProgress: number | null; done: number | null };
    /** The column that is full and its count. */
    full: Column;
    count: number;
  }
  const cases: LimitCase[] = [
    {
      what: 'starting a card when In Progress is full',
      columns: [IN_PROGRESS, IN_PROGRESS, REQUESTED],
      card: 3,
      to: IN_PROGRESS,
      role: Role.OPERATOR,
      limits: { inProgress: 2, done: null },
      full: IN_PROGRESS,
      count: 2,
    },
    {
      what: 'finishing a card when Done (the supermarket) is full',
      columns: [DONE, DONE, IN_PROGRESS],
      card: 3,
      to: DONE,
      role: Role.OPERATOR,
      limits: { inProgress: null, done: 2 },
      full: DONE,
      count: 2,
    },
    {
      what: 'a lead stepping a card back into a full In Progress',
      columns: [IN_PROGRESS, DONE],
      card: 2,
      to: IN_PROGRESS,
      role: Role.LEAD,
      limits: { inProgress: 1, done: null },
      full: IN_PROGRESS,
      count: 1,
    },
    {
      what: 'starting a card when In Progress has a limit of 0',
      columns: [REQUESTED],
      card: 1,
      to: IN_PROGRESS,
      role: Role.OPERATOR,
      limits: { inProgress: 0, done: 0 },
      full: IN_PROGRESS,
      count: 0,
    },
  ];

  it.each(byWhat(cases))('refuses %s over a hard limit (WIP_LIMIT_REACHED)', (_, c) => {
    const { plant, press, cards } = pressWith(c.columns);
    plant.limit(press, c.limits.inProgress, c.limits.done);
    const state = plant.state;
    const limit = c.full === IN_PROGRESS ? c.limits.inProgress : c.limits.done;

    const err = refusalOf(() => plant.move(cards[c.card - 1]!, c.to, { role: c.role }));

    expect(err.code).toBe(ErrorCode.WIP_LIMIT_REACHED);
    expect(err.details).toEqual({ stationId: press.id, column: c.full, limit, count: c.count });
    expect(err.message).toContain(`Press: `);
    expect(err.message).toContain(`(${c.count} / ${limit})`);
    expect(plant.state).toBe(state);
  });

  it.each(byWhat(cases))('allows %s over a soft limit, which only flags the column', (_, c) => {
    const { plant, press, cards } = pressWith(c.columns);
    plant.limit(press, c.limits.inProgress, c.limits.done, true);

    plant.move(cards[c.card - 1]!, c.to, { role: c.role });

    expect(columnCount(plant.state, press.id, c.full)).toBe(c.count + 1);
  });

  it.each(byWhat(cases))('allows %s when the column has no limit', (_, c) => {
    const { plant, press, cards } = pressWith(c.columns);
    plant.move(cards[c.card - 1]!, c.to, { role: c.role });
    expect(columnCount(plant.state, press.id, c.full)).toBe(c.count + 1);
  });

  it('treats each column on its own: a soft In Progress does not soften Done', () => {
    const { plant, press, cards } = pressWith([DONE, IN_PROGRESS]);
    plant.run({
      type: 'station.update',
      stationId: press.id,
      wipLimits: { inProgress: 0, done: 1 },
      softLimits: { inProgress: true, done: false },
    });
    expect(refusalOf(() => plant.move(cards[1]!, DONE)).code).toBe(ErrorCode.WIP_LIMIT_REACHED);
    plant.move(cards[0]!, IN_PROGRESS); // step back into the soft, over-full In Progress
    expect(columnCount(plant.state, press.id, IN_PROGRESS)).toBe(2);
  });

  it('never limits Requested: consumption and step back still land there with every limit at 0', () => {
    const { plant, press, cards } = pressWith([IN_PROGRESS, DONE, REQUESTED]);
    plant.limit(press, 0, 0);

    plant.consume(cards[1]!);
    plant.move(cards[0]!, REQUESTED, { role: Role.LEAD });

    expect(columnCount(plant.state, press.id, REQUESTED)).toBe(3);
    expect(() => checkWipLimit(plant.state, press.id, REQUESTED)).not.toThrow();
  });

  it('allows reordering inside a full column', () => {
    const { plant, press, cards } = pressWith([IN_PROGRESS, IN_PROGRESS]);
    plant.limit(press, 2, 2);

    plant.move(cards[1]!, IN_PROGRESS, { before: cards[0]! });

    expect(ids(plant, press.id, IN_PROGRESS)).toEqual([cards[1], cards[0]]);
  });

  it('checks the limit of the card’s own station, not of other stations', () => {
    const { plant, press, weld, cards } = pressWith([REQUESTED]);
    plant.limit(weld, 0, 0);
    plant.move(cards[0]!, IN_PROGRESS);
    expect(columnCount(plant.state, press.id, IN_PROGRESS)).toBe(1);
  });
});

// ---------------------------------------------------------------- versions

describe('expectedVersion (optimistic concurrency)', () => {
  it.each<[string, (p: RulesPlant, cardId: string, v: number) => unknown]>([
    ['card.move', (p, id, v) => p.move(id, IN_PROGRESS, { expectedVersion: v })],
    ['card.consume', (p, id, v) => p.consume(id, v)],
  ])('refuses %s with a stale version as VERSION_CONFLICT', (_, run) => {
    const { plant, blank } = smallPlant();
    const card = plant.bring(plant.serial(blank, 1).id, DONE);
    plant.move(card.id, DONE, { before: plant.serial(blank, 2).id }); // someone reorders: version 2
    const state = plant.state;

    const err = refusalOf(() => run(plant, card.id, 1));

    expect(err.code).toBe(ErrorCode.VERSION_CONFLICT);
    expect(err.details).toEqual({ cardId: card.id, expectedVersion: 1, version: 2 });
    expect(plant.state).toBe(state);
  });

  it('accepts a command made against the current version', () => {
    const { plant, blank } = smallPlant();
    const card = plant.serial(blank, 1);
    plant.consume(card.id, card.version);
    plant.move(card.id, IN_PROGRESS, { expectedVersion: card.version + 1 });
    expect(plant.card(card.id)).toMatchObject({ column: IN_PROGRESS, version: 3 });
  });

  it('increments the version on every change to the card, and only then', () => {
    const { plant, blank } = smallPlant();
    const id = plant.serial(blank, 1).id;
    const other = plant.serial(blank, 2).id;
    const steps: Array<[string, () => unknown]> = [
      ['consume', () => plant.consume(id)],
      ['start', () => plant.move(id, IN_PROGRESS)],
      ['finish', () => plant.move(id, DONE)],
      ['reorder', () => plant.move(id, DONE, { before: other })],
      ['step back', () => plant.move(id, IN_PROGRESS, { role: Role.LEAD })],
      ['finish again', () => plant.move(id, DONE)],
      ['consume by loop', () => plant.consumeLoop(blank)], // takes blank 2, not this card
    ];
    const versions = steps.map(([, step]) => {
      step();
      return plant.card(id).version;
    });
    expect(versions).toEqual([2, 3, 4, 5, 6, 7, 7]);
  });
});

// ---------------------------------------------------------------- consumption

describe('card.consume', () => {
  it('sends the card to the end of its supplier’s Requested, one cycle on, with the signal time', () => {
    const { plant, blank, housing, steel, assembly } = smallPlant();
    const b1 = plant.serial(blank, 1);
    plant.consume(b1.id);
    const h2 = plant.serial(housing, 2);
    plant.now = T1;
    const seq = plant.state.seq + 1;

    const d = plant.consume(h2.id);

    const back = {
      ...h2,
      column: REQUESTED,
      rank: expect.any(String),
      version: 2,
      cycle: 1,
      enteredAt: T1,
      enteredSeq: seq,
      requestedAt: T1,
    };
    expect(d.events).toEqual([
      {
        type: EventType.CARD_CONSUMED,
        seq,
        at: T1,
        actor: { kind: 'user', id: 'us_tester', name: 'tester' },
        cardId: h2.id,
        loopId: housing.id,
        consumerStationId: assembly.id,
        causedByCardId: null,
        card: back,
      },
    ]);
    expect(d.result).toEqual({ card: plant.card(h2.id), seq });
    expect(ids(plant, steel.id, REQUESTED)).toEqual([b1.id, h2.id]);
  });

  it('counts one cycle per consumption', () => {
    const { plant, blank } = smallPlant();
    const id = plant.serial(blank, 1).id;
    for (const col of [REQUESTED, DONE, REQUESTED, DONE, REQUESTED]) plant.bring(id, col);
    expect(plant.card(id).cycle).toBe(3);
  });

  it('lets any role use a full container', () => {
    const { plant, blank } = smallPlant();
    const id = plant.serial(blank, 1).id;
    plant.run({ type: 'card.consume', cardId: id }, { role: Role.OPERATOR });
    expect(plant.card(id).column).toBe(REQUESTED);
  });

  it.each([REQUESTED, IN_PROGRESS])('refuses a card in %s: only a full container is used', (column) => {
    const { plant, blank } = smallPlant();
    const card = plant.bring(plant.serial(blank, 1).id, column);
    const state = plant.state;

    const err = refusalOf(() => plant.consume(card.id));

    expect(err.code).toBe(ErrorCode.INVALID_TRANSITION);
    expect(err.details).toEqual({ cardId: card.id, column });
    expect(plant.state).toBe(state);
  });

  it('refuses an unknown card as NOT_FOUND', () => {
    const { plant } = smallPlant();
    expect(refusalOf(() => plant.consume('cd-404')).code).toBe(ErrorCode.NOT_FOUND);
  });
});

describe('loop.consume', () => {
  it('takes the oldest full container first (FIFO), not the top of the Done column', () => {
    const { plant, blank } = smallPlant();
    const [b1, b2, b3] = [1, 2, 3].map((n) => plant.serial(blank, n).id) as [string, string, string];
    // Cards created together are taken in column order: 1, 2, 3.
    const firstRound = [1, 2, 3].map(() => resultCard(plant.consumeLoop(blank)).id);
    expect(firstRound).toEqual([b1, b2, b3]);
    // Fill them again in the order 3, 1, 2, then give 2 top priority in Done.
    for (const id of [b3, b1, b2]) plant.move(id, IN_PROGRESS);
    for (const id of [b3, b1, b2]) plant.move(id, DONE);
    plant.move(b2, DONE, { before: b3 });

    const taken = [1, 2, 3].map(() => plant.consumeLoop(blank).events[0]);

    expect(taken.map((e) => (e?.type === EventType.CARD_CONSUMED ? e.cardId : null))).toEqual([b3, b1, b2]);
  });

  it('uses the full container like card.consume does', () => {
    const { plant, blank, machining } = smallPlant();
    const d = plant.consumeLoop(blank);
    const e = onlyEvent(d.events, EventType.CARD_CONSUMED);
    expect(e).toMatchObject({ loopId: blank.id, consumerStationId: machining.id, causedByCardId: null });
    expect(e.card).toMatchObject({ column: REQUESTED, cycle: 1, version: 2, requestedAt: T0 });
    expect(d.result).toEqual({ card: e.card, seq: e.seq });
  });

  it('refuses a loop with no full container as a stock-out (STARVED)', () => {
    const { plant, housing } = smallPlant();
    plant.consumeLoop(housing);
    plant.consumeLoop(housing);
    const state = plant.state;

    const err = refusalOf(() => plant.consumeLoop(housing));

    expect(err.code).toBe(ErrorCode.STARVED);
    expect(err.details).toEqual({ loopId: housing.id, partNumber: 'HSG-300' });
    expect(plant.state).toBe(state);
  });

  it('refuses an unknown loop as NOT_FOUND', () => {
    const { plant } = smallPlant();
    const err = refusalOf(() => plant.run({ type: 'loop.consume', loopId: 'lp-404' }));
    expect(err.code).toBe(ErrorCode.NOT_FOUND);
    expect(err.details).toEqual({ loopId: 'lp-404' });
  });
});

// ---------------------------------------------------------------- cascade

describe('cascade (starting a card uses its inputs)', () => {
  it('starting a shaft uses the oldest full blank in the same decision', () => {
    const { plant, blank, shaft, steel, machining } = smallPlant();
    // Blank 1 goes round once, so blank 2 is now the oldest full container.
    plant.bring(plant.serial(blank, 1).id, REQUESTED);
    plant.bring(plant.serial(blank, 1).id, DONE);
    const s1 = plant.bring(plant.serial(shaft, 1).id, REQUESTED);
    const b2 = plant.serial(blank, 2);
    const seq = plant.state.seq;

    const d = plant.move(s1.id, IN_PROGRESS);

    expect(d.events.map((e) => [e.type, e.seq])).toEqual([
      [EventType.CARD_CONSUMED, seq + 1],
      [EventType.CARD_MOVED, seq + 2],
    ]);
    expect(d.events[0]).toMatchObject({
      cardId: b2.id,
      loopId: blank.id,
      consumerStationId: machining.id,
      causedByCardId: s1.id,
      card: { column: REQUESTED, cycle: 1, enteredSeq: seq + 1 },
    });
    expect(d.events[1]).toMatchObject({
      cardId: s1.id,
      from: REQUESTED,
      to: IN_PROGRESS,
      card: { enteredSeq: seq + 2 },
    });
    expect(d.result).toEqual({ card: plant.card(s1.id), seq: seq + 2 });
    expect(ids(plant, steel.id, REQUESTED).at(-1)).toBe(b2.id);
    expect(fullContainers(plant.state, blank.id).map((c) => c.serial)).toEqual([3, 1]);
  });

  it('starting a pump uses one shaft and one housing, in the order of its input loops', () => {
    const { plant, shaft, housing, pump } = smallPlant();
    const p1 = plant.bring(plant.serial(pump, 1).id, REQUESTED);

    const d = plant.move(p1.id, IN_PROGRESS);

    expect(d.events.map((e) => [e.type, 'cardId' in e ? e.cardId : null])).toEqual([
      [EventType.CARD_CONSUMED, plant.serial(shaft, 1).id],
      [EventType.CARD_CONSUMED, plant.serial(housing, 1).id],
      [EventType.CARD_MOVED, p1.id],
    ]);
    const causes = d.events.map((e) => (e.type === EventType.CARD_CONSUMED ? e.causedByCardId : null));
    expect(causes).toEqual([p1.id, p1.id, null]);
    expect(fullContainers(plant.state, shaft.id)).toHaveLength(2);
    expect(fullContainers(plant.state, housing.id)).toHaveLength(1);
  });

  it.each<[string, Column, Column]>([
    ['finishing', IN_PROGRESS, DONE],
    ['reordering Requested', REQUESTED, REQUESTED],
  ])('uses no input when %s', (_, from, to) => {
    const { plant, blank, shaft } = smallPlant();
    const s1 = plant.bring(plant.serial(shaft, 1).id, from);
    const full = fullContainers(plant.state, blank.id).length;

    const d = plant.move(s1.id, to, { role: Role.LEAD });

    expect(d.events.map((e) => e.type)).toEqual([EventType.CARD_MOVED]);
    expect(fullContainers(plant.state, blank.id)).toHaveLength(full);
  });

  it('gives back the inputs a start used when a lead steps the card back, first in line again', () => {
    const { plant, blank, shaft } = smallPlant();
    const s1 = plant.bring(plant.serial(shaft, 1).id, REQUESTED);
    const fullBefore = fullContainers(plant.state, blank.id);
    const start = plant.move(s1.id, IN_PROGRESS);
    const used = start.events.find((e) => e.type === EventType.CARD_CONSUMED)!;
    expect(used.cardId).toBe(fullBefore[0]!.id);

    const d = plant.move(s1.id, REQUESTED, { role: Role.LEAD });

    expect(d.events.map((e) => e.type)).toEqual([EventType.CARD_RETURNED, EventType.CARD_MOVED]);
    const back = plant.state.cards[used.cardId]!;
    expect(back).toMatchObject({ column: DONE, cycle: fullBefore[0]!.cycle });
    expect(fullContainers(plant.state, blank.id).map((c) => c.id)).toEqual(fullBefore.map((c) => c.id));
  });

  it('leaves an input consumed when its refill has already started upstream', () => {
    const { plant, blank, shaft } = smallPlant();
    const s1 = plant.bring(plant.serial(shaft, 1).id, REQUESTED);
    const start = plant.move(s1.id, IN_PROGRESS);
    const used = start.events.find((e) => e.type === EventType.CARD_CONSUMED)!;
    plant.move(used.cardId, IN_PROGRESS); // the supplier started refilling it

    const d = plant.move(s1.id, REQUESTED, { role: Role.LEAD });

    expect(d.events.map((e) => e.type)).toEqual([EventType.CARD_MOVED]);
    expect(plant.state.cards[used.cardId]!.column).toBe(IN_PROGRESS);
    expect(blank.id).toBe(plant.state.cards[used.cardId]!.loopId);
  });

  it('refuses the start as STARVED when an input has no full container, using nothing', () => {
    const { plant, shaft, housing, pump, assembly } = smallPlant();
    plant.consumeLoop(housing);
    plant.consumeLoop(housing);
    const p1 = plant.bring(plant.serial(pump, 1).id, REQUESTED);
    const state = plant.state;

    const err = refusalOf(() => plant.move(p1.id, IN_PROGRESS));

    expect(err.code).toBe(ErrorCode.STARVED);
    expect(err.details).toEqual({
      loopId: housing.id,
      partNumber: 'HSG-300',
      loopIds: [housing.id],
      partNumbers: ['HSG-300'],
      stationId: assembly.id,
    });
    expect(plant.state).toBe(state);
    expect(fullContainers(plant.state, shaft.id)).toHaveLength(3);
  });

  it('names every starved input, the first one in loopId', () => {
    const { plant, shaft, housing, pump } = smallPlant();
    for (let i = 0; i < 3; i++) plant.consumeLoop(shaft);
    for (let i = 0; i < 2; i++) plant.consumeLoop(housing);
    const p1 = plant.bring(plant.serial(pump, 1).id, REQUESTED);

    const err = refusalOf(() => plant.move(p1.id, IN_PROGRESS));

    expect(err.details).toMatchObject({
      loopId: shaft.id,
      partNumber: 'SHF-200',
      loopIds: [shaft.id, housing.id],
      partNumbers: ['SHF-200', 'HSG-300'],
    });
  });

  it('uses nothing when the start is refused by a WIP limit', () => {
    const { plant, blank, shaft, machining } = smallPlant();
    const s1 = plant.bring(plant.serial(shaft, 1).id, REQUESTED);
    plant.limit(machining, 0, null);
    const state = plant.state;

    expect(refusalOf(() => plant.move(s1.id, IN_PROGRESS)).code).toBe(ErrorCode.WIP_LIMIT_REACHED);
    expect(plant.state).toBe(state);
    expect(fullContainers(plant.state, blank.id)).toHaveLength(3);
  });

  it('ripples customer demand upstream, one station per start', () => {
    const { plant, blank, shaft, housing, pump, steel, machining, assembly } = smallPlant();
    // Shipping uses a pump; Assembly starts a new one, which pulls a shaft and a housing;
    // Machining starts a new shaft, which pulls a blank from Steel.
    const p = resultCard(plant.consumeLoop(pump)).id;
    plant.move(p, IN_PROGRESS);
    const s = columnCards(plant.state, machining.id, REQUESTED)[0]!;
    plant.move(s.id, IN_PROGRESS);

    expect(ids(plant, assembly.id, IN_PROGRESS)).toEqual([p]);
    expect(ids(plant, machining.id, IN_PROGRESS)).toEqual([s.id]);
    expect(columnCards(plant.state, steel.id, REQUESTED).map((c) => c.loopId)).toEqual([housing.id, blank.id]);
    expect(s.loopId).toBe(shaft.id);
  });
});

// ---------------------------------------------------------------- loops

describe('loop.create', () => {
  it('creates the loop full: every card in the supplier’s Done, serials 1..N, after the cards already there', () => {
    const { plant, steel, machining, blank, housing } = smallPlant();
    plant.now = T1;
    const seq = plant.state.seq + 1;

    const d = plant.run({
      type: 'loop.create',
      partNumber: 'BLT-9',
      supplierStationId: steel.id,
      consumerStationId: machining.id,
      cardCount: 4,
      containerQty: 50,
      leadTimeMinutes: 240,
    });

    const e = onlyEvent(d.events, EventType.LOOP_CREATED);
    expect(e.loop).toEqual({
      id: expect.any(String),
      partNumber: 'BLT-9',
      partName: '',
      supplierStationId: steel.id,
      consumerStationId: machining.id,
      cardCount: 4,
      containerQty: 50,
      leadTimeMinutes: 240,
      inputLoopIds: [],
    });
    expect(e.cards.map((c) => c.serial)).toEqual([1, 2, 3, 4]);
    for (const c of e.cards) {
      expect(c).toEqual({
        id: expect.any(String),
        code: cardCode(c.id),
        loopId: e.loop.id,
        serial: c.serial,
        stationId: steel.id,
        column: DONE,
        version: 1,
        cycle: 0,
        rank: expect.any(String),
        enteredAt: T1,
        enteredSeq: seq,
        requestedAt: null,
      });
    }
    expect(new Set(e.cards.map((c) => c.id)).size).toBe(4);
    expect(d.result).toEqual({ loop: e.loop, cards: e.cards, warnings: [] });
    expect(columnCards(plant.state, steel.id, DONE).map((c) => c.loopId)).toEqual([
      ...[1, 2, 3].map(() => blank.id),
      ...[1, 2].map(() => housing.id),
      ...[1, 2, 3, 4].map(() => e.loop.id),
    ]);
  });

  it('keeps the input loops it is given', () => {
    const { pump, shaft, housing } = smallPlant();
    expect(pump.inputLoopIds).toEqual([shaft.id, housing.id]);
  });

  type P = ReturnType<typeof smallPlant>;
  it.each(byWhat<{ what: string; command: (p: P) => Partial<Command>; code: ErrorCodeT }>([
    {
      what: 'the same station at both ends',
      command: (p) => ({ supplierStationId: p.machining.id, consumerStationId: p.machining.id }),
      code: ErrorCode.VALIDATION_FAILED,
    },
    {
      what: 'the customer end as supplier',
      command: (p) => ({ supplierStationId: p.shipping.id, consumerStationId: p.assembly.id }),
      code: ErrorCode.VALIDATION_FAILED,
    },
    {
      what: 'an external supplier as consumer',
      command: (p) => ({ supplierStationId: p.machining.id, consumerStationId: p.steel.id }),
      code: ErrorCode.VALIDATION_FAILED,
    },
    {
      what: 'an input loop not consumed at the supplying station',
      command: (p) => ({ inputLoopIds: [p.housing.id] }), // housing is used at Assembly
      code: ErrorCode.VALIDATION_FAILED,
    },
    {
      what: 'an input loop listed twice',
      command: (p) => ({ inputLoopIds: [p.blank.id, p.blank.id] }),
      code: ErrorCode.VALIDATION_FAILED,
    },
    { what: 'an unknown input loop', command: () => ({ inputLoopIds: ['lp-404'] }), code: ErrorCode.NOT_FOUND },
    {
      what: 'an unknown supplying station',
      command: () => ({ supplierStationId: 'st-404' }),
      code: ErrorCode.NOT_FOUND,
    },
    {
      what: 'an unknown consuming station',
      command: () => ({ consumerStationId: 'st-404' }),
      code: ErrorCode.NOT_FOUND,
    },
  ]))('refuses %s', (_, { command, code }) => {
    const p = smallPlant();
    const state = p.plant.state;
    const base = {
      type: 'loop.create',
      partNumber: 'NEW-1',
      supplierStationId: p.machining.id,
      consumerStationId: p.assembly.id,
      cardCount: 2,
      containerQty: 10,
      leadTimeMinutes: 60,
    };

    const err = refusalOf(() => p.plant.run({ ...base, ...command(p) } as Command));

    expect(err.code).toBe(code);
    expect(p.plant.state).toBe(state);
  });
});

describe('loop.update', () => {
  it('adds cards as empty containers at the end of the supplier’s Requested, with the next serials', () => {
    const { plant, blank, steel } = smallPlant();
    const b1 = plant.bring(plant.serial(blank, 1).id, REQUESTED);
    plant.now = T1;
    const seq = plant.state.seq + 1;

    const d = plant.run({ type: 'loop.update', loopId: blank.id, cardCount: 5 });

    const e = onlyEvent(d.events, EventType.LOOP_UPDATED);
    expect(e.loop).toEqual({ ...blank, cardCount: 5 });
    expect(e.removedCardIds).toEqual([]);
    expect(e.addedCards.map((c) => [c.serial, c.column, c.version, c.cycle, c.requestedAt, c.enteredSeq])).toEqual([
      [4, REQUESTED, 1, 0, T1, seq],
      [5, REQUESTED, 1, 0, T1, seq],
    ]);
    expect(ids(plant, steel.id, REQUESTED)).toEqual([b1.id, ...e.addedCards.map((c) => c.id)]);
    expect(plant.cardsOf(blank).map((c) => c.serial)).toEqual([1, 2, 3, 4, 5]);
  });

  // Card i+1 of a 5-card loop at Press: 1 Done, 2 Requested, 3 In Progress, 4 Requested, 5 Done.
  it.each<[number, number[]]>([
    [5, []],
    [4, [4]],
    [3, [4, 2]],
    [2, [4, 2, 5]],
    [1, [4, 2, 5, 1]],
  ])('shrinking to %i cards withdraws serials %j: empty containers first, then full ones, never work in process', (
    count,
    removed,
  ) => {
    const { plant, loop, cards } = pressWith([DONE, REQUESTED, IN_PROGRESS, REQUESTED, DONE]);

    const d = plant.run({ type: 'loop.update', loopId: loop.id, cardCount: count });

    const e = onlyEvent(d.events, EventType.LOOP_UPDATED);
    expect(e.removedCardIds).toEqual(removed.map((n) => cards[n - 1]));
    expect(e.addedCards).toEqual([]);
    expect(plant.cardsOf(loop)).toHaveLength(count);
    expect(plant.state.loops[loop.id]?.cardCount).toBe(count);
    expect(plant.cardsOf(loop).some((c) => c.column === IN_PROGRESS)).toBe(true);
  });

  it('refuses to withdraw work in process (INVALID_TRANSITION)', () => {
    const { plant, loop } = pressWith([DONE, IN_PROGRESS, IN_PROGRESS, REQUESTED]);
    const state = plant.state;

    const err = refusalOf(() => plant.run({ type: 'loop.update', loopId: loop.id, cardCount: 1 }));

    expect(err.code).toBe(ErrorCode.INVALID_TRANSITION);
    expect(err.details).toEqual({ loopId: loop.id, removable: 2, requested: 3 });
    expect(plant.state).toBe(state);
  });

  it('reuses the lowest free serials when cards come back', () => {
    const { plant, loop } = pressWith([DONE, REQUESTED, IN_PROGRESS, REQUESTED, DONE]);
    plant.run({ type: 'loop.update', loopId: loop.id, cardCount: 3 }); // withdraws 4 and 2
    expect(plant.cardsOf(loop).map((c) => c.serial)).toEqual([1, 3, 5]);

    plant.run({ type: 'loop.update', loopId: loop.id, cardCount: 5 });

    expect(plant.cardsOf(loop).map((c) => c.serial)).toEqual([1, 2, 3, 4, 5]);
  });

  it('changes the other fields without touching any card', () => {
    const { plant, blank } = smallPlant();
    const cards = plant.state.cards;

    const d = plant.run({
      type: 'loop.update',
      loopId: blank.id,
      partName: 'Blank, 40 mm',
      containerQty: 25,
      leadTimeMinutes: 90,
    });

    expect(d.result).toEqual({ loop: { ...blank, partName: 'Blank, 40 mm', containerQty: 25, leadTimeMinutes: 90 } });
    expect(plant.state.cards).toBe(cards);
  });

  it('accepts a valid new list of input loops', () => {
    const { plant, pump, shaft } = smallPlant();
    plant.run({ type: 'loop.update', loopId: pump.id, inputLoopIds: [shaft.id] });
    expect(plant.state.loops[pump.id]?.inputLoopIds).toEqual([shaft.id]);
  });

  type P = ReturnType<typeof smallPlant>;
  it.each(byWhat<{ what: string; loop: (p: P) => string; inputs: (p: P) => string[]; code: ErrorCodeT }>([
    {
      what: 'a loop as its own input',
      loop: (p) => p.pump.id,
      inputs: (p) => [p.pump.id],
      code: ErrorCode.VALIDATION_FAILED,
    },
    {
      what: 'an input not consumed at the supplying station',
      loop: (p) => p.pump.id,
      inputs: (p) => [p.blank.id],
      code: ErrorCode.VALIDATION_FAILED,
    },
    {
      what: 'an input listed twice',
      loop: (p) => p.pump.id,
      inputs: (p) => [p.shaft.id, p.shaft.id],
      code: ErrorCode.VALIDATION_FAILED,
    },
    { what: 'an unknown input', loop: (p) => p.pump.id, inputs: () => ['lp-404'], code: ErrorCode.NOT_FOUND },
    { what: 'an unknown loop', loop: () => 'lp-404', inputs: () => [], code: ErrorCode.NOT_FOUND },
  ]))('refuses %s', (_, { loop, inputs, code }) => {
    const p = smallPlant();
    const state = p.plant.state;
    const err = refusalOf(() =>
      p.plant.run({ type: 'loop.update', loopId: loop(p), inputLoopIds: inputs(p) }),
    );
    expect(err.code).toBe(code);
    expect(p.plant.state).toBe(state);
  });
});

// ---------------------------------------------------------------- stations

describe('station.create', () => {
  it('adds a process station just before the customer end, shifting the customer down', () => {
    const { plant, shipping } = smallPlant();
    const d = plant.run({ type: 'station.create', name: 'Paint' });
    expect(d.events.map((e) => e.type)).toEqual([EventType.STATION_UPDATED, EventType.STATION_CREATED]);
    expect(plant.state.stations[shipping.id]!.position).toBe(4);
    const e = d.events[1] as BoardEventOf<'station.created'>;
    expect(e.station).toEqual({
      id: expect.any(String),
      name: 'Paint',
      kind: StationKind.PROCESS,
      position: 3,
      wipLimits: { inProgress: null, done: null },
      softLimits: { inProgress: false, done: false },
      andon: null,
    });
    expect(d.result).toEqual({ station: e.station });
    expect(plant.state.stations[e.station.id]).toBe(e.station);
    expect(Object.values(plant.state.stations).map((s) => s.position).sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('adds a customer station at the very end', () => {
    const { plant } = smallPlant();
    const d = plant.run({ type: 'station.create', name: 'Spares dock', kind: StationKind.CUSTOMER });
    expect(d.events).toHaveLength(1);
    expect(onlyEvent(d.events, EventType.STATION_CREATED).station.position).toBe(4);
  });

  it('keeps the kind, limits and soft flags it is given, defaulting the ones left out', () => {
    const plant = new RulesPlant();
    const st = plant.station('Heat treat', {
      kind: StationKind.SUPPLIER,
      wipLimits: { inProgress: 3 },
      softLimits: { done: true },
    });
    expect(st).toMatchObject({
      kind: StationKind.SUPPLIER,
      position: 0,
      wipLimits: { inProgress: 3, done: null },
      softLimits: { inProgress: false, done: true },
    });
  });
});

describe('station.update', () => {
  it.each(byWhat<{ what: string; patch: Partial<Command>; expected: object }>([
    { what: 'renames', patch: { name: 'CNC cell' }, expected: { name: 'CNC cell' } },
    {
      what: 'changes one limit and keeps the other',
      patch: { wipLimits: { done: 5 } },
      expected: { wipLimits: { inProgress: 2, done: 5 } },
    },
    {
      what: 'removes a limit with null',
      patch: { wipLimits: { inProgress: null } },
      expected: { wipLimits: { inProgress: null, done: 3 } },
    },
    {
      what: 'marks one limit soft',
      patch: { softLimits: { done: true } },
      expected: { softLimits: { inProgress: false, done: true } },
    },
  ]))('%s', (_, { patch, expected }) => {
    const { plant, machining } = smallPlant();
    const limited = plant.limit(machining, 2, 3);

    const d = plant.run({ type: 'station.update', stationId: machining.id, ...patch } as Command);

    const e = onlyEvent(d.events, EventType.STATION_UPDATED);
    expect(e.station).toEqual({ ...limited, ...expected });
    expect(d.result).toEqual({ station: e.station });
  });

  // Steel 0, Machining 1, Assembly 2, Shipping 3.
  it.each<[string, number, string[], number]>([
    ['Assembly', 1, ['Steel', 'Assembly', 'Machining', 'Shipping'], 2],
    ['Machining', 2, ['Steel', 'Assembly', 'Machining', 'Shipping'], 2],
    ['Assembly', 2, ['Steel', 'Machining', 'Assembly', 'Shipping'], 1],
    ['Shipping', 99, ['Steel', 'Machining', 'Assembly', 'Shipping'], 1],
  ])('moves %s to position %i, renumbering the others: %j in %i event(s)', (name, to, order, events) => {
    const { plant } = smallPlant();
    const st = Object.values(plant.state.stations).find((s) => s.name === name)!;

    const d = plant.run({ type: 'station.update', stationId: st.id, position: to });

    const stations = orderedStations(plant.state);
    expect(stations.map((s) => s.name)).toEqual(order);
    expect(stations.map((s) => s.position)).toEqual([0, 1, 2, 3]);
    expect(d.events).toHaveLength(events);
    expect(d.events.every((e) => e.type === EventType.STATION_UPDATED)).toBe(true);
    expect(d.events.at(-1)).toMatchObject({ station: { id: st.id, position: order.indexOf(name) } });
    expect(d.result).toEqual({ station: plant.state.stations[st.id] });
  });

  // External suppliers come first and the customer end last, whatever is asked.
  it.each<[string, number, string]>([
    ['Shipping', 0, 'Shipping cannot stand before Steel'],
    ['Shipping', 2, 'Shipping cannot stand before Assembly'],
    ['Steel', 3, 'Steel cannot stand after Machining'],
    ['Steel', 99, 'Steel cannot stand after Machining'],
    ['Machining', 0, 'Machining cannot stand before Steel'],
    ['Assembly', 3, 'Assembly cannot stand after Shipping'],
  ])('refuses %s at position %i, changing nothing: %s', (name, to, message) => {
    const { plant } = smallPlant();
    const st = Object.values(plant.state.stations).find((s) => s.name === name)!;
    const before = plant.state;
    const err = refusalOf(() => plant.run({ type: 'station.update', stationId: st.id, position: to }));
    expect(err.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect(err.message).toContain(message);
    expect(plant.state).toBe(before);
  });

  it('places a new external supplier after the others, before the own stations', () => {
    const { plant } = smallPlant();
    const d = plant.run({ type: 'station.create', name: 'Castings Ltd', kind: StationKind.SUPPLIER });
    expect(orderedStations(plant.state).map((s) => s.name)).toEqual(['Steel', 'Castings Ltd', 'Machining', 'Assembly', 'Shipping']);
    expect(d.result.station.position).toBe(1);
  });

  it('refuses an unknown station as NOT_FOUND', () => {
    const { plant } = smallPlant();
    const err = refusalOf(() => plant.run({ type: 'station.update', stationId: 'st-404', name: 'X' }));
    expect(err.code).toBe(ErrorCode.NOT_FOUND);
    expect(err.details).toEqual({ stationId: 'st-404' });
  });
});

// ---------------------------------------------------------------- purity

describe('decide', () => {
  type P = ReturnType<typeof smallPlant>;
  const refused: Array<{ what: string; command: (p: P) => Command; code: ErrorCodeT }> = [
    {
      what: 'a skipped column',
      command: (p) => ({ type: 'card.move', cardId: p.plant.serial(p.blank, 3).id, to: REQUESTED }),
      code: ErrorCode.INVALID_TRANSITION,
    },
    {
      what: 'a stale version',
      command: (p) => ({ type: 'card.consume', cardId: p.plant.serial(p.blank, 1).id, expectedVersion: 7 }),
      code: ErrorCode.VERSION_CONFLICT,
    },
    {
      what: 'a starved start',
      command: (p) => ({ type: 'card.move', cardId: p.plant.serial(p.pump, 2).id, to: IN_PROGRESS }),
      code: ErrorCode.STARVED,
    },
    {
      what: 'a stock-out',
      command: (p) => ({ type: 'loop.consume', loopId: p.housing.id }),
      code: ErrorCode.STARVED,
    },
    {
      what: 'a full In Progress',
      command: (p) => ({ type: 'card.move', cardId: p.plant.serial(p.blank, 1).id, to: IN_PROGRESS }),
      code: ErrorCode.WIP_LIMIT_REACHED,
    },
    {
      what: 'an invalid loop',
      command: (p) => ({
        type: 'loop.create',
        partNumber: 'X',
        supplierStationId: p.steel.id,
        consumerStationId: p.steel.id,
        cardCount: 1,
        containerQty: 1,
        leadTimeMinutes: 1,
      }),
      code: ErrorCode.VALIDATION_FAILED,
    },
    {
      what: 'an unknown card',
      command: () => ({ type: 'card.consume', cardId: 'cd-404' }),
      code: ErrorCode.NOT_FOUND,
    },
  ];

  /** A plant where pump 1 is in progress, pump 2 requested, housing used up, Steel In Progress full. */
  function busyPlant(): P {
    const p = smallPlant();
    p.plant.bring(p.plant.serial(p.pump, 1).id, IN_PROGRESS);
    p.plant.bring(p.plant.serial(p.pump, 2).id, REQUESTED);
    p.plant.consumeLoop(p.housing);
    p.plant.bring(p.plant.serial(p.blank, 1).id, REQUESTED);
    p.plant.bring(p.plant.serial(p.blank, 2).id, IN_PROGRESS);
    p.plant.limit(p.steel, 1, null);
    return p;
  }

  it.each(byWhat(refused))('refuses %s and leaves the state it was given untouched', (_, { command, code }) => {
    const p = busyPlant();
    const copy = structuredClone(p.plant.state);
    const frozen = deepFreeze(p.plant.state);

    const err = refusalOf(() => decide(frozen, command(p), p.plant.context()));

    expect(err.code).toBe(code);
    expect(frozen).toEqual(copy);
  });

  const accepted: Array<{ what: string; command: (p: P) => Command }> = [
    {
      what: 'a cascading start',
      command: (p) => ({ type: 'card.move', cardId: p.plant.serial(p.shaft, 1).id, to: IN_PROGRESS }),
    },
    { what: 'a consumption', command: (p) => ({ type: 'loop.consume', loopId: p.blank.id }) },
    { what: 'a loop resize', command: (p) => ({ type: 'loop.update', loopId: p.pump.id, cardCount: 4 }) },
    {
      what: 'a station move',
      command: (p) => ({ type: 'station.update', stationId: p.assembly.id, position: 1 }),
    },
    { what: 'a new station', command: () => ({ type: 'station.create', name: 'Paint' }) },
  ];

  it.each(byWhat(accepted))('accepts %s without changing the state it was given', (_, { command }) => {
    const p = busyPlant();
    p.plant.bring(p.plant.serial(p.shaft, 1).id, REQUESTED);
    const copy = structuredClone(p.plant.state);
    const frozen = deepFreeze(p.plant.state);

    const d = decide(frozen, command(p), p.plant.context());

    expect(d.events.length).toBeGreaterThan(0);
    expect(d.state).not.toBe(frozen);
    expect(d.state.seq).toBe(frozen.seq + d.events.length);
    expect(frozen).toEqual(copy);
  });

  it('stamps every event with the command’s time and actor, in consecutive seq order', () => {
    const p = smallPlant();
    const s1 = p.plant.bring(p.plant.serial(p.pump, 1).id, REQUESTED);
    const ctx = { ...p.plant.context(), now: T1, actor: { kind: 'user' as const, id: 'us_anna', name: 'lead-anna' } };

    const d = decide(p.plant.state, { type: 'card.move', cardId: s1.id, to: IN_PROGRESS }, ctx);

    expect(d.events.map((e) => [e.seq, e.at, e.actor])).toEqual(
      [1, 2, 3].map((i) => [p.plant.state.seq + i, T1, ctx.actor]),
    );
  });
});

// ---------------------------------------------------------------- andon

describe('andon', () => {
  const raise = (plant: RulesPlant, stationId: string, kind: 'stop' | 'help' | 'material', note?: string) =>
    plant.run({ type: 'andon.raise', stationId, kind, ...(note === undefined ? {} : { note }) });
  const clear = (plant: RulesPlant, stationId: string) => plant.run({ type: 'andon.clear', stationId });

  it.each(['stop', 'help', 'material'] as const)('raises a %s call that every screen sees on the station', (kind) => {
    const { plant, machining } = smallPlant();
    const d = raise(plant, machining.id, kind, 'spindle alarm');
    expect(d.events.map((e) => e.type)).toEqual([EventType.ANDON_RAISED]);
    expect(plant.state.stations[machining.id]!.andon).toEqual({
      kind,
      note: 'spindle alarm',
      raisedAt: T0,
      raisedBy: 'tester',
    });
  });

  it('refuses raising the same call twice', () => {
    const { plant, machining } = smallPlant();
    raise(plant, machining.id, 'help');
    const before = plant.state;
    const err = refusalOf(() => raise(plant, machining.id, 'help'));
    expect(err.code).toBe(ErrorCode.INVALID_TRANSITION);
    expect(plant.state).toBe(before);
  });

  it('escalates a call for help to a line stop, logging the first as cleared', () => {
    const { plant, machining } = smallPlant();
    raise(plant, machining.id, 'help');
    const d = raise(plant, machining.id, 'stop');
    expect(d.events.map((e) => e.type)).toEqual([EventType.ANDON_CLEARED, EventType.ANDON_RAISED]);
    expect(plant.state.stations[machining.id]!.andon?.kind).toBe('stop');
  });

  it('clears a call and logs how long it was in force', () => {
    const { plant, machining } = smallPlant();
    raise(plant, machining.id, 'stop');
    const later = new Date(Date.parse(T0) + 754_000).toISOString();
    const d = decide(plant.state, { type: 'andon.clear', stationId: machining.id }, testContext({ now: later }));
    expect(d.events).toHaveLength(1);
    expect(d.events[0]).toMatchObject({ type: EventType.ANDON_CLEARED, stationId: machining.id, durationSeconds: 754 });
    expect(d.state.stations[machining.id]!.andon).toBeNull();
  });

  it('refuses clearing when no call is in force, and an unknown station', () => {
    const { plant, machining } = smallPlant();
    expect(refusalOf(() => clear(plant, machining.id)).code).toBe(ErrorCode.INVALID_TRANSITION);
    expect(refusalOf(() => raise(plant, 'st-404', 'stop')).code).toBe(ErrorCode.NOT_FOUND);
  });
});
