import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyBoard } from './board.ts';
import { ifsCardCount, recommendedCards, toyotaCardCount } from './kanban.ts';
import { MetricsIndex, MetricsReportSchema, MetricsSeriesSchema, metricsFromLog, timeStats } from './metrics.ts';
import type { LoopMetrics, MetricsReport, StationMetrics } from './metrics.ts';
import { AndonKind, Column, StationKind } from './names.ts';
import { RulesPlant, T0 } from './testPlant.ts';
import type { Loop, Station } from './schemas.ts';

/** The time `minutes` after T0, as the log stamps it. */
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

function loopOf(r: MetricsReport, loop: Loop): LoopMetrics {
  const m = r.loops.find((x) => x.loopId === loop.id);
  if (!m) throw new Error(`no metrics for loop ${loop.partNumber}`);
  return m;
}
function stationOf(r: MetricsReport, st: Station): StationMetrics {
  const m = r.stations.find((x) => x.stationId === st.id);
  if (!m) throw new Error(`no metrics for station ${st.name}`);
  return m;
}

/**
 * A hand-built shift, minutes after T0 (06:00). Steel supplies blanks (loop A, 1 card,
 * lead time 30) to Press; Press makes brackets (loop B, 2 cards, C = 10, lead time 30,
 * input A) for Line (the customer).
 *
 *   0     stations and loops created: a1, b1, b2 full
 *   10    Line uses b1                    B used 1; b1 requested at 10
 *   20    Press starts b1                 cascade: a1 used (A used 1), requested at 20
 *   30    Line uses b2                    B used 2; b2 requested at 30; Press starved (A empty)
 *   40    Steel starts a1
 *   50    Steel finishes a1               A finished 1: lead 50-20 = 30, cycle 50-40 = 10; Press no longer starved
 *   55    Press finishes b1               B finished 1: lead 55-10 = 45, cycle 55-20 = 35
 *   60    andon (line stop) at Press
 *   70    Press starts b2                 cascade: a1 used (A used 2)
 *   70.5  Press undoes that Start         b2 back in Requested, a1 returned (A used 1 again)
 *   75    Press starts b2 again           a1 used (A used 2), requested at 75
 *   80    andon cleared                   andon 20 minutes
 *   90    Press finishes b2               B finished 2 ...
 *   90.5  Press undoes that Finish        ... taken back: B finished 1
 *   100   Press finishes b2 again         B finished 2: lead 100-30 = 70, cycle 100-75 = 25
 *   110   Line uses b1                    B used 3 ...
 *   110.5 Line undoes that Use            ... taken back: B used 2; Press starved 110-110.5
 *   115   Line uses b1 again              B used 3; Press starved again from 115 (A still empty)
 *   window end 120
 */
function handBuiltShift() {
  const plant = new RulesPlant();
  plant.now = at(0);
  const steel = plant.station('Steel', { kind: StationKind.SUPPLIER });
  const press = plant.station('Press');
  const line = plant.station('Line', { kind: StationKind.CUSTOMER });
  const a = plant.loop('BLK-1', steel, press, 1, { leadTimeMinutes: 30 });
  const b = plant.loop('BRK-2', press, line, 2, { inputs: [a], leadTimeMinutes: 30, containerQty: 10 });
  const a1 = plant.serial(a, 1).id;
  const b1 = plant.serial(b, 1).id;
  const b2 = plant.serial(b, 2).id;
  const undo = (cardId: string) => plant.run({ type: 'card.undo', cardId, version: plant.card(cardId).version });
  const steps: Array<[number, () => unknown]> = [
    [10, () => plant.consume(b1)],
    [20, () => plant.move(b1, Column.IN_PROGRESS)],
    [30, () => plant.consume(b2)],
    [40, () => plant.move(a1, Column.IN_PROGRESS)],
    [50, () => plant.move(a1, Column.DONE)],
    [55, () => plant.move(b1, Column.DONE)],
    [60, () => plant.run({ type: 'andon.raise', stationId: press.id, kind: AndonKind.STOP })],
    [70, () => plant.move(b2, Column.IN_PROGRESS)],
    [70.5, () => undo(b2)],
    [75, () => plant.move(b2, Column.IN_PROGRESS)],
    [80, () => plant.run({ type: 'andon.clear', stationId: press.id })],
    [90, () => plant.move(b2, Column.DONE)],
    [90.5, () => undo(b2)],
    [100, () => plant.move(b2, Column.DONE)],
    [110, () => plant.consume(b1)],
    [110.5, () => undo(b1)],
    [115, () => plant.consume(b1)],
  ];
  for (const [minute, step] of steps) {
    plant.now = at(minute);
    step();
  }
  return { plant, steel, press, line, a, b };
}

