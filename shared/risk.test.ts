import { describe, expect, it } from 'vitest';
import { RiskReportSchema, assessRisk, stockOutMinutes } from './risk.ts';
import type { RecentFlow } from './risk.ts';
import { StationKind } from './names.ts';
import { RulesPlant, T0 } from './testPlant.ts';

const NOW = Date.parse(T0);

/**
 * Steel supplies blanks (loop A: 4 cards, lead time 40) to Press; Press makes brackets
 * (loop B: 2 cards, lead time 30, input A) for Line. Two of A's cards have been used, so
 * A has 2 full containers.
 */
function plant() {
  const p = new RulesPlant();
  const steel = p.station('Steel', { kind: StationKind.SUPPLIER });
  const press = p.station('Press');
  const line = p.station('Line', { kind: StationKind.CUSTOMER });
  const a = p.loop('BLK-1', steel, press, 4, { leadTimeMinutes: 40 });
  const b = p.loop('BRK-2', press, line, 2, { inputs: [a], leadTimeMinutes: 30 });
  p.consumeLoop(a);
  p.consumeLoop(a);
  return { p, steel, press, line, a, b };
}

describe('assessRisk', () => {
  it('finds the time to stock-out from the net drain, and a demand spike', () => {
    const { p, press, a, b } = plant();
    const flows: Record<string, RecentFlow> = { [a.id]: { consumed: 9, finished: 5 }, [b.id]: { consumed: 2, finished: 2 } };
    const r = assessRisk({
      board: p.state,
      nowMs: NOW,
      windowMinutes: 60,
      flow: (id) => flows[id] ?? { consumed: 0, finished: 0 },
      busy: (id) => (id === press.id ? 0.8 : 0),
    });
    expect(RiskReportSchema.strict().safeParse(r).success).toBe(true);
    const ra = r.loops.find((l) => l.loopId === a.id)!;
    // A: 9 used, 5 finished in an hour: drains 4 per hour; 2 full -> 2 / 4 h = 30 minutes,
    // sooner than its lead time of 40.
    expect(ra).toMatchObject({ fullContainers: 2, consumedPerHour: 9, finishedPerHour: 5, drainPerHour: 4, minutesToStockOut: 30 });
    expect(ra.stockOutAt).toBe(new Date(NOW + 30 * 60_000).toISOString());
    expect(ra.stockOutWithinLeadTime).toBe(true);
    // Sized for 4 cards / (40/60 h x 1.1) = 5.4545 uses/h; 9 > 1.5 x 5.4545 = 8.18: a spike.
    expect(ra.sizedForPerHour).toBeCloseTo(4 / ((40 / 60) * 1.1), 12);
    expect(ra.demandSpike).toBe(true);
    // B: as many finished as used: not draining, no time to stock-out; 2/h is no spike.
    const rb = r.loops.find((l) => l.loopId === b.id)!;
    expect(rb).toMatchObject({ drainPerHour: 0, minutesToStockOut: null, stockOutAt: null, demandSpike: false });
  });

  it('marks the single-source loop into the bottleneck, and no longer when a second source exists', () => {
    const { p, press, a, b } = plant();
    const input = {
      nowMs: NOW,
      windowMinutes: 120,
      flow: () => ({ consumed: 0, finished: 0 }),
      busy: (id: string) => (id === press.id ? 0.8 : 0.2),
    };
    const r = assessRisk({ ...input, board: p.state });
    expect(r.stations.find((s) => s.stationId === press.id)).toEqual({ stationId: press.id, busy: 0.8, bottleneck: true });
    expect(r.stations.filter((s) => s.bottleneck)).toHaveLength(1);
    // A brings blanks to Press (the bottleneck) and nobody else does; B feeds Line.
    expect(r.loops.find((l) => l.loopId === a.id)?.singleSourceToBottleneck).toBe(true);
    expect(r.loops.find((l) => l.loopId === b.id)?.singleSourceToBottleneck).toBe(false);

    // A second supplier of the same part (case and spaces aside) to Press.
    const other = p.station('Nordstahl', { kind: StationKind.SUPPLIER });
    p.loop(' blk-1', other, press, 2);
    const r2 = assessRisk({ ...input, board: p.state });
    expect(r2.loops.find((l) => l.loopId === a.id)?.singleSourceToBottleneck).toBe(false);
  });

  it('names no bottleneck when no process station is busy half the time', () => {
    const { p } = plant();
    const r = assessRisk({ board: p.state, nowMs: NOW, windowMinutes: 60, flow: () => ({ consumed: 0, finished: 0 }), busy: () => 0.3 });
    expect(r.stations.some((s) => s.bottleneck)).toBe(false);
    expect(r.loops.some((l) => l.singleSourceToBottleneck)).toBe(false);
  });

  it('needs three uses before it calls a spike', () => {
    const { p, a } = plant();
    // 2 uses in 10 minutes is 12/h, well above 5.45/h, but only two uses.
    const r = assessRisk({ board: p.state, nowMs: NOW, windowMinutes: 10, flow: () => ({ consumed: 2, finished: 0 }), busy: () => 0 });
    expect(r.loops.find((l) => l.loopId === a.id)?.demandSpike).toBe(false);
  });
});

describe('stockOutMinutes (what a screen recomputes from its own board)', () => {
  it.each<[number, number, number | null]>([
    [3, 6, 30],
    [0, 6, 0],
    [3, 0, null],
    [3, -2, null],
  ])('%d full at a drain of %d/h: %s minutes', (full, drain, minutes) => {
    expect(stockOutMinutes(full, drain)).toBe(minutes);
  });
});
