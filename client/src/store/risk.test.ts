import { afterEach, describe, expect, it, vi } from 'vitest';
import { snapshotOf } from '../../../shared/board.ts';
import { smallPlant, T0 } from '../../../shared/testPlant.ts';
import { createPullboardStore } from './store.ts';
import { overdueCount } from './selectors.ts';
import { RISK_DEBOUNCE_MS, nextOverdueAt, riskStore, risksFrom, startRiskWatch } from './risk.ts';
import type { RiskReport } from './risk.ts';

const t0 = Date.parse(T0);
const MIN = 60_000;

describe('nextOverdueAt', () => {
  it('is the first millisecond past the lead time of the card that turns overdue first', () => {
    const { plant, blank, shaft } = smallPlant();
    expect(nextOverdueAt(plant.state, t0)).toBeNull(); // every container full: nothing ages
    plant.consume(plant.serial(blank, 1).id); // requested at T0, lead 60 min
    plant.consume(plant.serial(shaft, 1).id);
    const leadBlank = plant.state.loops[blank.id]!.leadTimeMinutes;
    const leadShaft = plant.state.loops[shaft.id]!.leadTimeMinutes;
    const first = Math.min(leadBlank, leadShaft);
    expect(nextOverdueAt(plant.state, t0)).toBe(t0 + first * MIN + 1);
  });

  it('skips cards already overdue and finds the next one', () => {
    const { plant, blank, shaft } = smallPlant();
    plant.consume(plant.serial(blank, 1).id);
    plant.consume(plant.serial(shaft, 1).id);
    const leads = [plant.state.loops[blank.id]!.leadTimeMinutes, plant.state.loops[shaft.id]!.leadTimeMinutes].sort((a, b) => a - b);
    const after = t0 + leads[0]! * MIN + 1;
    const next = nextOverdueAt(plant.state, after);
    expect(next).toBe(leads[1] === leads[0] ? null : t0 + leads[1]! * MIN + 1);
    expect(nextOverdueAt(plant.state, t0 + 10_000 * MIN)).toBeNull();
  });
});

describe('risksFrom', () => {
  it('keeps only loops with a mark and turns minutes into an instant', () => {
    const report: RiskReport = {
      at: T0,
      loops: [
        { loopId: 'a', minutesToStockOut: 90, demandSpike: false, singleSourceBottleneck: false },
        { loopId: 'b', minutesToStockOut: null, demandSpike: false, singleSourceBottleneck: false },
        { loopId: 'c', minutesToStockOut: null, demandRatio: 2.4, demandSpike: true, singleSourceBottleneck: true },
      ],
    };
    expect(risksFrom(report)).toEqual({
      a: { stockOutAt: t0 + 90 * MIN, demandSpike: false, demandRatio: null, singleSourceBottleneck: false },
      c: { stockOutAt: null, demandSpike: true, demandRatio: 2.4, singleSourceBottleneck: true },
    });
  });
});

describe('startRiskWatch', () => {
  let stop: () => void = () => {};
  afterEach(() => {
    stop();
    vi.useRealTimers();
  });

  it('ticks the clock the moment a card passes its lead time, with no other timer', () => {
    vi.useFakeTimers({ now: t0 });
    const { plant, blank } = smallPlant();
    plant.consume(plant.serial(blank, 1).id);
    const store = createPullboardStore();
    store.getState().loadSnapshot(snapshotOf(plant.state));
    store.getState().tick(t0);
    stop = startRiskWatch(store, async () => null);
    const lead = plant.state.loops[blank.id]!.leadTimeMinutes;
    const supplier = plant.state.loops[blank.id]!.supplierStationId;
    vi.advanceTimersByTime(lead * MIN);
    expect(overdueCount(store.getState().board, supplier, store.getState().now)).toBe(0);
    vi.advanceTimersByTime(1);
    expect(store.getState().now).toBe(t0 + lead * MIN + 1);
    expect(overdueCount(store.getState().board, supplier, store.getState().now)).toBe(1);
  });

  it('asks for the risk once after a burst of events (debounced), not on a timer', async () => {
    vi.useFakeTimers({ now: t0 });
    const { plant, blank } = smallPlant();
    const store = createPullboardStore();
    store.getState().loadSnapshot(snapshotOf(plant.state));
    const fetchRisk = vi.fn(async (): Promise<RiskReport> => ({
      at: new Date(Date.now()).toISOString(),
      loops: [{ loopId: blank.id, minutesToStockOut: 30, demandSpike: true, singleSourceBottleneck: false }],
    }));
    stop = startRiskWatch(store, fetchRisk);
    await vi.advanceTimersByTimeAsync(RISK_DEBOUNCE_MS);
    expect(fetchRisk).toHaveBeenCalledTimes(1);
    // Three moves in quick succession: one more request.
    for (let k = 1; k <= 3; k++) {
      plant.consume(plant.serial(blank, k).id);
      store.getState().loadSnapshot(snapshotOf(plant.state));
      await vi.advanceTimersByTimeAsync(200);
    }
    await vi.advanceTimersByTimeAsync(RISK_DEBOUNCE_MS);
    expect(fetchRisk).toHaveBeenCalledTimes(2);
    expect(riskStore.getState().loops[blank.id]?.demandSpike).toBe(true);
    // Nothing happens on the board for an hour: no request.
    await vi.advanceTimersByTimeAsync(60 * MIN);
    expect(fetchRisk).toHaveBeenCalledTimes(2);
  });
});