describe('metrics of a hand-built shift (figures worked out in the comments)', () => {
  const { plant, steel, press, line, a, b } = handBuiltShift();
  const whole = metricsFromLog(emptyBoard, plant.log, { from: at(0), to: at(120) });

  it('answers the documented shape', () => {
    expect(MetricsReportSchema.strict().safeParse(whole).success).toBe(true);
    expect(whole).toMatchObject({ from: at(0), to: at(120) });
    expect(whole.loops.map((l) => l.loopId).sort()).toEqual([a.id, b.id].sort());
    expect(whole.stations.map((s) => s.stationId)).toEqual([steel.id, press.id, line.id]);
  });

  it('counts uses and finishes once, whatever was undone', () => {
    const mb = loopOf(whole, b);
    // B: used at 10, 30, 115 (110 was undone); finished at 55 and 100 (90 was undone).
    expect(mb).toMatchObject({ consumed: 3, finished: 2, throughputPerHour: 1, demandPerHour: 1.5 });
    // A: used at 20 and 75 (the use at 70 was returned when its Start was undone); finished at 50.
    expect(loopOf(whole, a)).toMatchObject({ consumed: 2, finished: 1, throughputPerHour: 0.5, demandPerHour: 1 });
  });

  it('measures lead and cycle times with nearest-rank percentiles', () => {
    // B lead times [45, 70]: mean 57.5, p50 = sample ceil(0.5 x 2) = 1st = 45, p85 = 2nd = 70.
    expect(loopOf(whole, b).leadTimeMinutes).toEqual({ mean: 57.5, p50: 45, p85: 70, max: 70, n: 2 });
    // B cycle times [35, 25] (the finish that stood for b2: 100 - 75), sorted [25, 35].
    expect(loopOf(whole, b).cycleTimeMinutes).toEqual({ mean: 30, p50: 25, p85: 35, max: 35, n: 2 });
    expect(loopOf(whole, a).leadTimeMinutes).toEqual({ mean: 30, p50: 30, p85: 30, max: 30, n: 1 });
    expect(loopOf(whole, a).cycleTimeMinutes).toEqual({ mean: 10, p50: 10, p85: 10, max: 10, n: 1 });
  });

  it('weights WIP by time and finds the stock-outs', () => {
    // B card-minutes: Requested 10 (10-20) + 25 (30-55) + 15 (55-70) + 4.5 (70.5-75)
    // + 0.5 (110-110.5) + 5 (115-120) = 60; In Progress 10 (20-30) + 25 (30-55) + 0.5
    // (70-70.5) + 15 (75-90) + 9.5 (90.5-100) = 60; Done the rest of 2 x 120: 120.
    expect(loopOf(whole, b).wipMean).toEqual({ requested: 0.5, inProgress: 0.5, done: 1 });
    // B has no full container from 30 to 55.
    expect(loopOf(whole, b).stockOutMinutes).toBe(25);
    // A card-minutes: Requested 20 (20-40) + 0.5 (70-70.5) + 45 (75-120) = 65.5;
    // In Progress 10 (40-50); Done 20 (0-20) + 20 (50-70) + 4.5 (70.5-75) = 44.5.
    const wa = loopOf(whole, a).wipMean;
    expect(wa.requested).toBeCloseTo(65.5 / 120, 12);
    expect(wa.inProgress).toBeCloseTo(10 / 120, 12);
    expect(wa.done).toBeCloseTo(44.5 / 120, 12);
    // A is empty 20-50, 70-70.5 and 75-120.
    expect(loopOf(whole, a).stockOutMinutes).toBe(75.5);
  });

  it('says which cards are overdue at the window end', () => {
    // a1 was requested at 75 with a lead time of 30: 45 minutes at 120. b1 (115) is not.
    expect(loopOf(whole, a).overdueNow).toBe(1);
    expect(loopOf(whole, b).overdueNow).toBe(0);
  });

  it('sizes each loop from measured demand and lead time', () => {
    // B: D = 1.5 containers/h x 10 = 15 parts/h, L = 57.5 min, alpha 0.1:
    // 15 x 57.5/60 x 1.1 / 10 = 1.58 -> 2 cards, as it has.
    expect(loopOf(whole, b).sizing).toMatchObject({
      demandPerHour: 15,
      leadTimeMinutes: 57.5,
      containerQty: 10,
      safetyFactor: 0.1,
      recommendedCards: 2,
      currentCards: 2,
    });
    // A: 10 parts/h x 0.5 h x 1.1 / 10 = 0.55 -> 1.
    expect(loopOf(whole, a).sizing).toMatchObject({ demandPerHour: 10, leadTimeMinutes: 30, recommendedCards: 1, currentCards: 1 });
  });

  it('times starved stations and andon calls', () => {
    // Press: starved 30-50, 110-110.5 and 115-120 = 25.5; andon 60-80; finished 2 in 2 h.
    expect(stationOf(whole, press)).toMatchObject({ stationId: press.id, starvedMinutes: 25.5, andonMinutes: 20, finishedPerHour: 1 });
    expect(stationOf(whole, steel)).toMatchObject({ stationId: steel.id, starvedMinutes: 0, andonMinutes: 0, finishedPerHour: 0.5 });
    expect(stationOf(whole, line)).toMatchObject({ stationId: line.id, starvedMinutes: 0, andonMinutes: 0, finishedPerHour: 0 });
  });

  it('starts a later window from the board as it was then (replayed)', () => {
    const late = metricsFromLog(emptyBoard, plant.log, { from: at(60), to: at(120) });
    const mb = loopOf(late, b);
    // From 60: B finished at 100 only (90 was undone), used at 115 only; its one cycle: lead 70, cycle 25.
    expect(mb).toMatchObject({ consumed: 1, finished: 1, throughputPerHour: 1, demandPerHour: 1 });
    expect(mb.leadTimeMinutes).toEqual({ mean: 70, p50: 70, p85: 70, max: 70, n: 1 });
    // b2 waits in Requested 60-70 (entered at 30, before the window).
    // Requested 10 + 4.5 + 0.5 + 5 = 20; In Progress 0.5 + 15 + 9.5 = 25; Done 120 - 45 = 75.
    expect(mb.wipMean.requested).toBeCloseTo(20 / 60, 12);
    expect(mb.wipMean.inProgress).toBeCloseTo(25 / 60, 12);
    expect(mb.wipMean.done).toBeCloseTo(75 / 60, 12);
    // The andon call raised at exactly 60 counts whole; A used 70, returned 70.5, used 75: 1.
    expect(stationOf(late, press)).toMatchObject({ starvedMinutes: 5.5, andonMinutes: 20 });
    expect(loopOf(late, a)).toMatchObject({ consumed: 1, finished: 0, stockOutMinutes: 45.5 });
  });

  it('does not take back a step made before the window and undone inside it', () => {
    // The finish at 90 is before the window, its undo at 90.5 inside: only the finish at 100 counts.
    const r = metricsFromLog(emptyBoard, plant.log, { from: at(90.25), to: at(120) });
    expect(loopOf(r, b)).toMatchObject({ finished: 1, consumed: 1 });
    // An andon that was in force when the window opened counts from its start.
    const during = metricsFromLog(emptyBoard, plant.log, { from: at(65), to: at(75) });
    expect(stationOf(during, press).andonMinutes).toBe(10);
  });

  it('leaves events after the window out', () => {
    const early = metricsFromLog(emptyBoard, plant.log, { from: at(0), to: at(52) });
    expect(loopOf(early, a)).toMatchObject({ consumed: 1, finished: 1 });
    expect(loopOf(early, b)).toMatchObject({ consumed: 2, finished: 0 });
    expect(loopOf(early, b).leadTimeMinutes.n).toBe(0);
    // No cycle finished: the sizing uses the loop's planned lead time (30).
    expect(loopOf(early, b).sizing.leadTimeMinutes).toBe(30);
  });
});

