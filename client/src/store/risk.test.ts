import { afterEach, describe, expect, it, vi } from 'vitest';
import { snapshotOf } from '../../../shared/board.ts';
import { smallPlant, T0 } from '../../../shared/testPlant.ts';
import { createPullboardStore } from './store.ts';
import { overdueCount } from './selectors.ts';
import type { RiskReport } from '../../../shared/risk.ts';
import { RISK_DEBOUNCE_MS, RISK_MIN_GAP_MS, minutesToStockOut, nextOverdueAt, riskStore, risksFrom, startRiskWatch, tvRiskPick } from './risk.ts';
import type { LoopRisk } from './risk.ts';

type LoopAnswer = RiskReport['loops'][number];
const quiet = (loopId: string, over: Partial<LoopAnswer> = {}): LoopAnswer => ({
  loopId,
  fullContainers: 2,
  consumedPerHour: 0,
  finishedPerHour: 0,
  drainPerHour: 0,
  minutesToStockOut: null,
  stockOutAt: null,
  stockOutWithinLeadTime: false,
  sizedForPerHour: 1,
  demandSpike: false,
  singleSourceToBottleneck: false,
  ...over,
});
const answer = (at: number, loops: LoopAnswer[]): RiskReport => ({ at: new Date(at).toISOString(), seq: 1, windowMinutes: 120, loops, stations: [] });

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

describe('risksFrom and the time to stock-out', () => {
  const at = t0;
  const draining = quiet('a', { fullContainers: 3, consumedPerHour: 4, finishedPerHour: 2, drainPerHour: 2, minutesToStockOut: 90, stockOutAt: new Date(at + 90 * MIN).toISOString() });

  it('keeps only loops with a mark, with the demand against what the loop is sized for', () => {
    const report = answer(at, [draining, quiet('b'), quiet('c', { consumedPerHour: 6, sizedForPerHour: 2.5, demandSpike: true, singleSourceToBottleneck: true })]);
    expect(risksFrom(report)).toEqual({
      a: { stockOutAt: at + 90 * MIN, fullAtReport: 3, drainPerHour: 2, demandSpike: false, demandRatio: 4, singleSourceToBottleneck: false },
      c: { stockOutAt: null, fullAtReport: 2, drainPerHour: 0, demandSpike: true, demandRatio: 2.4, singleSourceToBottleneck: true },
    });
  });

  it('counts down from the reported instant, and follows the live full count once it changes', () => {
    const risk = risksFrom(answer(at, [draining]))['a']!;
    expect(minutesToStockOut(risk, 3, at)).toBe(90);
    expect(minutesToStockOut(risk, 3, at + 30 * MIN)).toBe(60);
    expect(minutesToStockOut(risk, 3, at + 200 * MIN)).toBe(0);
    // A use seen on the socket: 2 full containers at 2 per hour = 60 min, at once.
    expect(minutesToStockOut(risk, 2, at + 5 * MIN)).toBe(60);
    expect(minutesToStockOut(risksFrom(answer(at, [quiet('c', { demandSpike: true })]))['c']!, 1, at)).toBeNull();
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
    const fetchRisk = vi.fn(async (): Promise<RiskReport> => answer(Date.now(), [quiet(blank.id, { consumedPerHour: 9, sizedForPerHour: 3, demandSpike: true })]));
    stop = startRiskWatch(store, fetchRisk);
    await vi.advanceTimersByTimeAsync(RISK_DEBOUNCE_MS);
    expect(fetchRisk).toHaveBeenCalledTimes(1);
    // Three moves in quick succession: one more request.
    for (let k = 1; k <= 3; k++) {
      plant.consume(plant.serial(blank, k).id);
      store.getState().loadSnapshot(snapshotOf(plant.state));
      await vi.advanceTimersByTimeAsync(200);
    }
    await vi.advanceTimersByTimeAsync(Math.max(RISK_DEBOUNCE_MS, RISK_MIN_GAP_MS));
    expect(fetchRisk).toHaveBeenCalledTimes(2);
    expect(riskStore.getState().loops[blank.id]?.demandRatio).toBe(3);
    expect(riskStore.getState().loops[blank.id]?.demandSpike).toBe(true);
    // Nothing happens on the board for an hour: no request.
    await vi.advanceTimersByTimeAsync(60 * MIN);
    expect(fetchRisk).toHaveBeenCalledTimes(2);
  });
});

describe('tvRiskPick', () => {
  const base: LoopRisk = { stockOutAt: null, fullAtReport: 1, drainPerHour: 0, demandSpike: false, demandRatio: null, singleSourceToBottleneck: false };
  const c = (loopId: string, over: Partial<LoopRisk>, minutesLeft: number | null = null, leadTimeMinutes = 60) => ({ loopId, risk: { ...base, ...over }, minutesLeft, leadTimeMinutes });

  it('shows the soonest stock-out that beats the lead time first, and counts the others', () => {
    const pick = tvRiskPick([
      c('single', { singleSourceToBottleneck: true }),
      c('spike', { demandSpike: true, demandRatio: 2 }),
      c('late', { stockOutAt: 1 }, 50),
      c('later', { stockOutAt: 1 }, 20),
      c('calm', { stockOutAt: 1 }, 300), // later than its lead time: not a TV mark
    ]);
    expect(pick).toEqual({ loopId: 'later', kind: 'stockout', more: 3 });
  });

  it('then the largest demand spike, then a single source; nothing for a quiet station', () => {
    expect(tvRiskPick([c('a', { demandSpike: true, demandRatio: 1.6 }), c('b', { demandSpike: true, demandRatio: 3 }), c('s', { singleSourceToBottleneck: true })])).toEqual({ loopId: 'b', kind: 'spike', more: 2 });
    expect(tvRiskPick([c('s', { singleSourceToBottleneck: true })])).toEqual({ loopId: 's', kind: 'single', more: 0 });
    expect(tvRiskPick([c('calm', { stockOutAt: 1 }, 300)])).toBeNull();
  });
});
