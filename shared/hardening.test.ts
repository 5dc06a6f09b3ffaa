// The plant's limits, the text rules and the re-spacing of ordering keys, on the pure
// rules (the API tests in server/limits.test.ts check the same over HTTP and the socket).
import { describe, expect, it } from 'vitest';
import { columnCards, orderedStations } from './board.ts';
import { parseCommand } from './commands.ts';
import { Column, ErrorCode, EventType, Limits, StationKind } from './names.ts';
import { DEFAULT_PLANT_LIMITS } from './limits.ts';
import type { PlantLimits } from './limits.ts';
import { RulesPlant, refusalOf, smallPlant } from './testPlant.ts';
import { excerpt, textProblem } from './text.ts';
import { decide } from './rules.ts';

const { DONE } = Column;

function limited(plant: RulesPlant, limits: PlantLimits) {
  return <K extends Parameters<typeof decide>[1]>(command: K) => {
    const d = decide(plant.state, command, { ...plant.context(), limits });
    plant.state = d.state;
    return d;
  };
}

describe('plant limits', () => {
  it('has defaults that carry a 10,000-card plant and cap between 10,000 and 50,000 cards', () => {
    expect(DEFAULT_PLANT_LIMITS.cards).toBeGreaterThanOrEqual(10_000);
    expect(DEFAULT_PLANT_LIMITS.cards).toBeLessThanOrEqual(50_000);
  });

  it('accepts stations up to the limit and refuses one more with LIMIT_REACHED, changing nothing', () => {
    const plant = new RulesPlant();
    const run = limited(plant, { stations: 3, loops: 10, cards: 100 });
    for (const name of ['A', 'B', 'C']) run({ type: 'station.create', name });
    const before = plant.state;
    const err = refusalOf(() => run({ type: 'station.create', name: 'D' }));
    expect(err.code).toBe(ErrorCode.LIMIT_REACHED);
    expect(err.details).toEqual({ what: 'stations', limit: 3, count: 3, adding: 1 });
    expect(plant.state).toBe(before);
  });

  it('accepts loops up to the limit and refuses one more', () => {
    const { plant, steel, machining } = smallPlant(); // 4 loops
    const run = limited(plant, { stations: 10, loops: 5, cards: 1000 });
    const loop = (partNumber: string) =>
      run({ type: 'loop.create', partNumber, supplierStationId: steel.id, consumerStationId: machining.id, cardCount: 1, containerQty: 1, leadTimeMinutes: 60 });
    loop('X-1');
    const before = plant.state;
    const err = refusalOf(() => loop('X-2'));
    expect(err.code).toBe(ErrorCode.LIMIT_REACHED);
    expect(err.details).toEqual({ what: 'loops', limit: 5, count: 5, adding: 1 });
    expect(plant.state).toBe(before);
  });

  it('counts every card of the plant: a new loop or a larger one must fit', () => {
    const { plant, steel, machining, blank } = smallPlant(); // 10 cards
    const run = limited(plant, { stations: 10, loops: 10, cards: 14 });
    const create = (cardCount: number) =>
      run({ type: 'loop.create', partNumber: 'X', supplierStationId: steel.id, consumerStationId: machining.id, cardCount, containerQty: 1, leadTimeMinutes: 60 });
    const before = plant.state;
    expect(refusalOf(() => create(5)).details).toEqual({ what: 'cards', limit: 14, count: 10, adding: 5 });
    expect(plant.state).toBe(before);
    create(2); // 12: at or under the limit
    expect(refusalOf(() => run({ type: 'loop.update', loopId: blank.id, cardCount: 6 })).code).toBe(ErrorCode.LIMIT_REACHED);
    run({ type: 'loop.update', loopId: blank.id, cardCount: 5 }); // 14: exactly the limit
    expect(Object.keys(plant.state.cards)).toHaveLength(14);
    run({ type: 'loop.update', loopId: blank.id, cardCount: 3 }); // shrinking is always allowed
    expect(Object.keys(plant.state.cards)).toHaveLength(12);
  });
});

