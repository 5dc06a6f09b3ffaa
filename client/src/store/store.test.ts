import { describe, expect, it } from 'vitest';
import { snapshotOf } from '../../../shared/board.ts';
import { changesSince } from '../../../shared/changes.ts';
import { Column, ErrorCode } from '../../../shared/names.ts';
import { Role } from '../../../shared/names.ts';
import { smallPlant } from '../../../shared/testPlant.ts';
import type { RulesPlant } from '../../../shared/testPlant.ts';
import type { BoardEvent } from '../../../shared/schemas.ts';
import { createPullboardStore } from './store.ts';
import type { PullboardStore } from './store.ts';
import { columnCardIds } from './selectors.ts';

/** A live client store loaded with the server plant's current snapshot, acting as a lead. */
function clientOf(plant: RulesPlant, role: Role = Role.LEAD): PullboardStore {
  const store = createPullboardStore();
  // An operator here works at every station: these tests are about the pull rules.
  const stationIds = role === Role.OPERATOR ? Object.keys(plant.state.stations) : [];
  store.getState().setIdentity({ kind: 'user', id: `us_${role}`, name: role, role, stationIds });
  store.getState().loadSnapshot(snapshotOf(plant.state));
  store.getState().setConnection({ status: 'live', since: null });
  return store;
}

/** Events the server plant logged since `from` (an index into its log). */
const since = (plant: RulesPlant, from: number): BoardEvent[] => plant.log.slice(from);

describe('board slice: applying server events', () => {
  it('loads a snapshot as the confirmed and the visible board', () => {
    const { plant } = smallPlant();
    const store = clientOf(plant);
    const s = store.getState();
    expect(s.hasBoard).toBe(true);
    expect(s.confirmed.seq).toBe(plant.state.seq);
    expect(s.board).toBe(s.confirmed);
    expect(Object.keys(s.board.cards)).toHaveLength(10);
  });

  it('applies events in seq order and skips ones already applied', () => {
    const { plant, blank } = smallPlant();
    const store = clientOf(plant);
    const mark = plant.log.length;
    const card = plant.serial(blank, 1);
    plant.consume(card.id);
    plant.move(card.id, Column.IN_PROGRESS);
    const events = since(plant, mark);
    expect(store.getState().receiveEvents(events)).toEqual({ applied: 2, gap: null });
    // The same batch again (a replay that overlaps) changes nothing.
    expect(store.getState().receiveEvents(events)).toEqual({ applied: 0, gap: null });
    expect(store.getState().board.cards[card.id]?.column).toBe(Column.IN_PROGRESS);
    expect(store.getState().confirmed.seq).toBe(plant.state.seq);
  });

  it('stops at a gap in seq and reports the seq it expected', () => {
    const { plant, blank } = smallPlant();
    const store = clientOf(plant);
    const seq0 = plant.state.seq;
    const mark = plant.log.length;
    plant.consume(plant.serial(blank, 1).id);
    plant.consume(plant.serial(blank, 2).id);
    plant.consume(plant.serial(blank, 3).id);
    const [first, , third] = since(plant, mark);
    const result = store.getState().receiveEvents([first!, third!]);
    expect(result).toEqual({ applied: 1, gap: { expected: seq0 + 2, got: seq0 + 3 } });
    expect(store.getState().confirmed.seq).toBe(seq0 + 1);
  });

  it('keeps every untouched card the same object, so only touched cards re-render', () => {
    const { plant, blank } = smallPlant();
    const store = clientOf(plant);
    const before = store.getState().board.cards;
    const mark = plant.log.length;
    const moved = plant.serial(blank, 2);
    plant.consume(moved.id);
    store.getState().receiveEvents(since(plant, mark));
    const after = store.getState().board.cards;
    for (const id of Object.keys(before)) {
      if (id === moved.id) expect(after[id]).not.toBe(before[id]);
      else expect(after[id]).toBe(before[id]);
    }
  });

  it('replaces the whole board on a snapshot (resync)', () => {
    const { plant, blank } = smallPlant();
    const store = clientOf(plant);
    plant.consume(plant.serial(blank, 1).id);
    store.getState().loadSnapshot(snapshotOf(plant.state));
    expect(store.getState().confirmed.seq).toBe(plant.state.seq);
    expect(store.getState().board.cards[plant.serial(blank, 1).id]?.column).toBe(Column.REQUESTED);
  });
});

