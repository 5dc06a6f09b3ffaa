import { describe, expect, it } from 'vitest';
import { Column } from '../../../shared/names.ts';
import { smallPlant, T0 } from '../../../shared/testPlant.ts';
import { ErrorCode } from '../../../shared/names.ts';
import { ageMinutes, columnCardIds, fullCount, inboundLoopIds, limitState, oldestFullId, overdue, starvedInputIds } from './selectors.ts';
import { refusalMessage } from './messages.ts';

const t0 = Date.parse(T0);

describe('selectors', () => {
  it.each([
    { count: 1, limit: null, state: 'none' },
    { count: 1, limit: 3, state: 'ok' },
    { count: 3, limit: 3, state: 'at' },
    { count: 4, limit: 3, state: 'over' },
  ] as const)('calls $count of limit $limit "$state"', ({ count, limit, state }) => {
    expect(limitState(count, limit)).toBe(state);
  });

  it('lists a column by rank and counts full containers', () => {
    const { plant, steel, blank, housing } = smallPlant();
    const ids = columnCardIds(plant.state, steel.id, Column.DONE);
    expect(ids).toHaveLength(5);
    expect(fullCount(plant.state, blank.id)).toBe(3);
    expect(oldestFullId(plant.state, housing.id)).toBe(plant.serial(housing, 1).id);
  });

  it('ages a requested card from its signal and marks it overdue past the lead time', () => {
    const { plant, blank } = smallPlant();
    const card = plant.card(plant.serial(blank, 1).id);
    plant.consume(card.id);
    const requested = plant.card(card.id);
    const loop = plant.state.loops[blank.id];
    expect(ageMinutes(requested, t0 + 59 * 60_000)).toBe(59);
    expect(overdue(requested, loop, t0 + 60 * 60_000)).toBe(false);
    expect(overdue(requested, loop, t0 + 61 * 60_000)).toBe(true);
    expect(overdue(card, loop, t0 + 999 * 60_000)).toBe(false); // a full container is never overdue
  });

  it('finds the inbound loops of a station and the empty ones it is starved of', () => {
    const { plant, machining, blank, shaft } = smallPlant();
    expect(inboundLoopIds(plant.state, machining.id)).toEqual([blank.id]);
    plant.consume(plant.serial(shaft, 1).id); // work requested at Machining
    expect(starvedInputIds(plant.state, machining.id)).toEqual([]);
    for (const c of plant.cardsOf(blank)) plant.consume(c.id);
    expect(starvedInputIds(plant.state, machining.id)).toEqual([blank.id]);
  });
});

describe('refusal messages', () => {
  it('say what was refused and why, with the numbers', () => {
    const { plant, machining } = smallPlant();
    const error = { code: ErrorCode.WIP_LIMIT_REACHED, message: 'x', details: { stationId: machining.id, column: 'done', limit: 3, count: 3 } };
    expect(refusalMessage('Finish SHF-200 card 2 / 3', error, plant.state)).toBe(
      'Finish SHF-200 card 2 / 3 refused — WIP limit reached: Machining Done is full (3 / 3). Finish or move work on before adding more.',
    );
  });

  it('fall back to the server message for other codes', () => {
    const { plant } = smallPlant();
    expect(refusalMessage('Start X', { code: ErrorCode.INVALID_TRANSITION, message: 'A card moves one column at a time' }, plant.state)).toBe(
      'Start X refused — A card moves one column at a time',
    );
  });
});
