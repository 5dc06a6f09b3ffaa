// The metrics view's arithmetic, pure (unit-tested in series.test.ts): the windows a lead
// picks and how each is cut into chart buckets, and the chart series read from one
// GET /api/metrics/series answer (every figure is computed by shared/metrics.ts on the
// server; here they are only arranged for drawing and worded).
import type { MetricsSeries } from '../../../../shared/metrics.ts';

export type WindowKey = '8h' | '24h' | '7d';
export const WINDOW_KEYS: readonly WindowKey[] = ['8h', '24h', '7d'];

const HOUR = 3_600_000;
/** Length and chart buckets of each window: 16 x 30 min, 24 x 1 h, 28 x 6 h. */
const WINDOWS: Record<WindowKey, { span: number; buckets: number }> = {
  '8h': { span: 8 * HOUR, buckets: 16 },
  '24h': { span: 24 * HOUR, buckets: 24 },
  '7d': { span: 7 * 24 * HOUR, buckets: 28 },
};

export interface Interval {
  fromMs: number;
  toMs: number;
}

/** The window ending at `nowMs` and the number of chart buckets it is cut into. */
export function windowOf(key: WindowKey, nowMs: number): { whole: Interval; buckets: number } {
  const { span, buckets } = WINDOWS[key];
  return { whole: { fromMs: nowMs - span, toMs: nowMs }, buckets };
}

/** The query string of GET /api/metrics (and /series, with `buckets`) for a window. */
export function metricsQuery(i: Interval, extra: { safetyFactor?: number; buckets?: number } = {}): string {
  const q = new URLSearchParams({ from: new Date(i.fromMs).toISOString(), to: new Date(i.toMs).toISOString() });
  if (extra.safetyFactor !== undefined) q.set('safetyFactor', String(extra.safetyFactor));
  if (extra.buckets !== undefined) q.set('buckets', String(extra.buckets));
  return `?${q.toString()}`;
}

/** x values of a chart: each bucket's end, in seconds (uPlot's time unit). */
export function bucketEnds(s: MetricsSeries): number[] {
  const step = s.bucketMinutes * 60;
  return s.starts.map((iso) => Date.parse(iso) / 1000 + step);
}

export interface Cfd {
  /** Cards that entered each column from the window's start to each bucket's end. */
  requested: number[];
  inProgress: number[];
  done: number[];
}

/** The classic cumulative flow of a station: arrivals per column (bands between = WIP). */
export function cumulativeFlow(s: MetricsSeries, stationId: string): Cfd {
  const st = s.stations.find((x) => x.stationId === stationId);
  const zeros = s.starts.map(() => 0);
  return st ? { requested: st.arrivals.requested, inProgress: st.arrivals.inProgress, done: st.arrivals.done } : { requested: zeros, inProgress: zeros, done: zeros };
}

/** One loop's lead time per bucket (mean, p85) and the window's p85 as a flat line. */
export function leadTimeSeries(s: MetricsSeries, loopId: string): { mean: (number | null)[]; p85: (number | null)[]; windowP85: (number | null)[] } {
  const l = s.loops.find((x) => x.loopId === loopId);
  const none = s.starts.map(() => null);
  if (!l) return { mean: none, p85: none, windowP85: none };
  return { mean: l.leadTimeMean, p85: l.leadTimeP85, windowP85: s.starts.map(() => l.leadTimeP85Window) };
}

/** A station's containers finished per hour in each bucket (0 where it has none). */
export function throughputSeries(s: MetricsSeries, stationId: string): number[] {
  return s.stations.find((x) => x.stationId === stationId)?.finishedPerHour ?? s.starts.map(() => 0);
}

/** The busiest bucket's rate (0 for no buckets). */
export function peak(values: readonly number[]): number {
  return values.reduce((a, b) => Math.max(a, b), 0);
}
