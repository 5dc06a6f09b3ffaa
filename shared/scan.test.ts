// Card codes and the scan rule on the pure domain: each outcome, each refusal in words,
// and a refusal changes nothing.
import { describe, expect, it } from 'vitest';
import { CODE_LENGTH, cardCode, cardWithCode, formatCode, normalizeCode } from './cardCode.ts';
import { Column, ErrorCode, EventType, Role } from './names.ts';
import { refusalOf, smallPlant } from './testPlant.ts';

const { REQUESTED, IN_PROGRESS, DONE } = Column;

describe('card codes', () => {
  it('are 8 unambiguous characters, a function of the id, and distinct across many ids', () => {
    const codes = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const code = cardCode(`cd_${i.toString(36)}`);
      expect(code).toMatch(/^[0-9ABCDEFGHJKMNPQRSTVWXYZ]{8}$/);
      codes.add(code);
    }
    expect(codes.size).toBe(20_000);
    expect(cardCode('cd_abc')).toBe(cardCode('cd_abc'));
    expect(CODE_LENGTH).toBe(8);
  });

  it('read back whatever way a person or scanner types them', () => {
    const code = cardCode('cd_example');
    expect(normalizeCode(code)).toBe(code);
    expect(normalizeCode(formatCode(code).toLowerCase())).toBe(code);
    expect(normalizeCode(` ${formatCode(code)} `)).toBe(code);
    expect(normalizeCode('O1IL-0000')).toBe('01110000');
    expect(normalizeCode('abc-12')).toBeNull();
    expect(normalizeCode('UUUU-UUUU')).toBeNull(); // U is not in the alphabet
  });

  it('are on every card a loop creates, and find their card', () => {
    const { plant } = smallPlant();
    for (const c of Object.values(plant.state.cards)) {
      expect(c.code).toBe(cardCode(c.id));
      expect(cardWithCode(plant.state, c.code)).toBe(c);
    }
  });
});

describe('a scan at a station', () => {
  it('at the consuming station uses a full container', () => {
    const { plant, blank, machining } = smallPlant();
    const card = plant.serial(blank, 1);
    const d = plant.run({ type: 'card.scan', code: formatCode(card.code).toLowerCase(), stationId: machining.id });
    expect(d.result).toMatchObject({ action: 'consume', card: { id: card.id, column: REQUESTED } });
    expect(d.events.map((e) => e.type)).toEqual([EventType.CARD_CONSUMED]);
  });

  it('at the supplying station starts a requested card (with its cascade) and finishes one in progress', () => {
    const { plant, shaft, blank, machining } = smallPlant();
    const card = plant.serial(shaft, 1);
    plant.consume(card.id);
    const start = plant.run({ type: 'card.scan', code: card.code, stationId: machining.id });
    expect(start.result).toMatchObject({ action: 'start', card: { id: card.id, column: IN_PROGRESS } });
    // Starting a shaft uses a blank, as the Start button does.
    expect(start.events.map((e) => e.type)).toEqual([EventType.CARD_CONSUMED, EventType.CARD_MOVED]);
    expect(start.events[0]).toMatchObject({ loopId: blank.id });
    const finish = plant.run({ type: 'card.scan', code: card.code, stationId: machining.id });
    expect(finish.result).toMatchObject({ action: 'finish', card: { id: card.id, column: DONE } });
  });

  it.each<[string, string, RegExp]>([
    ['a container that is not full, at its consumer', 'consumerOfRequested', /is not a full container: it is in Requested at Machining/],
    ['a full container at its supplier', 'supplierOfFull', /is already full in Machining's Done: scan it at Assembly/],
    ['a card at a station outside its loop', 'elsewhere', /goes from Machining to Assembly: scan it there, not at Shipping/],
  ])('refuses %s in words, changing nothing', (_, where, message) => {
    const { plant, shaft, machining, assembly, shipping } = smallPlant();
    const card = plant.serial(shaft, 2);
    if (where === 'consumerOfRequested') plant.consume(card.id);
    const stationId = where === 'supplierOfFull' ? machining.id : where === 'elsewhere' ? shipping.id : assembly.id;
    const before = plant.state;
    const err = refusalOf(() => plant.run({ type: 'card.scan', code: card.code, stationId }));
    expect(err.code).toBe(ErrorCode.INVALID_TRANSITION);
    expect(err.message).toMatch(/^SHF-200 card 2 of 3 \(/);
    expect(err.message).toMatch(message);
    expect(plant.state).toBe(before);
  });

  it('refuses an unknown or malformed code as NOT_FOUND, repeating only a short prefix', () => {
    const { plant, machining } = smallPlant();
    for (const code of ['ZZZZ-ZZZZ', 'not a code', 'x'.repeat(64)]) {
      const err = refusalOf(() => plant.run({ type: 'card.scan', code, stationId: machining.id }));
      expect(err.code).toBe(ErrorCode.NOT_FOUND);
      expect(err.message.length).toBeLessThan(60);
    }
  });

  it('keeps the WIP limit and starvation rules of the step it takes', () => {
    const { plant, shaft, blank, machining } = smallPlant();
    for (const c of Object.values(plant.state.cards).filter((x) => x.loopId === blank.id)) plant.consume(c.id);
    const card = plant.serial(shaft, 1);
    plant.consume(card.id);
    const err = refusalOf(() => plant.run({ type: 'card.scan', code: card.code, stationId: machining.id }));
    expect(err.code).toBe(ErrorCode.STARVED);
  });

  it('is allowed to an operator only at their own station', () => {
    const { plant, blank, machining, assembly } = smallPlant();
    const card = plant.serial(blank, 1);
    const ctx = { role: Role.OPERATOR };
    const err = refusalOf(() =>
      plant.runAs({ type: 'card.scan', code: card.code, stationId: machining.id }, ctx.role, [assembly.id]),
    );
    expect(err.code).toBe(ErrorCode.FORBIDDEN);
    const ok = plant.runAs({ type: 'card.scan', code: card.code, stationId: machining.id }, ctx.role, [machining.id]);
    expect(ok.result.action).toBe('consume');
  });
});