describe('board slice: applying a change set (catch-up)', () => {
  it('lands on the server board, keeping every untouched object', () => {
    const { plant, blank, steel } = smallPlant();
    const store = clientOf(plant);
    const before = store.getState().confirmed;
    const seq0 = plant.state.seq;
    const moved = plant.serial(blank, 1);
    plant.consume(moved.id);
    plant.move(moved.id, Column.IN_PROGRESS);
    plant.run({ type: 'andon.raise', stationId: steel.id, kind: 'help' });
    const changes = changesSince(seq0, plant.log, plant.state);
    expect(store.getState().receiveChanges(changes)).toEqual({ applied: plant.state.seq - seq0, gap: null });
    const after = store.getState().confirmed;
    expect(after).toEqual(plant.state);
    expect(store.getState().board).toBe(after);
    for (const id of Object.keys(before.cards)) {
      if (id === moved.id) expect(after.cards[id]).not.toBe(before.cards[id]);
      else expect(after.cards[id]).toBe(before.cards[id]);
    }
    expect(after.loops).toBe(before.loops);
  });

  it('removes the cards a lowered card count took away', () => {
    const { plant, blank } = smallPlant();
    const store = clientOf(plant);
    const seq0 = plant.state.seq;
    plant.run({ type: 'loop.update', loopId: blank.id, cardCount: 1 });
    const changes = changesSince(seq0, plant.log, plant.state);
    expect(changes.removed.cards).toHaveLength(2);
    store.getState().receiveChanges(changes);
    expect(store.getState().confirmed).toEqual(plant.state);
  });

  it('reports a change set that starts after its seq as a gap, and ignores one it already has', () => {
    const { plant, blank } = smallPlant();
    const store = clientOf(plant);
    const seq0 = plant.state.seq;
    plant.consume(plant.serial(blank, 1).id);
    plant.consume(plant.serial(blank, 2).id);
    const late = changesSince(seq0 + 1, plant.log, plant.state);
    expect(store.getState().receiveChanges(late)).toEqual({ applied: 0, gap: { expected: seq0 + 1, got: seq0 + 2 } });
    expect(store.getState().confirmed.seq).toBe(seq0);
    const all = changesSince(seq0, plant.log, plant.state);
    store.getState().receiveChanges(all);
    const now = store.getState().confirmed;
    expect(store.getState().receiveChanges(all)).toEqual({ applied: 0, gap: null });
    expect(store.getState().receiveChanges(late)).toEqual({ applied: 0, gap: null });
    expect(store.getState().confirmed).toBe(now);
  });

  it('replays pending moves on top, and settles the ones the change set includes', () => {
    const { plant, blank } = smallPlant();
    const store = clientOf(plant);
    const seq0 = plant.state.seq;
    const mine = plant.serial(blank, 1);
    const other = plant.serial(blank, 2);
    // Made here while offline: not sent yet.
    store.getState().beginCommand('k1', { type: 'card.consume', cardId: mine.id }, 'Use');
    // Sent and acknowledged, its event not yet here.
    store.getState().beginCommand('k2', { type: 'card.consume', cardId: other.id }, 'Use');
    const d = plant.consume(other.id);
    store.getState().settleCommand('k2', { ok: true, seq: d.state.seq });
    plant.consume(plant.serial(blank, 3).id); // another screen
    store.getState().receiveChanges(changesSince(seq0, plant.log, plant.state));
    const s = store.getState();
    expect(s.confirmed).toEqual(plant.state);
    expect(s.pending.map((p) => p.key)).toEqual(['k1']);
    expect(s.confirmed.cards[mine.id]?.column).toBe(Column.DONE);
    expect(s.board.cards[mine.id]?.column).toBe(Column.REQUESTED);
    expect(s.board.cards[other.id]).toBe(s.confirmed.cards[other.id]);
  });
});

