import { describe, expect, it } from 'vitest';
import { Column, EventType } from '../../../shared/names.ts';
import type { Actor, BoardEvent, Card, Loop } from '../../../shared/schemas.ts';
import { describeActor, describeCardEvent, newestFirst } from './cardHistoryText.ts';

const names = (id: string) => ({ st_weld: 'Weld', st_press: 'Press' })[id];
const anna: Actor = { kind: 'user', id: 'us_1', name: 'anna' };

const card = (over: Partial<Card> = {}): Card => ({
  id: 'cd_1',
  code: '0000-0001',
  loopId: 'lp_1',
  serial: 2,
  stationId: 'st_press',
  column: Column.DONE,
  version: 3,
  cycle: 1,
  rank: 'a0',
  enteredAt: '2026-11-30T10:00:00.000Z',
  enteredSeq: 5,
  requestedAt: null,
  ...over,
});
const loop: Loop = {
  id: 'lp_1',
  partNumber: 'BRK-1',
  partName: 'Bracket',
  supplierStationId: 'st_press',
  consumerStationId: 'st_weld',
  cardCount: 3,
  containerQty: 10,
  leadTimeMinutes: 60,
  inputLoopIds: [],
};
const base = { seq: 7, at: '2026-11-30T10:00:00.000Z', actor: anna };

function moved(from: Column, to: Column): BoardEvent {
  return { ...base, type: EventType.CARD_MOVED, cardId: 'cd_1', loopId: 'lp_1', from, to, card: card({ column: to }) };
}

describe('describeCardEvent', () => {
  it.each<[Column, Column, string]>([
    [Column.REQUESTED, Column.IN_PROGRESS, 'Started'],
    [Column.IN_PROGRESS, Column.DONE, 'Finished'],
    [Column.DONE, Column.IN_PROGRESS, 'Stepped back to In Progress'],
    [Column.IN_PROGRESS, Column.REQUESTED, 'Stepped back to Requested'],
    [Column.DONE, Column.DONE, 'Reordered in Done'],
    [Column.REQUESTED, Column.DONE, 'Moved from Requested to Done'],
  ])('a move from %s to %s reads "%s"', (from, to, what) => {
    expect(describeCardEvent(moved(from, to), 'cd_1', names).what).toBe(what);
  });

  it('names the columns of a start and a finish', () => {
    expect(describeCardEvent(moved(Column.REQUESTED, Column.IN_PROGRESS), 'cd_1', names).detail).toBe('Requested → In Progress');
    expect(describeCardEvent(moved(Column.DONE, Column.DONE), 'cd_1', names).detail).toBeNull();
  });

  it('names the station that used the container, and says when a start used it', () => {
    const e: BoardEvent = {
      ...base,
      type: EventType.CARD_CONSUMED,
      cardId: 'cd_1',
      loopId: 'lp_1',
      consumerStationId: 'st_weld',
      causedByCardId: null,
      card: card({ column: Column.REQUESTED }),
    };
    expect(describeCardEvent(e, 'cd_1', names)).toEqual({
      what: 'Used by Weld',
      detail: 'Its container was used; the card went back to Requested',
    });
    const cascade = describeCardEvent({ ...e, causedByCardId: 'cd_9' }, 'cd_1', names);
    expect(cascade.what).toBe('Used by Weld');
    expect(cascade.detail).toMatch(/when work started there/);
  });

  it('falls back to the id of a station it does not know', () => {
    const e: BoardEvent = {
      ...base,
      type: EventType.CARD_CONSUMED,
      cardId: 'cd_1',
      loopId: 'lp_1',
      consumerStationId: 'st_gone',
      causedByCardId: null,
      card: card(),
    };
    expect(describeCardEvent(e, 'cd_1', names).what).toBe('Used by station st_gone');
  });

  it('says a returned card went back to the column it is in now', () => {
    const e: BoardEvent = { ...base, type: EventType.CARD_RETURNED, cardId: 'cd_1', loopId: 'lp_1', returnedByCardId: 'cd_9', card: card() };
    expect(describeCardEvent(e, 'cd_1', names)).toEqual({
      what: 'Returned to Done',
      detail: 'The start that used its container was stepped back',
    });
  });

  it('tells creation with a loop, addition to a loop and removal from it', () => {
    const created: BoardEvent = { ...base, type: EventType.LOOP_CREATED, loop, cards: [card({ serial: 1, id: 'cd_0' }), card(), card({ serial: 3, id: 'cd_3' })] };
    expect(describeCardEvent(created, 'cd_1', names)).toEqual({ what: 'Created', detail: 'Card 2 of 3 in the new loop BRK-1' });
    const added: BoardEvent = { ...base, type: EventType.LOOP_UPDATED, loop, addedCards: [card({ serial: 4 })], removedCardIds: [] };
    expect(describeCardEvent(added, 'cd_1', names)).toEqual({ what: 'Created', detail: 'Card 4 added to the loop BRK-1' });
    const removed: BoardEvent = { ...base, type: EventType.LOOP_UPDATED, loop, addedCards: [], removedCardIds: ['cd_1'] };
    expect(describeCardEvent(removed, 'cd_1', names).what).toBe('Removed');
    const other: BoardEvent = { ...base, type: EventType.LOOP_UPDATED, loop, addedCards: [], removedCardIds: [] };
    expect(describeCardEvent(other, 'cd_1', names).what).toBe('Loop changed');
  });
});

describe('describeActor', () => {
  it.each<[Actor, string, string]>([
    [anna, 'anna', 'person'],
    [{ kind: 'device', id: 'dv_1', name: 'Weld tablet' }, 'Weld tablet', 'device'],
    [{ kind: 'token', id: 'tk_1', name: 'ERP bridge' }, 'ERP bridge', 'API token'],
    [{ kind: 'system', id: 'system', name: 'system' }, 'system', 'system'],
    [{ kind: 'user', id: 'us_2', name: '  ' }, 'us_2', 'person'],
  ])('%j is "%s", a %s', (actor, name, kind) => {
    expect(describeActor(actor)).toEqual({ name, kind });
  });
});

describe('newestFirst', () => {
  it('orders by seq, highest first, without changing its input', () => {
    const events = [moved(Column.REQUESTED, Column.IN_PROGRESS), { ...moved(Column.IN_PROGRESS, Column.DONE), seq: 9 }, { ...moved(Column.DONE, Column.DONE), seq: 3 }];
    expect(newestFirst(events).map((e) => e.seq)).toEqual([9, 7, 3]);
    expect(events.map((e) => e.seq)).toEqual([7, 9, 3]);
  });
});
