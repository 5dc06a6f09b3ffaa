// Change sets (shared/changes.ts): what they hold, how they apply, and the property the
// catch-up rests on: a screen at any point of a random command stream that applies the
// change set since its seq lands exactly on the server's board.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoardWriter, applyEvents, emptyBoard, snapshotOf } from './board.ts';
import type { BoardState } from './board.ts';
import {
  BoardChangesSchema,
  applyChanges,
  boardObjectCount,
  changeSetOf,
  changesSince,
  noChanges,
  objectCount,
  smallerThanSnapshot,
  touchedBy,
} from './changes.ts';
import type { BoardChanges } from './changes.ts';
import { Column, EventType } from './names.ts';
import { deepFreeze, randomStep, runSteps, smallPlant } from './testPlant.ts';

/** The board the server had at `seq` (the plant's log replayed from empty). */
const boardAt = (log: Parameters<typeof applyEvents>[1], seq: number): BoardState => applyEvents(emptyBoard, log.slice(0, seq));

/** As the wire carries it: JSON there and back, and read with the schema. */
const overTheWire = (c: BoardChanges): BoardChanges => BoardChangesSchema.parse(JSON.parse(JSON.stringify(c)));

describe('a change set', () => {
  it('holds the current state of what changed since the seq, once each, and the new seq', () => {
    const { plant, blank, steel } = smallPlant();
    const seq0 = plant.state.seq;
    const card = plant.serial(blank, 1);
    plant.consume(card.id);
    plant.move(card.id, Column.IN_PROGRESS);
    plant.move(card.id, Column.DONE);
    plant.run({ type: 'andon.raise', stationId: steel.id, kind: 'material' });
    const c = changesSince(seq0, plant.log, plant.state);
    expect(c).toEqual({
      fromSeq: seq0,
      seq: plant.state.seq,
      stations: [plant.state.stations[steel.id]],
      loops: [],
      cards: [plant.card(card.id)],
      removed: { stations: [], loops: [], cards: [] },
    });
    expect(BoardChangesSchema.parse(c)).toEqual(c);
  });

  it('lists the cards a lowered card count removed, and the loop', () => {
    const { plant, blank } = smallPlant();
    const seq0 = plant.state.seq;
    const gone = [plant.serial(blank, 2).id, plant.serial(blank, 3).id].sort();
    plant.run({ type: 'loop.update', loopId: blank.id, cardCount: 1 });
    const c = changesSince(seq0, plant.log, plant.state);
    expect(c.removed.cards).toEqual(gone);
    expect(c.loops).toEqual([plant.state.loops[blank.id]]);
    expect(applyChanges(boardAt(plant.log, seq0), c)).toEqual(plant.state);
  });

  it('is empty when nothing was missed, and then changes nothing', () => {
    const { plant } = smallPlant();
    const c = changesSince(plant.state.seq, plant.log, plant.state);
    expect(c).toEqual(noChanges(plant.state.seq));
    expect(applyChanges(plant.state, c)).toBe(plant.state);
  });

  it('refuses events that do not cover the span exactly', () => {
    const { plant, blank } = smallPlant();
    const seq0 = plant.state.seq;
    plant.consume(plant.serial(blank, 1).id);
    plant.consume(plant.serial(blank, 2).id);
    expect(() => changesSince(seq0, plant.log.slice(0, -1), plant.state)).toThrow(/do not reach/);
    expect(() => changesSince(seq0, [plant.log.at(-1)!], plant.state)).toThrow(/expected/);
    expect(() => changeSetOf(plant.state, plant.state.seq + 1, touchedBy([]))).toThrow();
  });

  it('is refused by the schema when it goes backwards', () => {
    expect(BoardChangesSchema.safeParse({ ...noChanges(5), seq: 4 }).success).toBe(false);
  });
});