describe('timeStats: nearest-rank percentiles', () => {
  it.each<[string, number[], { mean: number | null; p50: number | null; p85: number | null; max: number | null; n: number }]>([
    ['no samples', [], { mean: null, p50: null, p85: null, max: null, n: 0 }],
    ['one sample', [7], { mean: 7, p50: 7, p85: 7, max: 7, n: 1 }],
    // p50: ceil(0.5 x 10) = 5th = 5; p85: ceil(8.5) = 9th = 9.
    ['ten samples, unsorted', [10, 1, 9, 2, 8, 3, 7, 4, 6, 5], { mean: 5.5, p50: 5, p85: 9, max: 10, n: 10 }],
    // p50: ceil(2.5) = 3rd = 3; p85: ceil(4.25) = 5th = 100.
    ['five samples with an outlier', [1, 2, 3, 4, 100], { mean: 22, p50: 3, p85: 100, max: 100, n: 5 }],
  ])('%s', (_, samples, stats) => {
    expect(timeStats(samples)).toEqual(stats);
  });
});

describe('timeStats: selection gives what sorting gives', () => {
  it('on random samples with repeats, of every length up to 300', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 300 }), (xs) => {
        const sorted = [...xs].sort((p, q) => p - q);
        const n = xs.length;
        const rank = (p: number) => sorted[Math.max(1, Math.ceil((p / 100) * n)) - 1] ?? null;
        const got = timeStats(xs);
        expect(got).toEqual({ mean: n === 0 ? null : got.mean, p50: rank(50), p85: rank(85), max: n === 0 ? null : sorted[n - 1], n });
        if (n > 0) expect(got.mean).toBeCloseTo(xs.reduce((p, q) => p + q, 0) / n, 9);
      }),
    );
  });
});

