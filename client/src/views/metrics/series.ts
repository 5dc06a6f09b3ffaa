// The metrics view's arithmetic, pure (unit-tested in series.test.ts): the windows a lead
// picks, the intervals a chart is drawn in, and the chart series made from one metrics
// report per interval (GET /api/metrics; every figure comes from shared/metrics.ts on the
// server; here they are only arranged for drawing).
import type { LoopMetrics, MetricsReport } from '../../../../shared/metrics.ts';

export type WindowKey = '8h' | '24h' | '7d';
export const WINDOW_KEYS: readonly WindowKey[] = ['8h', '24h', '7d'];

const HOUR = 3_600_000;
/** Length and the chart's interval of each window: 8 x 1 h, 24 x 1 h, 28 x 6 h. */
const WINDOWS: Record<WindowKey, { span: number; step: number }> = {
  '8h': { span: 8 * HOUR, step: HOUR },
  '24h': { span: 24 * HOUR, step: HOUR },
  '7d': { span: 7 * 24 * HOUR, step: 6 * HOUR },
};

export interface Interval {
  fromMs: number;
  toMs: number;
}

/** The window ending at `nowMs`, and its chart intervals (oldest first, back to back). */
export function windowOf(key: WindowKey, nowMs: number): { whole: Interval; intervals: Interval[] } {
  const { span, step } = WINDOWS[key];
  const fromMs = nowMs - span;
  const intervals: Interval[] = [];
  for (let t = fromMs; t < nowMs; t += step) intervals.push({ fromMs: t, toMs: Math.min(nowMs, t + step) });
  return { whole: { fromMs, toMs: nowMs }, intervals };
}

/** The query string of GET /api/metrics for an interval. */
export function metricsQuery(i: Interval, safetyFactor?: number): string {
  const q = new URLSearchParams({ from: new Date(i.fromMs).toISOString(), to: new Date(i.toMs).toISOString() });
  if (safetyFactor !== undefined) q.set('safetyFactor', String(safetyFactor));
  return `?${q.toString()}`;
}

/** Hours an interval spans. */
const hours = (i: Interval) => (i.toMs - i.fromMs) / HOUR;

/** x values of a chart: each interval's end, in seconds (uPlot's time unit). */
export function xs(intervals: readonly Interval[]): number[] {
  return intervals.map((i) => i.toMs / 1000);
}

export interface Cfd {
  /** Containers that reached Done, cumulative from the window's start. */
  finished: number[];
  /** finished + mean cards in process in the interval. */
  inProgress: number[];
  /** inProgress + mean cards waiting in Requested. */
  requested: number[];
}

/**
 * Cumulative flow of a station (the loops it supplies): the cumulative count of
 * containers finished, with the interval's mean WIP in process and waiting stacked on
 * it, so each band's height is that column's WIP and the top line is arrivals.
 */
export function cumulativeFlow(reports: readonly MetricsReport[], loopIds: ReadonlySet<string>): Cfd {
  const out: Cfd = { finished: [], inProgress: [], requested: [] };
  let done = 0;
  for (const r of reports) {
    let p = 0;
    let q = 0;
    for (const l of r.loops) {
      if (!loopIds.has(l.loopId)) continue;
      done += l.finished;
      p += l.wipMean.inProgress;
      q += l.wipMean.requested;
    }
    out.finished.push(done);
    out.inProgress.push(done + p);
    out.requested.push(done + p + q);
  }
  return out;
}

/** Mean and p85 lead time of one loop per interval (null where no cycle finished). */
export function leadTimeSeries(reports: readonly MetricsReport[], loopId: string): { mean: (number | null)[]; p85: (number | null)[] } {
  const mean: (number | null)[] = [];
  const p85: (number | null)[] = [];
  for (const r of reports) {
    const l = r.loops.find((x) => x.loopId === loopId);
    mean.push(l?.leadTimeMinutes.mean ?? null);
    p85.push(l?.leadTimeMinutes.p85 ?? null);
  }
  return { mean, p85 };
}

/** A station's containers finished per hour in each interval. */
export function throughputSeries(reports: readonly MetricsReport[], stationId: string): number[] {
  return reports.map((r) => r.stations.find((s) => s.stationId === stationId)?.finishedPerHour ?? 0);
}

/** Hours of the intervals (for a report whose rates are per hour of a shorter last interval). */
export function intervalHours(intervals: readonly Interval[]): number[] {
  return intervals.map(hours);
}

export interface Segments {
  /** Minutes a signal waits in Requested before work starts. */
  waiting: number | null;
  /** Minutes in process (the cycle time). */
  inProcess: number | null;
  /** Minutes a full container waits in Done before it is used (Little's law). */
  waitingFull: number | null;
}

/**
 * The SAP segments of a loop's cycle: Requested (lead minus cycle time, both measured),
 * in process (cycle time) and waiting full in Done (mean full containers / finished per
 * hour, Little's law). Null where the window has no finished cycle to measure.
 */
export function segments(l: LoopMetrics): Segments {
  const lead = l.leadTimeMinutes.mean;
  const cycle = l.cycleTimeMinutes.mean;
  return {
    waiting: lead !== null && cycle !== null ? Math.max(0, lead - cycle) : null,
    inProcess: cycle,
    waitingFull: l.throughputPerHour > 0 ? (l.wipMean.done / l.throughputPerHour) * 60 : null,
  };
}

/** Runs `tasks` with at most `limit` at a time; results in the tasks' order. */
export async function inBatches<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out: T[] = new Array<T>(tasks.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < tasks.length) {
      const k = next++;
      out[k] = await tasks[k]!();
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return out;
}