describe('applying a change set with the shared writer', () => {
  it('copy-on-write: the input is not changed and untouched objects keep their identity', () => {
    const { plant, blank, housing } = smallPlant();
    const seq0 = plant.state.seq;
    const before = deepFreeze(boardAt(plant.log, seq0));
    plant.consume(plant.serial(blank, 1).id);
    const after = applyChanges(before, changesSince(seq0, plant.log, plant.state));
    expect(after).toEqual(plant.state);
    expect(after.cards[plant.serial(housing, 1).id]).toBe(before.cards[plant.serial(housing, 1).id]);
    expect(after.stations).toBe(before.stations);
    expect(after.loops).toBe(before.loops);
  });

  it('applies to the board at any seq from fromSeq to seq, and refuses others', () => {
    const { plant, blank } = smallPlant();
    const seq0 = plant.state.seq;
    plant.consume(plant.serial(blank, 1).id);
    plant.consume(plant.serial(blank, 2).id);
    const c = changesSince(seq0, plant.log, plant.state);
    for (let seq = seq0; seq <= plant.state.seq; seq++) expect(applyChanges(boardAt(plant.log, seq), c)).toEqual(plant.state);
    expect(() => applyChanges(boardAt(plant.log, seq0 - 1), c)).toThrow(/do not apply/);
    const later = changesSince(seq0 + 1, plant.log, plant.state);
    expect(() => applyChanges(boardAt(plant.log, seq0), later)).toThrow(/do not apply/);
  });

  it('in place (the server writer): applies, and undo restores the board exactly', () => {
    const { plant, blank } = smallPlant();
    const seq0 = plant.state.seq;
    plant.consume(plant.serial(blank, 1).id);
    plant.run({ type: 'loop.update', loopId: blank.id, cardCount: 1 });
    const c = changesSince(seq0, plant.log, plant.state);
    const board = structuredClone(boardAt(plant.log, seq0));
    const original = structuredClone(board);
    const w = new BoardWriter(board, true);
    w.applyChanges(c);
    expect(board).toEqual(plant.state);
    w.undo();
    expect(board).toEqual(original);
  });

  it('is worth sending only while it has fewer objects than the board', () => {
    const { plant } = smallPlant();
    const total = boardObjectCount(plant.state);
    expect(total).toBe(4 + 4 + 10);
    expect(smallerThanSnapshot(0, total)).toBe(true);
    expect(smallerThanSnapshot(total - 1, total)).toBe(true);
    expect(smallerThanSnapshot(total, total)).toBe(false);
    expect(smallerThanSnapshot(1, 0)).toBe(false);
  });
});

describe('catch-up under random activity (property)', () => {
  it('any prefix of a random command stream, then the change set since it, equals the server board', () => {
    const seen = new Map<string, number>();
    const count = (k: string) => seen.set(k, (seen.get(k) ?? 0) + 1);
    fc.assert(
      fc.property(
        fc.array(randomStep, { minLength: 1, maxLength: 60 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (steps, cut, later) => {
          // The server: a plant, then the random stream.
          const { plant } = smallPlant();
          runSteps(plant, steps);
          const server = plant.state;
          // A screen that stopped hearing after any prefix of the stream...
          const at = Math.floor(cut * server.seq);
          const screen = deepFreeze(boardAt(plant.log, at));
          const snapshotText = JSON.stringify(screen);
          // ...gets the change set since then, over the wire, and lands on the server board.
          const c = overTheWire(changesSince(at, plant.log, server));
          const caughtUp = applyChanges(screen, c);
          expect(caughtUp).toEqual(server);
          expect(snapshotOf(caughtUp)).toEqual(snapshotOf(server));
          expect(JSON.stringify(screen), 'the screen board is not changed in place').toBe(snapshotText);
          // The same set also brings a screen that heard a little more (any seq up to the end).
          const mid = at + Math.floor(later * (server.seq - at));
          expect(applyChanges(boardAt(plant.log, mid), c)).toEqual(server);
          // It holds no more objects than the missed events touched, each at most once.
          const missed = plant.log.slice(at);
          const touched = touchedBy(missed);
          expect(objectCount(c)).toBe(touched.stations.size + touched.loops.size + touched.cards.size);
          // What the walk reached (checked below).
          if (c.removed.cards.length > 0) count('cards removed');
          if (missed.some((e) => e.type === EventType.LOOP_CREATED)) count('loop created');
          if (missed.some((e) => e.type === EventType.STATION_CREATED)) count('station created');
          if (missed.some((e) => e.type === EventType.ANDON_RAISED)) count('andon');
          if (missed.length > objectCount(c)) count('compacted');
        },
      ),
      { numRuns: 300 },
    );
    for (const k of ['cards removed', 'loop created', 'station created', 'andon', 'compacted']) {
      expect(seen.get(k) ?? 0, `the walk reached "${k}"`).toBeGreaterThan(0);
    }
  });
});