describe("Little's law on a steady run", () => {
  it('mean WIP in Requested + In Progress = throughput x mean lead time, within 5 %', () => {
    // One loop of 8 cards. Every 10 minutes the customer uses a container; the supplier
    // starts it after 0-8 minutes and takes 10-25 minutes over it (a seeded generator),
    // so lead times vary between 10 and 33 minutes. Warm up for 2 h, measure 20 h.
    const plant = new RulesPlant();
    plant.now = at(0);
    const supplier = plant.station('Mill');
    const customer = plant.station('Dock', { kind: StationKind.CUSTOMER });
    const loop = plant.loop('GR-7', supplier, customer, 8, { leadTimeMinutes: 40 });
    let seed = 12345;
    const rand = (lo: number, hi: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return lo + Math.floor((seed / 2 ** 31) * (hi - lo + 1));
    };
    type Step = { t: number; run: () => void };
    const plan: Step[] = [];
    for (let k = 1; k <= 140; k++) {
      const used = k * 10;
      const start = used + rand(0, 8);
      const finish = start + rand(10, 25);
      let card = '';
      plan.push({ t: used, run: () => (card = plant.consumeLoop(loop).result.card.id) });
      plan.push({ t: start, run: () => void plant.move(card, Column.IN_PROGRESS) });
      plan.push({ t: finish, run: () => void plant.move(card, Column.DONE) });
    }
    // In time order; at the same minute, in the order planned (a use before its start).
    plan.sort((x, y) => x.t - y.t);
    for (const s of plan) {
      plant.now = at(s.t);
      s.run();
    }
    const r = metricsFromLog(emptyBoard, plant.log, { from: at(120), to: at(1320) });
    const m = loopOf(r, loop);
    const wip = m.wipMean.requested + m.wipMean.inProgress;
    const little = m.throughputPerHour * (m.leadTimeMinutes.mean! / 60);
    expect(m.finished).toBeGreaterThan(100);
    expect(Math.abs(wip - little) / little).toBeLessThan(0.05);
  });
});

describe('loop sizing: worked examples', () => {
  it('IFS: D = 100/day, L = 2 days, SS = 20, lot = 50, C = 10 gives 27 cards', () => {
    // (100 x 2 + 20 + 50) / 10 = 27.
    expect(ifsCardCount(100, 2, 20, 50, 10)).toBe(27);
  });

  it('Toyota: D = 400 parts/day, L = 0.5 day, alpha = 0.1, C = 25 gives 9 cards', () => {
    // 400 x 0.5 x 1.1 / 25 = 8.8 -> 9.
    expect(toyotaCardCount(400, 0.5, 0.1, 25)).toBe(9);
  });

  it('the same Toyota example in the units metrics report: parts per hour and minutes', () => {
    // 400 parts over an 8-hour day = 50 parts/h; half a day = 240 minutes.
    expect(recommendedCards(50, 240, 0.1, 25)).toBe(9);
    // No demand measured still keeps one card.
    expect(recommendedCards(0, 240, 0.1, 25)).toBe(1);
  });
});

