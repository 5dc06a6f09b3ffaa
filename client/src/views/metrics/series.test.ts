import { describe, expect, it } from 'vitest';
import type { LoopMetrics, MetricsSeries } from '../../../../shared/metrics.ts';
import { bucketEnds, cumulativeFlow, leadTimeSeries, metricsQuery, peak, throughputSeries, windowOf } from './series.ts';
import { parseSafetyFactor, sizingFor } from './sizing.ts';
import { parseHours } from './WhatIf.tsx';

const H = 3_600_000;
const stats = (mean: number | null) => ({ mean, p50: mean, p85: mean, max: mean, n: mean === null ? 0 : 1 });

describe('windows', () => {
  it('cuts 8 h into 16 buckets, 24 h into 24 and 7 days into 28, ending now', () => {
    const now = Date.parse('2026-12-01T12:00:00Z');
    for (const [key, span, buckets] of [['8h', 8 * H, 16], ['24h', 24 * H, 24], ['7d', 168 * H, 28]] as const) {
      const w = windowOf(key, now);
      expect(w.whole).toEqual({ fromMs: now - span, toMs: now });
      expect(w.buckets).toBe(buckets);
    }
  });

  it('asks for a window with ISO times, the safety factor and the buckets', () => {
    const q = new URLSearchParams(metricsQuery({ fromMs: Date.parse('2026-12-01T04:00:00Z'), toMs: Date.parse('2026-12-01T12:00:00Z') }, { safetyFactor: 0.25, buckets: 16 }).slice(1));
    expect(q.get('from')).toBe('2026-12-01T04:00:00.000Z');
    expect(q.get('to')).toBe('2026-12-01T12:00:00.000Z');
    expect(q.get('safetyFactor')).toBe('0.25');
    expect(q.get('buckets')).toBe('16');
  });
});

describe('chart series from GET /api/metrics/series', () => {
  const col = (a: number[]) => ({ requested: a, inProgress: a, done: a });
  const series: MetricsSeries = {
    from: '2026-12-01T10:00:00.000Z',
    to: '2026-12-01T11:00:00.000Z',
    seq: 9,
    bucketMinutes: 30,
    starts: ['2026-12-01T10:00:00.000Z', '2026-12-01T10:30:00.000Z'],
    stations: [
      {
        stationId: 's',
        wip: col([1, 2]),
        arrivals: { requested: [3, 5], inProgress: [2, 4], done: [1, 3] },
        finishedPerHour: [2, 4],
      },
    ],
    loops: [{ loopId: 'a', finished: [1, 2], leadTimeMean: [null, 40], leadTimeP85: [null, 55], leadTimeP85Window: 55 }],
    throughputPerHour: [2, 4],
  };

  it('puts each point at its bucket\'s end (uPlot seconds)', () => {
    expect(bucketEnds(series)).toEqual([Date.parse('2026-12-01T10:30:00Z') / 1000, Date.parse('2026-12-01T11:00:00Z') / 1000]);
  });

  it('draws cumulative flow from the arrivals per column; a station without figures is flat zero', () => {
    expect(cumulativeFlow(series, 's')).toEqual({ requested: [3, 5], inProgress: [2, 4], done: [1, 3] });
    expect(cumulativeFlow(series, 'nobody')).toEqual({ requested: [0, 0], inProgress: [0, 0], done: [0, 0] });
  });

  it('gives a loop\'s lead time mean and p85 per bucket and the window\'s p85 as a flat line', () => {
    expect(leadTimeSeries(series, 'a')).toEqual({ mean: [null, 40], p85: [null, 55], windowP85: [55, 55] });
    expect(leadTimeSeries(series, 'b')).toEqual({ mean: [null, null], p85: [null, null], windowP85: [null, null] });
  });

  it('reads a station\'s finished per hour and its peak', () => {
    expect(throughputSeries(series, 's')).toEqual([2, 4]);
    expect(throughputSeries(series, 'x')).toEqual([0, 0]);
    expect(peak([2, 4, 1])).toBe(4);
    expect(peak([])).toBe(0);
  });
});

describe('sizing', () => {
  function loop(demandPerHour: number, leadTimeMinutes: number, measured: boolean): LoopMetrics {
    return {
      loopId: 'a',
      consumed: 0,
      finished: 0,
      throughputPerHour: 0,
      leadTimeMinutes: stats(measured ? leadTimeMinutes : null),
      cycleTimeMinutes: stats(null),
      segmentMinutes: { requested: stats(null), inProgress: stats(null), done: stats(null) },
      wipMean: { requested: 0, inProgress: 0, done: 0 },
      stockOutMinutes: 0,
      overdueNow: 0,
      demandPerHour: 0,
      sizing: {
        demandPerHour,
        leadTimeMinutes,
        leadTimeMeasured: measured,
        containerQty: 10,
        safetyFactor: 0.1,
        recommendedCards: 0,
        currentCards: 3,
        difference: 0,
        forms: { toyota: 0, sap: 0, ifs: 0 },
      },
    };
  }

  it('recomputes the forms for the typed safety factor and today\'s count (shared/sizing.ts)', () => {
    // D = 15 pcs/h, L = 52.5 min, C = 10: 15 x 0.875 x 1.1 / 10 = 1.44 -> 2 (api.md's example).
    const s = sizingFor(loop(15, 52.5, true), 0.1, 3);
    expect(s).toMatchObject({ recommendedCards: 2, currentCards: 3, difference: -1, leadTimeMeasured: true });
    expect(s.forms.toyota).toBe(2);
    // alpha = 2: 15 x 0.875 x 3 / 10 = 3.94 -> 4, one more than today.
    expect(sizingFor(loop(15, 52.5, true), 2, 3)).toMatchObject({ recommendedCards: 4, difference: 1 });
    // Planned lead time when no cycle finished: 1 pc/h x 48 h x 1.1 / 10 = 5.28 -> 6.
    expect(sizingFor(loop(1, 48 * 60, false), 0.1, 3)).toMatchObject({ recommendedCards: 6, leadTimeMeasured: false });
  });

  it('reads a safety factor of 0 to 5, with a comma too', () => {
    expect(parseSafetyFactor('0,25')).toBe(0.25);
    expect(parseSafetyFactor('0')).toBe(0);
    expect(parseSafetyFactor('6')).toBeNull();
    expect(parseSafetyFactor('-1')).toBeNull();
    expect(parseSafetyFactor('')).toBeNull();
  });

  it('reads what-if hours above 0 up to 7 days', () => {
    expect(parseHours('6')).toBe(6);
    expect(parseHours('1,5')).toBe(1.5);
    expect(parseHours('168')).toBe(168);
    expect(parseHours('0')).toBeNull();
    expect(parseHours('169')).toBeNull();
  });
});