describe('text rules', () => {
  const name = (value: string) => parseCommand('station.create', { name: value });

  it.each<[string, string]>([
    ['a lone surrogate', 'Weld\uD800ing'],
    ['a NUL', 'Weld\u0000ing'],
    ['a newline', 'Weld\ning'],
    ['an escape', 'Weld\u001b[31m'],
    ['a right-to-left override', 'Weld\u202Eing'],
    ['a bidi isolate', '\u2067Welding'],
    ['only zero-width spaces', '\u200B\u200B'],
    ['only a byte-order mark and a joiner', '\uFEFF\u200D'],
    ['only a combining accent', '\u0301'],
    ['only spaces', '   '],
  ])('refuses a name with %s', (_, value) => {
    const r = name(value);
    expect(r.success).toBe(false);
  });

  it('keeps names NFC, trimmed and otherwise as typed (accents, scripts, emoji)', () => {
    const decomposed = 'Cafe\u0301 Line';
    const r = name(`  ${decomposed} `);
    expect(r).toMatchObject({ success: true, command: { name: 'Caf\u00e9 Line' } });
    for (const ok of ['Schweißen', 'Сварка', '溶接', 'لحام', 'Paint 🎨', 'Zone\u200DA']) {
      expect(name(ok)).toMatchObject({ success: true, command: { name: ok } });
    }
  });

  it('applies to part numbers, part names and andon notes; empty free text stays allowed', () => {
    const loop = (fields: Record<string, unknown>) =>
      parseCommand('loop.create', { partNumber: 'P-1', supplierStationId: 'a', consumerStationId: 'b', cardCount: 1, containerQty: 1, leadTimeMinutes: 60, ...fields });
    expect(loop({ partNumber: '\u200B' }).success).toBe(false);
    expect(loop({ partName: 'Shaft\u0000' }).success).toBe(false);
    expect(loop({ partName: '' }).success).toBe(true);
    expect(parseCommand('andon.raise', { stationId: 's', kind: 'stop', note: 'x\u202E' }).success).toBe(false);
  });

  it('refuses a lead time under a minute', () => {
    const loop = (leadTimeMinutes: number) =>
      parseCommand('loop.create', { partNumber: 'P-1', supplierStationId: 'a', consumerStationId: 'b', cardCount: 1, containerQty: 1, leadTimeMinutes });
    expect(loop(5e-324).success).toBe(false);
    expect(loop(0.5).success).toBe(false);
    expect(loop(Limits.MIN_LEAD_TIME_MINUTES).success).toBe(true);
  });

  it('says what is wrong, and excerpts never carry more than a short prefix', () => {
    expect(textProblem('ok')).toBeNull();
    expect(textProblem('a\uDC00')).toMatch(/surrogate/);
    expect(excerpt('x'.repeat(1_000_000))).toHaveLength(41);
    expect(excerpt('short')).toBe('short');
  });
});

describe('ordering keys', () => {
  it('stay short and in the asked order over thousands of moves before the same card', () => {
    const { plant, steel, machining } = smallPlant();
    const big = plant.loop('BIG-1', steel, machining, 12);
    const cards = columnCards(plant.state, steel.id, DONE).filter((c) => c.loopId === big.id);
    const anchor = cards[5]!;
    let longest = 0;
    let respaced = 0;
    for (let i = 0; i < 3000; i++) {
      const mover = cards[i % 2 === 0 ? 0 : 11]!;
      const d = plant.move(mover.id, DONE, { before: anchor.id });
      respaced += d.events.length > 1 ? 1 : 0;
      const column = columnCards(plant.state, steel.id, DONE);
      longest = Math.max(longest, ...column.map((c) => c.rank.length));
      // The mover sits right before the anchor, every time.
      const at = column.findIndex((c) => c.id === anchor.id);
      expect(column[at - 1]!.id).toBe(mover.id);
      expect(d.result.card).toEqual(plant.state.cards[mover.id]);
    }
    expect(longest).toBeLessThanOrEqual(Limits.RANK_LENGTH + 1);
    expect(respaced).toBeGreaterThan(0);
  });

  it('re-spaces a column with reorders after the move, keeping the order and every card', () => {
    const { plant, steel, machining } = smallPlant();
    const big = plant.loop('BIG-1', steel, machining, 4);
    const ids = columnCards(plant.state, steel.id, DONE).filter((c) => c.loopId === big.id).map((c) => c.id);
    let d = plant.move(ids[3]!, DONE, { before: ids[1]! });
    while (d.events.length === 1) d = plant.move(d.result.card.id === ids[3] ? ids[0]! : ids[3]!, DONE, { before: ids[1]! });
    const [first, ...rest] = d.events;
    expect(first).toMatchObject({ type: EventType.CARD_MOVED, from: DONE, to: DONE });
    for (const e of rest) expect(e).toMatchObject({ type: EventType.CARD_MOVED, from: DONE, to: DONE });
    const column = columnCards(plant.state, steel.id, DONE);
    expect(column.every((c) => c.rank.length <= 4)).toBe(true);
    expect(new Set(column.map((c) => c.rank)).size).toBe(column.length);
  });
});

describe('station order', () => {
  it('keeps suppliers first and the customer end last however stations are added', () => {
    const plant = new RulesPlant();
    plant.station('Ship', { kind: StationKind.CUSTOMER });
    plant.station('Paint');
    plant.station('Steel', { kind: StationKind.SUPPLIER });
    plant.station('Weld');
    plant.station('Bolts', { kind: StationKind.SUPPLIER });
    expect(orderedStations(plant.state).map((s) => s.name)).toEqual(['Steel', 'Bolts', 'Paint', 'Weld', 'Ship']);
  });
});