describe('the SAP segments and the chart series of the hand-built shift', () => {
  const { plant, press, a, b } = handBuiltShift();
  const whole = metricsFromLog(emptyBoard, plant.log, { from: at(0), to: at(120) });

  it('splits each cycle into waiting in Requested, in process and waiting in Done', () => {
    const seg = loopOf(whole, b).segmentMinutes;
    // B cycles that stood: b1 requested 10, started 20, done 55; b2 requested 30, started
    // 75 (the start at 70 was undone), done 100. Waiting in Requested [10, 45].
    expect(seg.requested).toEqual({ mean: 27.5, p50: 10, p85: 45, max: 45, n: 2 });
    expect(seg.inProgress).toEqual(loopOf(whole, b).cycleTimeMinutes);
    // Waiting in Done, at each use that stood: b1 full since 0, used 10 (10); b2 full since
    // 0, used 30 (30); b1 full since 55, used 115 (60; the use at 110 was undone).
    expect(seg.done).toEqual({ mean: 100 / 3, p50: 30, p85: 60, max: 60, n: 3 });
    // Lead time = waiting in Requested + in process, cycle by cycle: 10 + 35 = 45, 45 + 25 = 70.
    expect(loopOf(whole, b).leadTimeMinutes.mean).toBe(seg.requested.mean! + seg.inProgress.mean!);
  });

  it('cuts the window into buckets for the charts', () => {
    const ix = new MetricsIndex(emptyBoard);
    for (const e of plant.log) ix.push(e);
    const s = ix.series({ from: at(0), to: at(120) }, 2);
    expect(MetricsSeriesSchema.strict().safeParse(s).success).toBe(true);
    expect(s.bucketMinutes).toBe(60);
    expect(s.starts).toEqual([at(0), at(60)]);
    const sb = s.loops.find((l) => l.loopId === b.id)!;
    // B finished at 55 (lead 45) and at 100 (lead 70).
    expect(sb).toEqual({ loopId: b.id, finished: [1, 1], leadTimeMean: [45, 70], leadTimeP85: [45, 70], leadTimeP85Window: 70 });
    // A finished at 50 only.
    expect(s.loops.find((l) => l.loopId === a.id)).toMatchObject({ finished: [1, 0], leadTimeMean: [30, null] });
    // The plant: A 50 and B 55 in the first hour, B 100 in the second.
    expect(s.throughputPerHour).toEqual([2, 1]);
    const sp = s.stations.find((x) => x.stationId === press.id)!;
    // Press's cards (loop B) in Requested: 0-60 b1 10-20 + b2 30-60 = 40 card-minutes;
    // 60-120: b2 60-70 + 70.5-75, b1 110-110.5 + 115-120 = 20.
    expect(sp.wip.requested[0]).toBeCloseTo(40 / 60, 12);
    expect(sp.wip.requested[1]).toBeCloseTo(20 / 60, 12);
    // Cumulative flow: uses 10, 30 | 115; starts 20 | 75; finishes 55 | 100.
    expect(sp.arrivals).toEqual({ requested: [2, 3], inProgress: [1, 2], done: [1, 2] });
    expect(sp.finishedPerHour).toEqual([1, 1]);
  });

  it('puts a finish that lands on a bucket edge in the later bucket only', () => {
    const ix = new MetricsIndex(emptyBoard);
    for (const e of plant.log) ix.push(e);
    // 5-minute buckets: B's finish at 55 is the edge between [50, 55) and [55, 60).
    const s = ix.series({ from: at(0), to: at(120) }, 24);
    const sb = s.loops.find((l) => l.loopId === b.id)!;
    expect(sb.finished.reduce((x, y) => x + y, 0)).toBe(2);
    expect(sb.finished[10]).toBe(0);
    expect(sb.finished[11]).toBe(1);
    expect(s.stations.find((x) => x.stationId === press.id)!.finishedPerHour[11]).toBe(12);
  });

  it('answers from what it has been fed so far, and takes more later', () => {
    const ix = new MetricsIndex(emptyBoard);
    const cut = plant.log.findIndex((e) => Date.parse(e.at) > Date.parse(at(52)));
    for (const e of plant.log.slice(0, cut)) ix.push(e);
    expect(loopOf(ix.report({ from: at(0), to: at(120) }), b)).toMatchObject({ consumed: 2, finished: 0 });
    for (const e of plant.log.slice(cut)) ix.push(e);
    expect(ix.report({ from: at(0), to: at(120) })).toEqual(whole);
    expect(ix.seq).toBe(plant.log.length);
  });
});