describe('pending slice: optimistic moves', () => {
  function startBlank() {
    const sp = smallPlant();
    const { plant, blank } = sp;
    const card = plant.serial(blank, 1);
    plant.consume(card.id); // now Requested at Steel
    const store = clientOf(plant);
    return { ...sp, card: plant.card(card.id), store };
  }

  it('shows a move at once and leaves the confirmed board alone', () => {
    const { store, card } = startBlank();
    store.getState().beginCommand('k1', { type: 'card.move', cardId: card.id, to: Column.IN_PROGRESS }, 'Start');
    expect(store.getState().board.cards[card.id]?.column).toBe(Column.IN_PROGRESS);
    expect(store.getState().confirmed.cards[card.id]?.column).toBe(Column.REQUESTED);
  });

  it('reconciles when its own event arrives before the acknowledgement', () => {
    const { store, card, plant } = startBlank();
    store.getState().beginCommand('k1', { type: 'card.move', cardId: card.id, to: Column.IN_PROGRESS, expectedVersion: card.version }, 'Start');
    const mark = plant.log.length;
    const d = plant.move(card.id, Column.IN_PROGRESS, { expectedVersion: card.version });
    store.getState().receiveEvents(since(plant, mark));
    // The server's card is shown, the pending replay no longer applies (version moved on).
    expect(store.getState().board.cards[card.id]).toBe(store.getState().confirmed.cards[card.id]);
    store.getState().settleCommand('k1', { ok: true, seq: d.state.seq });
    expect(store.getState().pending).toEqual([]);
    expect(store.getState().board).toBe(store.getState().confirmed);
  });

  it('keeps showing the move between the acknowledgement and its event', () => {
    const { store, card, plant } = startBlank();
    store.getState().beginCommand('k1', { type: 'card.move', cardId: card.id, to: Column.IN_PROGRESS }, 'Start');
    const mark = plant.log.length;
    const d = plant.move(card.id, Column.IN_PROGRESS);
    store.getState().settleCommand('k1', { ok: true, seq: d.state.seq });
    expect(store.getState().pending).toHaveLength(1);
    expect(store.getState().board.cards[card.id]?.column).toBe(Column.IN_PROGRESS);
    store.getState().receiveEvents(since(plant, mark));
    expect(store.getState().pending).toEqual([]);
    expect(store.getState().board.cards[card.id]?.column).toBe(Column.IN_PROGRESS);
    expect(store.getState().board).toBe(store.getState().confirmed);
  });

  it('rolls back a refused move and says why, with the WIP numbers', () => {
    const { store, card, plant, steel } = startBlank();
    store.getState().beginCommand('k1', { type: 'card.move', cardId: card.id, to: Column.IN_PROGRESS }, 'Start BLK-100 card 1 / 3');
    store.getState().settleCommand('k1', {
      ok: false,
      error: {
        code: ErrorCode.WIP_LIMIT_REACHED,
        message: 'limit',
        details: { stationId: steel.id, column: Column.IN_PROGRESS, limit: 2, count: 2 },
      },
    });
    expect(store.getState().board.cards[card.id]?.column).toBe(Column.REQUESTED);
    expect(store.getState().pending).toEqual([]);
    const [alert] = store.getState().alerts;
    expect(alert?.text).toBe(
      'Start BLK-100 card 1 / 3 refused — WIP limit reached: Steel In Progress is full (2 / 2). Finish or move work on before adding more.',
    );
    expect(plant.card(card.id).column).toBe(Column.REQUESTED);
  });

  it('names the missing part when a start is refused as starved', () => {
    const { plant, shaft, blank, machining } = smallPlant();
    const sh = plant.serial(shaft, 1);
    plant.consume(sh.id);
    for (const c of plant.cardsOf(blank)) plant.consume(c.id); // no full blank left
    const store = clientOf(plant);
    store.getState().beginCommand('k1', { type: 'card.move', cardId: sh.id, to: Column.IN_PROGRESS }, 'Start SHF-200 card 1 / 3');
    // The local rules refuse it too, so nothing moved even before the answer.
    expect(store.getState().board.cards[sh.id]?.column).toBe(Column.REQUESTED);
    store.getState().settleCommand('k1', {
      ok: false,
      error: { code: ErrorCode.STARVED, message: 'Starved', details: { loopId: blank.id, partNumber: 'BLK-100', stationId: machining.id } },
    });
    expect(store.getState().alerts[0]?.text).toMatch(/Starved: no full container of BLK-100 BLK-100 from Steel/);
  });

  it('shows the server state when another screen moved the card first (conflict)', () => {
    const { store, card, plant } = startBlank();
    store.getState().beginCommand('k1', { type: 'card.move', cardId: card.id, to: Column.IN_PROGRESS, expectedVersion: card.version }, 'Start');
    // Someone reorders the card within Requested: a different change on the server.
    const mark = plant.log.length;
    plant.move(card.id, Column.REQUESTED); // reorder to the end: version + 1
    store.getState().receiveEvents(since(plant, mark));
    expect(store.getState().board.cards[card.id]?.column).toBe(Column.REQUESTED);
    store.getState().settleCommand('k1', { ok: false, error: { code: ErrorCode.VERSION_CONFLICT, message: 'changed' } });
    expect(store.getState().alerts[0]?.text).toMatch(/Conflict: the card was changed on another screen first/);
    expect(store.getState().board).toBe(store.getState().confirmed);
  });

  it('shows a start with its cascade: the input containers are used at once', () => {
    const { plant, shaft, blank } = smallPlant();
    const sh = plant.serial(shaft, 1);
    plant.consume(sh.id);
    const store = clientOf(plant);
    const firstBlank = plant.serial(blank, 1);
    store.getState().beginCommand('k1', { type: 'card.move', cardId: sh.id, to: Column.IN_PROGRESS }, 'Start');
    const b = store.getState().board;
    expect(b.cards[sh.id]?.column).toBe(Column.IN_PROGRESS);
    expect(b.cards[firstBlank.id]?.column).toBe(Column.REQUESTED);
  });

  it('uses the oldest full container for a loop consumption', () => {
    const { plant, housing } = smallPlant();
    const store = clientOf(plant);
    const p = store.getState().beginCommand('k1', { type: 'loop.consume', loopId: housing.id }, 'Use HSG-300');
    expect(p.cardId).toBe(plant.serial(housing, 1).id);
    expect(store.getState().board.cards[p.cardId!]?.column).toBe(Column.REQUESTED);
    expect(store.getState().board.cards[p.cardId!]?.cycle).toBe(1);
  });

  it('replays two quick moves of one card in order (start, then finish)', () => {
    const { store, card, plant } = startBlank();
    store.getState().beginCommand('k1', { type: 'card.move', cardId: card.id, to: Column.IN_PROGRESS, expectedVersion: card.version }, 'Start');
    const v2 = store.getState().board.cards[card.id]!.version;
    store.getState().beginCommand('k2', { type: 'card.move', cardId: card.id, to: Column.DONE, expectedVersion: v2 }, 'Finish');
    expect(store.getState().board.cards[card.id]?.column).toBe(Column.DONE);
    // The first lands: the second still shows on top of it.
    const mark = plant.log.length;
    const d1 = plant.move(card.id, Column.IN_PROGRESS);
    store.getState().receiveEvents(since(plant, mark));
    store.getState().settleCommand('k1', { ok: true, seq: d1.state.seq });
    expect(store.getState().board.cards[card.id]?.column).toBe(Column.DONE);
    expect(store.getState().pending.map((p) => p.key)).toEqual(['k2']);
  });

  it('settles acknowledged commands when a snapshot already includes them', () => {
    const { store, card, plant } = startBlank();
    store.getState().beginCommand('k1', { type: 'card.move', cardId: card.id, to: Column.IN_PROGRESS }, 'Start');
    const d = plant.move(card.id, Column.IN_PROGRESS);
    store.getState().settleCommand('k1', { ok: true, seq: d.state.seq });
    store.getState().loadSnapshot(snapshotOf(plant.state));
    expect(store.getState().pending).toEqual([]);
    expect(store.getState().board.cards[card.id]?.column).toBe(Column.IN_PROGRESS);
  });

  it('lets only a lead step a card back, even optimistically', () => {
    const { plant, blank } = smallPlant();
    const card = plant.serial(blank, 1);
    const operator = clientOf(plant, Role.OPERATOR);
    operator.getState().beginCommand('k1', { type: 'card.move', cardId: card.id, to: Column.IN_PROGRESS }, 'Step back');
    expect(operator.getState().board.cards[card.id]?.column).toBe(Column.DONE);
    const lead = clientOf(plant, Role.LEAD);
    lead.getState().beginCommand('k1', { type: 'card.move', cardId: card.id, to: Column.IN_PROGRESS }, 'Step back');
    expect(lead.getState().board.cards[card.id]?.column).toBe(Column.IN_PROGRESS);
  });

  it('reorders a column with beforeCardId', () => {
    const { plant, blank, steel } = smallPlant();
    const store = clientOf(plant);
    const ids = columnCardIds(store.getState().board, steel.id, Column.DONE);
    const last = ids.at(-1)!;
    store.getState().beginCommand('k1', { type: 'card.move', cardId: last, to: Column.DONE, beforeCardId: ids[0]! }, 'Reorder');
    expect(columnCardIds(store.getState().board, steel.id, Column.DONE)[0]).toBe(last);
    expect(blank).toBeDefined();
  });
});

describe('alert slice', () => {
  it('keeps the last three messages and dismisses by id', () => {
    const store = createPullboardStore();
    const ids = [1, 2, 3, 4].map((n) => store.getState().pushAlert('error', `m${n}`));
    expect(store.getState().alerts.map((a) => a.text)).toEqual(['m2', 'm3', 'm4']);
    store.getState().dismissAlert(ids[2]!);
    expect(store.getState().alerts.map((a) => a.text)).toEqual(['m2', 'm4']);
  });
});
