import { describe, expect, it } from 'vitest';
import { StationKind } from '../../../../shared/names.ts';
import { RulesPlant } from '../../../../shared/testPlant.ts';
import {
  laneLoops,
  matchingCardCount,
  matchingLoopIds,
  matchingStationIds,
  matchSummary,
  normalQuery,
  visibleStationIds,
} from './search.ts';
import type { BoardMatch } from './search.ts';

function plant() {
  const p = new RulesPlant();
  const steel = p.station('Steel Supplier', { kind: StationKind.SUPPLIER });
  const machining = p.station('Machining');
  const assembly = p.station('Final  Assembly');
  const blank = p.loop('BLK-100', steel, machining, 3, { partName: 'Steel blank Ø50' });
  const shaft = p.loop('SHF-200', machining, assembly, 2, { partName: 'Drive shaft, ground', inputs: [blank] });
  const ids = [steel.id, machining.id, assembly.id];
  return { board: p.state, ids, steel, machining, assembly, blank, shaft };
}

function matchOf(board: ReturnType<typeof plant>['board'], query: string): BoardMatch {
  const q = normalQuery(query);
  return { stations: new Set(matchingStationIds(board, q)), loops: new Set(matchingLoopIds(board, q)) };
}

describe('lead board search', () => {
  it.each([
    { query: '', stations: [], loops: [] },
    { query: '   ', stations: [], loops: [] },
    { query: 'blk-100', stations: [], loops: ['blank'] },
    { query: 'ground', stations: [], loops: ['shaft'] },
    { query: 'final assembly', stations: ['assembly'], loops: [] },
    { query: 'STEEL', stations: ['steel'], loops: ['blank'] },
    { query: 'nothing like it', stations: [], loops: [] },
  ] as const)('"$query" matches stations $stations and loops $loops', ({ query, stations, loops }) => {
    const p = plant();
    const m = matchOf(p.board, query);
    const named: Record<string, { id: string }> = { steel: p.steel, assembly: p.assembly, blank: p.blank, shaft: p.shaft };
    const id = (name: string) => named[name]!.id;
    expect([...m.stations]).toEqual(stations.map(id).sort());
    expect([...m.loops]).toEqual(loops.map(id).sort());
  });

  it('shows the lane that holds a loop’s cards and the lane that uses it, in value-stream order', () => {
    const p = plant();
    const m = matchOf(p.board, 'BLK');
    expect(visibleStationIds(p.board, p.ids, m)).toEqual([p.steel.id, p.machining.id]);
    expect(matchingCardCount(p.board, m)).toBe(3);
    expect(laneLoops(m, p.steel.id)).toBe(m.loops);
    expect(laneLoops(null, p.steel.id)).toBeNull();
  });

  it('shows a matching station whole, and counts each card once', () => {
    const p = plant();
    const m = matchOf(p.board, 'steel');
    // Steel's own name and the blank's name both match: its 3 cards count once.
    expect(visibleStationIds(p.board, p.ids, m)).toEqual([p.steel.id, p.machining.id]);
    expect(laneLoops(m, p.steel.id)).toBeNull();
    expect(matchingCardCount(p.board, m)).toBe(3);
  });

  it.each([
    { cards: 4, stations: 2, text: '4 cards match in 2 stations.' },
    { cards: 1, stations: 1, text: '1 card matches in 1 station.' },
    { cards: 0, stations: 1, text: '0 cards match in 1 station.' },
    { cards: 0, stations: 0, text: 'Nothing matches “x y”.' },
  ])('says "$text"', ({ cards, stations, text }) => {
    expect(matchSummary(' x y ', cards, stations)).toBe(text);
  });
});
