import { describe, expect, it } from 'vitest';
import type { LoopMetrics, MetricsReport } from '../../../../shared/metrics.ts';
import { cumulativeFlow, inBatches, leadTimeSeries, metricsQuery, segments, throughputSeries, windowOf } from './series.ts';
import { parseSafetyFactor, sizingRow } from './sizing.ts';
import { parseHours } from './WhatIf.tsx';

const H = 3_600_000;
const stats = (mean: number | null, p85: number | null = mean, n = mean === null ? 0 : 1) => ({ mean, p50: mean, p85, max: p85, n });

function loop(over: Partial<LoopMetrics> & { loopId: string }): LoopMetrics {
  return {
    consumed: 0,
    finished: 0,
    throughputPerHour: 0,
    leadTimeMinutes: stats(null),
    cycleTimeMinutes: stats(null),
    wipMean: { requested: 0, inProgress: 0, done: 0 },
    stockOutMinutes: 0,
    overdueNow: 0,
    demandPerHour: 0,
    sizing: { demandPerHour: 0, leadTimeMinutes: 60, containerQty: 10, safetyFactor: 0.1, recommendedCards: 1, currentCards: 3 },
    ...over,
  };
}
const report = (loops: LoopMetrics[], stations: MetricsReport['stations'] = []): MetricsReport => ({ from: '', to: '', loops, stations });

describe('windows', () => {
  it('cuts 8 h into 8 hours, 24 h into 24 and 7 days into 28 six-hour intervals, back to back, ending now', () => {
    const now = Date.parse('2026-12-01T12:00:00Z');
    for (const [key, n, step] of [['8h', 8, H], ['24h', 24, H], ['7d', 28, 6 * H]] as const) {
      const { whole, intervals } = windowOf(key, now);
      expect(intervals).toHaveLength(n);
      expect(intervals[0]!.fromMs).toBe(whole.fromMs);
      expect(intervals.at(-1)!.toMs).toBe(now);
      for (let k = 1; k < n; k++) expect(intervals[k]!.fromMs).toBe(intervals[k - 1]!.toMs);
      expect(intervals[0]!.toMs - intervals[0]!.fromMs).toBe(step);
    }
  });

  it('asks for an interval with ISO times and the safety factor', () => {
    const q = metricsQuery({ fromMs: Date.parse('2026-12-01T04:00:00Z'), toMs: Date.parse('2026-12-01T12:00:00Z') }, 0.25);
    expect(new URLSearchParams(q.slice(1)).get('from')).toBe('2026-12-01T04:00:00.000Z');
    expect(new URLSearchParams(q.slice(1)).get('to')).toBe('2026-12-01T12:00:00.000Z');
    expect(new URLSearchParams(q.slice(1)).get('safetyFactor')).toBe('0.25');
  });
});

describe('chart series', () => {
  const parts = [
    report([loop({ loopId: 'a', finished: 2, wipMean: { requested: 1, inProgress: 0.5, done: 2 } }), loop({ loopId: 'x', finished: 9 })]),
    report([loop({ loopId: 'a', finished: 3, wipMean: { requested: 2, inProgress: 1, done: 1 }, leadTimeMinutes: stats(40, 55, 3) })]),
  ];

  it('stacks a station\'s WIP on its cumulative finished count, only over the loops it supplies', () => {
    expect(cumulativeFlow(parts, new Set(['a']))).toEqual({ finished: [2, 5], inProgress: [2.5, 6], requested: [3.5, 8] });
  });

  it('gives lead time mean and p85 per interval, null where nothing finished', () => {
    expect(leadTimeSeries(parts, 'a')).toEqual({ mean: [null, 40], p85: [null, 55] });
  });

  it('reads a station\'s finished per hour, 0 where it is missing', () => {
    const r = [report([], [{ stationId: 's', starvedMinutes: 0, andonMinutes: 0, finishedPerHour: 1.5 }]), report([])];
    expect(throughputSeries(r, 's')).toEqual([1.5, 0]);
  });
});

describe('SAP segments', () => {
  it('splits lead time into waiting, in process and waiting full (Little\'s law for Done)', () => {
    const l = loop({ loopId: 'a', throughputPerHour: 2, leadTimeMinutes: stats(50), cycleTimeMinutes: stats(20), wipMean: { requested: 1, inProgress: 1, done: 3 } });
    expect(segments(l)).toEqual({ waiting: 30, inProcess: 20, waitingFull: 90 });
    expect(segments(loop({ loopId: 'b' }))).toEqual({ waiting: null, inProcess: null, waitingFull: null });
  });
});

describe('sizing', () => {
  it('gives the Toyota, SAP and IFS counts and the change against today', () => {
    // D = 15 pcs/h, L = 52.5 min, C = 10, alpha = 0.1: 15 x 0.875 x 1.1 / 10 = 1.44 -> 2.
    const l = loop({ loopId: 'a', leadTimeMinutes: stats(52.5), sizing: { demandPerHour: 15, leadTimeMinutes: 52.5, containerQty: 10, safetyFactor: 0.1, recommendedCards: 2, currentCards: 3 } });
    expect(sizingRow(l, 0.1)).toMatchObject({ toyota: 2, sap: 2, ifs: 2, current: 3, diff: -1, measured: true });
    // A larger safety factor: 15 x 0.875 x 3 / 10 = 3.94 -> 4.
    expect(sizingRow(l, 2)).toMatchObject({ toyota: 4, diff: 1 });
  });

  it('reads a safety factor of 0 to 5, with a comma too', () => {
    expect(parseSafetyFactor('0,25')).toBe(0.25);
    expect(parseSafetyFactor('0')).toBe(0);
    expect(parseSafetyFactor('6')).toBeNull();
    expect(parseSafetyFactor('-1')).toBeNull();
    expect(parseSafetyFactor('')).toBeNull();
  });

  it('reads what-if hours above 0 up to 72', () => {
    expect(parseHours('6')).toBe(6);
    expect(parseHours('1,5')).toBe(1.5);
    expect(parseHours('0')).toBeNull();
    expect(parseHours('100')).toBeNull();
  });
});

describe('inBatches', () => {
  it('keeps the order and never runs more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const tasks = [30, 10, 20, 5, 1].map((ms, k) => async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, ms));
      running--;
      return k;
    });
    expect(await inBatches(tasks, 2)).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
  });
});
