// Configuration that can be corrected: a station's kind changed, a loop retired, a station
// removed, a WIP limit of 0 refused, a duplicate part number noticed. Each refusal says
// why and changes nothing.
import { describe, expect, it } from 'vitest';
import { orderedStations, sameLoops } from './board.ts';
import { parseCommand } from './commands.ts';
import { AndonKind, Column, ErrorCode, EventType, StationKind } from './names.ts';
import { decide } from './rules.ts';
import { refusalOf, smallPlant } from './testPlant.ts';
import type { RulesPlant } from './testPlant.ts';
import type { Command } from './commands.ts';

/** Runs a command that must be refused; the board must be the same object afterwards. */
function refused(plant: RulesPlant, command: Command, words: RegExp, code: string = ErrorCode.INVALID_TRANSITION) {
  const state = plant.state;
  const err = refusalOf(() => decide(state, command, plant.context()));
  expect(err.code).toBe(code);
  expect(err.message).toMatch(words);
  expect(plant.state).toBe(state);
}

const names = (plant: RulesPlant) => orderedStations(plant.state).map((s) => `${s.name}:${s.position}`);

describe("a station's kind", () => {
  it('can be corrected; the station moves to where its new kind stands', () => {
    const { plant } = smallPlant();
    const paint = plant.station('Paint'); // a process station, before Shipping
    expect(names(plant)).toEqual(['Steel:0', 'Machining:1', 'Assembly:2', 'Paint:3', 'Shipping:4']);
    const d = plant.run({ type: 'station.update', stationId: paint.id, kind: StationKind.SUPPLIER });
    expect(d.result.station.kind).toBe(StationKind.SUPPLIER);
    expect(names(plant)).toEqual(['Steel:0', 'Paint:1', 'Machining:2', 'Assembly:3', 'Shipping:4']);
  });

  it('stays in place when its place suits the new kind', () => {
    const { plant, machining } = smallPlant();
    plant.run({ type: 'station.update', stationId: machining.id, kind: StationKind.PROCESS, name: 'Machining 2' });
    expect(names(plant)).toEqual(['Steel:0', 'Machining 2:1', 'Assembly:2', 'Shipping:3']);
  });

  it('is refused when its loops cannot live with it', () => {
    const { plant, machining, shipping } = smallPlant();
    refused(plant, { type: 'station.update', stationId: machining.id, kind: StationKind.CUSTOMER }, /supplies SHF-200: the customer end cannot supply/, ErrorCode.VALIDATION_FAILED);
    refused(plant, { type: 'station.update', stationId: shipping.id, kind: StationKind.SUPPLIER }, /uses PMP-400: an external supplier cannot consume/, ErrorCode.VALIDATION_FAILED);
  });
});

describe('retiring a loop', () => {
  it('takes it and its cards off the board, and out of the loops that used it as an input', () => {
    const { plant, blank, shaft } = smallPlant();
    const cardIds = plant.cardsOf(blank).map((c) => c.id);
    const d = plant.run({ type: 'loop.retire', loopId: blank.id });
    expect(d.events.map((e) => e.type)).toEqual([EventType.LOOP_UPDATED, EventType.LOOP_RETIRED]);
    expect(plant.state.loops[blank.id]).toBeUndefined();
    for (const id of cardIds) expect(plant.state.cards[id]).toBeUndefined();
    expect(plant.state.loops[shaft.id]?.inputLoopIds).toEqual([]);
  });

  it('is refused while one of its cards is In Progress', () => {
    const { plant, blank } = smallPlant();
    plant.bring(plant.serial(blank, 1).id, Column.IN_PROGRESS);
    refused(plant, { type: 'loop.retire', loopId: blank.id }, /1 of its cards is In Progress/);
  });
});

describe('removing a station', () => {
  it('works once no loop uses it; the stations after it move up', () => {
    const { plant, steel, blank, housing } = smallPlant();
    refused(plant, { type: 'station.remove', stationId: steel.id }, /still has 2 loops \(BLK-100, HSG-300\): retire them first/);
    plant.run({ type: 'loop.retire', loopId: blank.id });
    plant.run({ type: 'loop.retire', loopId: housing.id });
    const d = plant.run({ type: 'station.remove', stationId: steel.id });
    expect(d.events[0]?.type).toBe(EventType.STATION_REMOVED);
    expect(plant.state.stations[steel.id]).toBeUndefined();
    expect(names(plant)).toEqual(['Machining:0', 'Assembly:1', 'Shipping:2']);
  });

  it('is refused while an andon call is in force there', () => {
    const { plant } = smallPlant();
    const spare = plant.station('Spare');
    plant.run({ type: 'andon.raise', stationId: spare.id, kind: AndonKind.HELP });
    refused(plant, { type: 'station.remove', stationId: spare.id }, /andon call in force: clear it first/);
  });
});

describe('WIP limits', () => {
  it('of 0 are refused with a clear message; null means no limit', () => {
    const bad = parseCommand('station.update', { stationId: 'st_1', wipLimits: { inProgress: 0 } });
    expect(bad.success).toBe(false);
    if (!bad.success) expect(bad.error.issues[0]?.message).toMatch(/0 would lock the column: leave it empty for no limit/);
    const create = parseCommand('station.create', { name: 'Paint', wipLimits: { done: 0 } });
    expect(create.success).toBe(false);
    expect(parseCommand('station.update', { stationId: 'st_1', wipLimits: { inProgress: null, done: 1 } }).success).toBe(true);
  });
});

describe('a duplicate part number', () => {
  it('between the same two stations is found (whatever its case and spacing), others are not', () => {
    const { plant, steel, machining, assembly } = smallPlant();
    expect(sameLoops(plant.state, ' blk-100 ', steel.id, machining.id).map((l) => l.partNumber)).toEqual(['BLK-100']);
    expect(sameLoops(plant.state, 'BLK-100', steel.id, assembly.id)).toEqual([]);
    expect(sameLoops(plant.state, 'BLK-101', steel.id, machining.id)).toEqual([]);
  });

  it('is created when asked, with a warning in the answer', () => {
    const { plant, steel, machining, assembly } = smallPlant();
    const twin = plant.run({ type: 'loop.create', partNumber: 'blk-100', supplierStationId: steel.id, consumerStationId: machining.id, cardCount: 1, containerQty: 1, leadTimeMinutes: 30 });
    expect(twin.result.warnings).toEqual(['Steel already supplies BLK-100 to Machining in another loop (3 cards)']);
    const other = plant.run({ type: 'loop.create', partNumber: 'BLK-100', supplierStationId: steel.id, consumerStationId: assembly.id, cardCount: 1, containerQty: 1, leadTimeMinutes: 30 });
    expect(other.result.warnings).toEqual([]);
  });
});
