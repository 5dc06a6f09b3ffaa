// Flow metrics from the event log (pull-model.md "Time, flow and risk"; api.md "Metrics
// and sizing"): pure, no I/O.
//
// `MetricsIndex` takes the log once, event by event in seq order (the server builds it
// at start and then feeds it every committed batch), and keeps per loop and per station
// time series, so that a window query is binary searches and sums, not a replay:
// - step functions (a value from each change on) with their running time-integral, for
//   each loop's cards per column, its "no full container" flag, and each station's
//   starved and andon flags: the time-weighted mean over [from, to] is
//   (I(to) - I(from)) / (to - from), two binary searches;
// - timestamped samples per loop: uses, starts, finishes (with the cycle's lead time,
//   cycle time and wait in Requested) and the wait in Done measured at each use: a
//   window's count is two binary searches, its percentiles a sort of the window's samples;
// - per card its cycles (requested at, done at), for the cards overdue at `to`.
// A query costs O(loops x log events + samples in the window); the board is replayed only
// once, by the index itself (starved depends on the board, so the index holds its own).
//
// Rules, in one place:
// - Time is the log's, made monotonic: an event stamped before the one ahead of it (a
//   clock that stepped back) counts at the time of the one ahead, so the log's order wins.
// - A window is [from, to], both ends included.
// - Lead time of a cycle: from the consumption that requested the card (card.requestedAt)
//   to the move into Done; cycle time: from entering In Progress to entering Done; the
//   three SAP segments: waiting in Requested (requested -> In Progress), in process (=
//   cycle time) and waiting in Done (entering Done -> the use that empties it, measured at
//   that use). A cycle counts in the window in which it reaches Done.
// - A step taken back (an Undo of Use/Start/Finish, a lead's step back Done -> In
//   Progress, an input container returned when a Start is stepped back) removes the
//   step's sample, whenever it was taken: a cycle that is undone and finished again counts
//   once, with the times of the finish that stood. The columns move back at the undo's time.
// - Time-weighted means (WIP, stock-out, starved, andon) are over the whole window; a loop
//   counts zero before it existed and after it was retired.
// - Percentiles are nearest-rank: p-th of n sorted samples is sample ceil(p/100 x n).
// - Loops and stations reported are those that existed at the window's end.
import { z } from 'zod';
import { BoardWriter, starvedInputs } from './board.ts';
import type { BoardState } from './board.ts';
import { Column, EventType } from './names.ts';
import type { BoardEvent, Card, Loop, Station } from './schemas.ts';
import { DEFAULT_SAFETY_FACTOR, SizingSchema, sizeLoop } from './sizing.ts';

export { DEFAULT_SAFETY_FACTOR } from './sizing.ts';

const Minutes = z.number().nullable();
export const TimeStatsSchema = z.object({
  mean: Minutes,
  p50: Minutes,
  p85: Minutes,
  max: Minutes,
  n: z.number().int().min(0),
});
export type TimeStats = z.infer<typeof TimeStatsSchema>;

const ColumnMeans = z.object({ requested: z.number(), inProgress: z.number(), done: z.number() });

export const LoopMetricsSchema = z.object({
  loopId: z.string(),
  /** Containers used in the window (direct uses and cascades). */
  consumed: z.number().int(),
  /** Containers that reached Done in the window. */
  finished: z.number().int(),
  throughputPerHour: z.number(),
  leadTimeMinutes: TimeStatsSchema,
  cycleTimeMinutes: TimeStatsSchema,
  /** The SAP segments of a cycle: waiting in Requested, in process, waiting in Done. */
  segmentMinutes: z.object({ requested: TimeStatsSchema, inProgress: TimeStatsSchema, done: TimeStatsSchema }),
  wipMean: ColumnMeans,
  /** Minutes with no full container. */
  stockOutMinutes: z.number(),
  /** Cards waiting or in process longer than the loop's lead time, at the window's end. */
  overdueNow: z.number().int(),
  /** Containers used per hour. */
  demandPerHour: z.number(),
  sizing: SizingSchema,
});
export type LoopMetrics = z.infer<typeof LoopMetricsSchema>;

export const StationMetricsSchema = z.object({
  stationId: z.string(),
  /** Minutes with work requested but an input loop without a full container. */
  starvedMinutes: z.number(),
  /** Minutes with an andon call (any kind) in force. */
  andonMinutes: z.number(),
  /** Containers the station finished (it supplies their loops), per hour. */
  finishedPerHour: z.number(),
  /** Containers the station finished in the window. */
  finished: z.number().int(),
  /** Time-weighted mean count of the station's cards per column. */
  wipMean: ColumnMeans,
});
export type StationMetrics = z.infer<typeof StationMetricsSchema>;

export const MetricsReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  /** The log's seq the figures include (the newest event the index has). */
  seq: z.number().int(),
  loops: z.array(LoopMetricsSchema),
  stations: z.array(StationMetricsSchema),
});
export type MetricsReport = z.infer<typeof MetricsReportSchema>;

/** Per-bucket figures for the charts (GET /api/metrics/series). */
const Nums = z.array(z.number());
const MaybeNums = z.array(z.number().nullable());
const ColumnSeries = z.object({ requested: Nums, inProgress: Nums, done: Nums });
export const MetricsSeriesSchema = z.object({
  from: z.string(),
  to: z.string(),
  seq: z.number().int(),
  bucketMinutes: z.number(),
  /** Start of each bucket (ISO); every array below has one entry per bucket. */
  starts: z.array(z.string()),
  stations: z.array(
    z.object({
      stationId: z.string(),
      /** Time-weighted mean number of cards per column in the bucket. */
      wip: ColumnSeries,
      /** Cumulative flow: cards that entered each column from `from` to the bucket's end. */
      arrivals: ColumnSeries,
      /** Containers finished per hour in the bucket. */
      finishedPerHour: Nums,
    }),
  ),
  loops: z.array(
    z.object({
      loopId: z.string(),
      finished: Nums,
      /** Lead time of the cycles that reached Done in the bucket (null: none did). */
      leadTimeMean: MaybeNums,
      leadTimeP85: MaybeNums,
      /** p85 of the whole window's lead times (the line on the chart); null: no cycle. */
      leadTimeP85Window: z.number().nullable(),
    }),
  ),
  /** Containers finished per hour in each bucket, the whole plant. */
  throughputPerHour: Nums,
});
export type MetricsSeries = z.infer<typeof MetricsSeriesSchema>;

export interface MetricsWindow {
  /** ISO times; `from` <= `to`. */
  from: string;
  to: string;
}

export interface MetricsOptions {
  safetyFactor?: number;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;

/**
 * Summary of duration samples in minutes; nearest-rank percentiles, nulls when there are
 * none. Linear on average: the two ranks are found by selection (quickselect), not by
 * sorting, so a year of samples costs a few passes over them. `samples` may be reordered.
 */
export function timeStats(samples: ArrayLike<number>): TimeStats {
  const a = samples instanceof Float64Array ? samples : Float64Array.from(samples);
  const n = a.length;
  if (n === 0) return { mean: null, p50: null, p85: null, max: null, n: 0 };
  let sum = 0;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    sum += x;
    if (x > max) max = x;
  }
  const k50 = Math.max(1, Math.ceil(0.5 * n)) - 1;
  const k85 = Math.max(1, Math.ceil(0.85 * n)) - 1;
  const p50 = select(a, k50, 0, n - 1);
  // After selecting k50, everything from k50 on is >= it: p85 is selected among those.
  const p85 = select(a, k85, k50, n - 1);
  return { mean: sum / n, p50, p85, max, n };
}

/** The k-th smallest of a[lo..hi] (Hoare's quickselect, middle pivot); reorders a[lo..hi]. */
function select(a: Float64Array, k: number, lo: number, hi: number): number {
  while (hi > lo) {
    const pivot = a[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}

// ---------------------------------------------------------------- series

/** First index in sorted `t` with t[i] >= x. */
function lowerBound(t: readonly number[], x: number): number {
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
/** First index in sorted `t` with t[i] > x. */
function upperBound(t: readonly number[], x: number): number {
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A step function of time (0 before its first point) with its running integral. */
export class StepSeries {
  private readonly t: number[] = [];
  private readonly v: number[] = [];
  /** Integral from the first point up to t[i]. */
  private readonly area: number[] = [];

  get value(): number {
    return this.v.length === 0 ? 0 : this.v[this.v.length - 1]!;
  }

  /** The value from `t` on (`t` is not before the last point's). */
  set(t: number, value: number): void {
    const n = this.t.length;
    if (n > 0 && this.v[n - 1] === value) return;
    if (n > 0 && this.t[n - 1] === t) {
      this.v[n - 1] = value;
      return;
    }
    const area = n === 0 ? 0 : this.area[n - 1]! + this.v[n - 1]! * (t - this.t[n - 1]!);
    this.t.push(t);
    this.v.push(value);
    this.area.push(area);
  }

  add(t: number, by: number): void {
    this.set(t, this.value + by);
  }

  /** The integral from the beginning of time to `x` (value x milliseconds). */
  integral(x: number): number {
    const i = upperBound(this.t, x) - 1;
    if (i < 0) return 0;
    return this.area[i]! + this.v[i]! * (x - this.t[i]!);
  }

  /** The integral over [a, b]. */
  over(a: number, b: number): number {
    return this.integral(b) - this.integral(a);
  }

  valueAt(x: number): number {
    const i = upperBound(this.t, x) - 1;
    return i < 0 ? 0 : this.v[i]!;
  }
}

/** Timestamped samples of a loop, each for a card, with named values; removable from the end. */
class Samples<K extends string> {
  readonly t: number[] = [];
  private readonly card: string[] = [];
  readonly values: Record<K, number[]>;

  constructor(names: readonly K[]) {
    const values: Partial<Record<K, number[]>> = {};
    for (const n of names) values[n] = [];
    this.values = values as Record<K, number[]>;
  }

  add(t: number, card: string, vals: Record<K, number>): void {
    this.t.push(t);
    this.card.push(card);
    for (const k in this.values) this.values[k].push(vals[k]);
  }

  /** Removes the card's newest sample (an undo); false when it has none. */
  removeNewest(card: string): boolean {
    for (let i = this.card.length - 1; i >= 0; i--) {
      if (this.card[i] !== card) continue;
      this.t.splice(i, 1);
      this.card.splice(i, 1);
      for (const k in this.values) this.values[k].splice(i, 1);
      return true;
    }
    return false;
  }

  /**
   * The index range [lo, hi) of the samples in [a, b], or in [a, b) when `closed` is false
   * (a chart bucket that is not the last: a sample on the edge belongs to the next one).
   */
  range(a: number, b: number, closed = true): [number, number] {
    return [lowerBound(this.t, a), closed ? upperBound(this.t, b) : lowerBound(this.t, b)];
  }

  count(a: number, b: number, closed = true): number {
    const [lo, hi] = this.range(a, b, closed);
    return hi - lo;
  }

  /** The finite values of `k` in [a, b] (or [a, b), see `range`), in a new array. */
  slice(k: K, a: number, b: number, closed = true): Float64Array {
    const [lo, hi] = this.range(a, b, closed);
    const out = new Float64Array(Math.max(0, hi - lo));
    const vs = this.values[k];
    let n = 0;
    for (let i = lo; i < hi; i++) {
      const v = vs[i]!;
      if (Number.isFinite(v)) out[n++] = v;
    }
    return n === out.length ? out : out.subarray(0, n);
  }
}

const FINISH_VALUES = ['lead', 'cycle', 'waitRequested'] as const;

/** Everything the index keeps about one loop. */
class LoopSeries {
  readonly cols = { requested: new StepSeries(), inProgress: new StepSeries(), done: new StepSeries() };
  /** 1 while the loop exists and has no full container. */
  readonly stockOut = new StepSeries();
  readonly uses = new Samples(['waitDone'] as const);
  readonly starts = new Samples([] as const);
  readonly finishes = new Samples(FINISH_VALUES);
  /** The loop as it was from each time on (its settings change). */
  readonly versions: Array<{ t: number; loop: Loop | null }> = [];
  readonly cardIds = new Set<string>();

  loopAt(x: number): Loop | null {
    let lo = 0;
    let hi = this.versions.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.versions[mid]!.t <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? null : this.versions[lo - 1]!.loop;
  }
}

class StationSeries {
  readonly starved = new StepSeries();
  readonly andon = new StepSeries();
  readonly versions: Array<{ t: number; station: Station | null }> = [];
  /** Every loop the station ever supplied (a loop's supplier never changes). */
  readonly supplies = new Set<string>();

  existsAt(x: number): Station | null {
    let found: Station | null = null;
    for (const v of this.versions) {
      if (v.t > x) break;
      found = v.station;
    }
    return found;
  }
}

/** One card's replenishment cycles: requested at, done at (NaN while open), for overdue. */
class CardCycles {
  readonly requested: number[] = [];
  readonly done: number[] = [];
  removedAt = Infinity;
  constructor(
    readonly loopId: string,
    readonly createdAt: number,
  ) {}

  open(r: number): void {
    this.requested.push(r);
    this.done.push(NaN);
  }

  /** Waiting or in process at `x`, requested more than `leadMs` before it. */
  overdueAt(x: number, leadMs: number): boolean {
    if (x < this.createdAt || x >= this.removedAt) return false;
    const i = upperBound(this.requested, x) - 1;
    if (i < 0) return false;
    const d = this.done[i]!;
    const open = Number.isNaN(d) || d > x;
    return open && x - this.requested[i]! > leadMs;
  }
}

const colKey = (c: Column) => (c === Column.REQUESTED ? 'requested' : c === Column.IN_PROGRESS ? 'inProgress' : 'done');

/**
 * The metrics index: push every event of the log in seq order (`push`), then ask for any
 * window (`report`, `series`) as often as needed; keep pushing as the log grows.
 */
export class MetricsIndex {
  private readonly writer: BoardWriter;
  private readonly loops = new Map<string, LoopSeries>();
  private readonly stations = new Map<string, StationSeries>();
  private readonly cards = new Map<string, CardCycles>();
  /** The newest event time seen (monotonic). */
  private lastT: number;

  /**
   * `start` is the board before the first event that will be pushed (the empty board for
   * a log from seq 1); what it holds counts from `startMs` on.
   */
  constructor(start: BoardState, startMs = Number.NEGATIVE_INFINITY) {
    this.writer = new BoardWriter(start);
    this.lastT = startMs;
    const t0 = Number.isFinite(startMs) ? startMs : 0;
    for (const st of Object.values(start.stations)) {
      this.stationSeries(st.id).versions.push({ t: t0, station: st });
      if (st.andon) this.stationSeries(st.id).andon.set(t0, 1);
    }
    for (const l of Object.values(start.loops)) this.loopCreated(l, t0);
    for (const c of Object.values(start.cards)) this.cardAdded(c, t0);
    for (const l of Object.values(start.loops)) this.observeLoop(l.id, t0);
    for (const id of Object.keys(start.stations)) this.observeStation(id, t0);
  }

  /** The board as of the newest event pushed. */
  get board(): BoardState {
    return this.writer.state;
  }

  get seq(): number {
    return this.writer.state.seq;
  }

  /** The newest event time (ms), or -Infinity before the first event. */
  get lastEventMs(): number {
    return this.lastT;
  }

  /** Takes the next event of the log. */
  push(e: BoardEvent): void {
    const stamped = Date.parse(e.at);
    const t = Math.max(this.lastT, Number.isFinite(stamped) ? stamped : this.lastT);
    this.lastT = t;
    const before = this.writer.state;
    const card = 'cardId' in e && Object.hasOwn(before.cards, e.cardId) ? before.cards[e.cardId] : undefined;
    // The columns of the cards a loop event removes, read before the board forgets them.
    const removed = 'removedCardIds' in e ? e.removedCardIds.flatMap((id) => (Object.hasOwn(before.cards, id) ? [before.cards[id]!] : [])) : [];
    this.writer.apply(e);
    switch (e.type) {
      case EventType.STATION_CREATED:
      case EventType.STATION_UPDATED:
        this.stationSeries(e.station.id).versions.push({ t, station: e.station });
        break;
      case EventType.STATION_REMOVED:
        this.stationSeries(e.station.id).versions.push({ t, station: null });
        break;
      case EventType.LOOP_CREATED:
        this.loopCreated(e.loop, t);
        for (const c of e.cards) this.cardAdded(c, t);
        break;
      case EventType.LOOP_UPDATED:
        this.loopSeries(e.loop.id).versions.push({ t, loop: e.loop });
        for (const c of removed) this.cardRemoved(c, t);
        for (const c of e.addedCards) this.cardAdded(c, t);
        break;
      case EventType.LOOP_RETIRED:
        for (const c of removed) this.cardRemoved(c, t);
        this.loopSeries(e.loop.id).versions.push({ t, loop: null });
        break;
      case EventType.CARD_CONSUMED: {
        const ls = this.loopSeries(e.loopId);
        const enteredDone = card && card.column === Column.DONE ? Date.parse(card.enteredAt) : NaN;
        ls.uses.add(t, e.cardId, { waitDone: (stamped - enteredDone) / MINUTE });
        this.cardCycles(e.cardId, e.loopId, t).open(e.card.requestedAt === null ? t : Date.parse(e.card.requestedAt));
        this.move(ls, card?.column ?? null, e.card.column, t);
        break;
      }
      case EventType.CARD_RETURNED:
        this.takeBackUse(e.loopId, e.cardId);
        this.move(this.loopSeries(e.loopId), card?.column ?? null, e.card.column, t);
        break;
      case EventType.CARD_MOVED:
      case EventType.CARD_UNDONE: {
        const ls = this.loopSeries(e.loopId);
        const cc = this.cardCycles(e.cardId, e.loopId, t);
        const undo = e.type === EventType.CARD_UNDONE;
        if (e.to === Column.DONE && e.from === Column.REQUESTED && undo) {
          this.takeBackUse(e.loopId, e.cardId); // an undone Use
        } else if (e.from === Column.DONE && e.to === Column.IN_PROGRESS) {
          // An undone Finish or a lead's step back: the finish goes.
          ls.finishes.removeNewest(e.cardId);
          if (cc.done.length > 0) cc.done[cc.done.length - 1] = NaN;
        } else if (e.from === Column.IN_PROGRESS && e.to === Column.REQUESTED) {
          ls.starts.removeNewest(e.cardId); // an undone Start
        } else if (e.to === Column.IN_PROGRESS) {
          ls.starts.add(t, e.cardId, {});
        } else if (e.to === Column.DONE) {
          // Finished (from In Progress; a lead may also move Requested -> Done).
          const requested = e.card.requestedAt === null ? NaN : Date.parse(e.card.requestedAt);
          const started = card && card.column === Column.IN_PROGRESS ? Date.parse(card.enteredAt) : stamped;
          ls.finishes.add(t, e.cardId, {
            lead: (stamped - requested) / MINUTE,
            cycle: (stamped - started) / MINUTE,
            waitRequested: (started - requested) / MINUTE,
          });
          if (cc.done.length > 0) cc.done[cc.done.length - 1] = t;
        } else if (e.from === Column.DONE && e.to === Column.REQUESTED && !undo) {
          // A lead's move of a full container back to Requested: a use.
          ls.uses.add(t, e.cardId, { waitDone: NaN });
          cc.open(e.card.requestedAt === null ? t : Date.parse(e.card.requestedAt));
        }
        this.move(ls, e.from, e.to, t);
        break;
      }
      case EventType.ANDON_RAISED:
      case EventType.ANDON_CLEARED:
        this.stationSeries(e.stationId).andon.set(t, e.type === EventType.ANDON_RAISED ? 1 : 0);
        break;
    }
    if (e.type === EventType.LOOP_CREATED || e.type === EventType.LOOP_UPDATED || e.type === EventType.LOOP_RETIRED) this.takers = null;
    const loopId = 'loopId' in e ? e.loopId : 'loop' in e ? e.loop.id : null;
    if (loopId !== null) this.observeLoop(loopId, t);
    for (const id of this.stationsAffected(e)) this.observeStation(id, t);
  }

  // ------------------------------------------------------------ queries

  /** The figures of a window (any window; the index keeps all the log it was given). */
  report(window: MetricsWindow, opts: MetricsOptions = {}): MetricsReport {
    const { a, b } = bounds(window);
    const safetyFactor = opts.safetyFactor ?? DEFAULT_SAFETY_FACTOR;
    const ms = b - a;
    const hours = ms / HOUR;
    const perHour = (n: number) => (hours > 0 ? n / hours : 0);
    const loops: LoopMetrics[] = [];
    for (const [loopId, ls] of this.loops) {
      const loop = ls.loopAt(b);
      if (loop === null) continue;
      const mean = (s: StepSeries) => (ms > 0 ? s.over(a, b) / ms : s.valueAt(b));
      const consumed = ls.uses.count(a, b);
      const finished = ls.finishes.count(a, b);
      const lead = timeStats(ls.finishes.slice('lead', a, b));
      const cycle = timeStats(ls.finishes.slice('cycle', a, b));
      const demandPerHour = perHour(consumed);
      loops.push({
        loopId,
        consumed,
        finished,
        throughputPerHour: perHour(finished),
        leadTimeMinutes: lead,
        cycleTimeMinutes: cycle,
        segmentMinutes: {
          requested: timeStats(ls.finishes.slice('waitRequested', a, b)),
          inProgress: cycle,
          done: timeStats(ls.uses.slice('waitDone', a, b)),
        },
        wipMean: { requested: mean(ls.cols.requested), inProgress: mean(ls.cols.inProgress), done: mean(ls.cols.done) },
        stockOutMinutes: ls.stockOut.over(a, b) / MINUTE,
        overdueNow: this.overdueAt(ls, loop, b),
        demandPerHour,
        sizing: sizeLoop({
          demandPerHour: demandPerHour * loop.containerQty,
          measuredLeadTimeMinutes: lead.mean,
          plannedLeadTimeMinutes: loop.leadTimeMinutes,
          containerQty: loop.containerQty,
          currentCards: loop.cardCount,
          safetyFactor,
        }),
      });
    }
    const stations: StationMetrics[] = [];
    for (const [stationId, , ss] of this.stationsAt(b)) {
      const mean = (k: 'requested' | 'inProgress' | 'done') => {
        let sum = 0;
        for (const l of ss.supplies) {
          const s = this.loops.get(l)!.cols[k];
          sum += ms > 0 ? s.over(a, b) / ms : s.valueAt(b);
        }
        return sum;
      };
      let finished = 0;
      for (const l of ss.supplies) finished += this.loops.get(l)!.finishes.count(a, b);
      stations.push({
        stationId,
        starvedMinutes: ss.starved.over(a, b) / MINUTE,
        andonMinutes: ss.andon.over(a, b) / MINUTE,
        finishedPerHour: perHour(finished),
        finished,
        wipMean: { requested: mean('requested'), inProgress: mean('inProgress'), done: mean('done') },
      });
    }
    return { from: new Date(a).toISOString(), to: new Date(b).toISOString(), seq: this.seq, loops, stations };
  }

  /** Per-bucket figures of a window in `buckets` equal buckets (the charts). */
  series(window: MetricsWindow, buckets: number): MetricsSeries {
    const { a, b } = bounds(window);
    const n = Math.max(1, Math.floor(buckets));
    const width = (b - a) / n;
    const edges = Array.from({ length: n + 1 }, (_, i) => (i === n ? b : a + i * width));
    const hours = width / HOUR;
    const perHour = (x: number) => (hours > 0 ? x / hours : 0);
    const loopsOut: MetricsSeries['loops'] = [];
    const plant = new Array<number>(n).fill(0);
    for (const [loopId, ls] of this.loops) {
      const loop = ls.loopAt(b);
      if (loop === null) continue;
      const finished: number[] = [];
      const leadMean: Array<number | null> = [];
      const leadP85: Array<number | null> = [];
      for (let i = 0; i < n; i++) {
        // Buckets are [start, end); the last one includes the window's end. (Not "end
        // minus a little": at today's epoch milliseconds, 1e-6 is below a double's
        // resolution, and a finish on an edge was counted in both buckets.)
        const last = i === n - 1;
        finished.push(ls.finishes.count(edges[i]!, edges[i + 1]!, last));
        plant[i]! += finished[i]!;
        const st = timeStats(ls.finishes.slice('lead', edges[i]!, edges[i + 1]!, last));
        leadMean.push(st.mean);
        leadP85.push(st.p85);
      }
      loopsOut.push({ loopId, finished, leadTimeMean: leadMean, leadTimeP85: leadP85, leadTimeP85Window: timeStats(ls.finishes.slice('lead', a, b)).p85 });
    }
    const stationsOut: MetricsSeries['stations'] = [];
    for (const [stationId, , ss] of this.stationsAt(b)) {
      const wip = { requested: [] as number[], inProgress: [] as number[], done: [] as number[] };
      const arrivals = { requested: [] as number[], inProgress: [] as number[], done: [] as number[] };
      const finishedPerHour: number[] = [];
      for (let i = 0; i < n; i++) {
        const x0 = edges[i]!;
        const x1 = edges[i + 1]!;
        let req = 0;
        let ip = 0;
        let done = 0;
        let aReq = 0;
        let aIp = 0;
        let aDone = 0;
        let fin = 0;
        for (const l of ss.supplies) {
          const ls = this.loops.get(l)!;
          const mean = (s: StepSeries) => (x1 > x0 ? s.over(x0, x1) / (x1 - x0) : s.valueAt(x1));
          req += mean(ls.cols.requested);
          ip += mean(ls.cols.inProgress);
          done += mean(ls.cols.done);
          aReq += ls.uses.count(a, x1);
          aIp += ls.starts.count(a, x1);
          aDone += ls.finishes.count(a, x1);
          fin += ls.finishes.count(x0, x1, i === n - 1);
        }
        wip.requested.push(req);
        wip.inProgress.push(ip);
        wip.done.push(done);
        arrivals.requested.push(aReq);
        arrivals.inProgress.push(aIp);
        arrivals.done.push(aDone);
        finishedPerHour.push(perHour(fin));
      }
      stationsOut.push({ stationId, wip, arrivals, finishedPerHour });
    }
    return {
      from: new Date(a).toISOString(),
      to: new Date(b).toISOString(),
      seq: this.seq,
      bucketMinutes: width / MINUTE,
      starts: edges.slice(0, n).map((x) => new Date(x).toISOString()),
      stations: stationsOut,
      loops: loopsOut,
      throughputPerHour: plant.map(perHour),
    };
  }

  /** Containers of a loop used and finished in [a, b] (ms), for the risk figures. */
  flow(loopId: string, a: number, b: number): { consumed: number; finished: number } {
    const ls = this.loops.get(loopId);
    if (!ls) return { consumed: 0, finished: 0 };
    return { consumed: ls.uses.count(a, b), finished: ls.finishes.count(a, b) };
  }

  /**
   * Measured figures of a loop over [a, b] (ms), for the what-if: uses per hour of the
   * time it existed in the window, mean wait in Requested and mean cycle time (minutes;
   * null when no cycle finished).
   */
  measured(loopId: string, a: number, b: number): { demandPerHour: number; waitRequested: number | null; cycle: number | null } {
    const ls = this.loops.get(loopId);
    if (!ls) return { demandPerHour: 0, waitRequested: null, cycle: null };
    const born = ls.versions.length > 0 ? ls.versions[0]!.t : a;
    const from = Math.max(a, born);
    const hours = (b - from) / HOUR;
    return {
      demandPerHour: hours > 0 ? ls.uses.count(from, b) / hours : 0,
      waitRequested: timeStats(ls.finishes.slice('waitRequested', from, b)).mean,
      cycle: timeStats(ls.finishes.slice('cycle', from, b)).mean,
    };
  }

  /**
   * How busy a station was over [a, b] (ms): its mean count of cards In Progress, capped
   * at 1 (one card in process all the time is a fully loaded station).
   */
  busyShare(stationId: string, a: number, b: number): number {
    const ss = this.stations.get(stationId);
    if (!ss || b <= a) return 0;
    let sum = 0;
    for (const l of ss.supplies) sum += this.loops.get(l)!.cols.inProgress.over(a, b);
    return Math.min(1, sum / (b - a));
  }

  // ------------------------------------------------------------ keeping the series

  private stationsAt(x: number): Array<[string, Station, StationSeries]> {
    const out: Array<[string, Station, StationSeries]> = [];
    for (const [id, ss] of this.stations) {
      const st = ss.existsAt(x);
      if (st) out.push([id, st, ss]);
    }
    return out.sort((p, q) => p[1].position - q[1].position);
  }

  private overdueAt(ls: LoopSeries, loop: Loop, x: number): number {
    let n = 0;
    const leadMs = loop.leadTimeMinutes * MINUTE;
    for (const id of ls.cardIds) if (this.cards.get(id)?.overdueAt(x, leadMs)) n++;
    return n;
  }

  private loopCreated(loop: Loop, t: number): void {
    const ls = this.loopSeries(loop.id);
    ls.versions.push({ t, loop });
    this.stationSeries(loop.supplierStationId).supplies.add(loop.id);
  }

  private cardAdded(c: Card, t: number): void {
    const ls = this.loopSeries(c.loopId);
    ls.cardIds.add(c.id);
    ls.cols[colKey(c.column)].add(t, 1);
    const cc = new CardCycles(c.loopId, t);
    if (c.column !== Column.DONE && c.requestedAt !== null) cc.open(Date.parse(c.requestedAt));
    this.cards.set(c.id, cc);
  }

  private cardRemoved(c: Card, t: number): void {
    const cc = this.cards.get(c.id);
    if (cc) cc.removedAt = t;
    this.loopSeries(c.loopId).cols[colKey(c.column)].add(t, -1);
  }

  private move(ls: LoopSeries, from: Column | null, to: Column, t: number): void {
    if (from !== null) ls.cols[colKey(from)].add(t, -1);
    ls.cols[colKey(to)].add(t, 1);
  }

  private takeBackUse(loopId: string, cardId: string): void {
    const ls = this.loopSeries(loopId);
    if (ls.uses.removeNewest(cardId)) {
      const cc = this.cards.get(cardId);
      if (cc && cc.requested.length > 0) {
        cc.requested.pop();
        cc.done.pop();
      }
    }
  }

  private observeLoop(loopId: string, t: number): void {
    const ls = this.loopSeries(loopId);
    const exists = Object.hasOwn(this.writer.state.loops, loopId);
    ls.stockOut.set(t, exists && ls.cols.done.value <= 0 ? 1 : 0);
  }

  /** Stations whose andon or starved state the event may have changed. */
  private stationsAffected(e: BoardEvent): string[] {
    switch (e.type) {
      case EventType.ANDON_RAISED:
      case EventType.ANDON_CLEARED:
        return [];
      case EventType.STATION_CREATED:
      case EventType.STATION_UPDATED:
      case EventType.STATION_REMOVED:
        return [e.station.id];
      default: {
        // A card or loop event: the loop's two stations, and every station that uses
        // the loop as an input of its own loops (starved depends on its full containers).
        const loopId = 'loopId' in e ? e.loopId : e.loop.id;
        const s = this.writer.state;
        const loop = s.loops[loopId] ?? ('loop' in e ? e.loop : undefined);
        const out = new Set<string>();
        if (loop) {
          out.add(loop.supplierStationId);
          out.add(loop.consumerStationId);
        }
        for (const id of this.takersOf(loopId)) out.add(id);
        return [...out];
      }
    }
  }

  /** Per loop, the stations whose loops take it as an input; rebuilt after a loop event. */
  private takers: Map<string, string[]> | null = null;

  private takersOf(loopId: string): readonly string[] {
    if (this.takers === null) {
      const m = new Map<string, string[]>();
      for (const l of Object.values(this.writer.state.loops)) {
        for (const input of l.inputLoopIds) {
          const list = m.get(input) ?? [];
          if (!list.includes(l.supplierStationId)) list.push(l.supplierStationId);
          m.set(input, list);
        }
      }
      this.takers = m;
    }
    return this.takers.get(loopId) ?? [];
  }

  private observeStation(id: string, t: number): void {
    const s = this.writer.state;
    const exists = Object.hasOwn(s.stations, id);
    this.stationSeries(id).starved.set(t, exists && starvedInputs(s, id).length > 0 ? 1 : 0);
    if (!exists) this.stationSeries(id).andon.set(t, 0);
  }

  private loopSeries(id: string): LoopSeries {
    let ls = this.loops.get(id);
    if (!ls) {
      ls = new LoopSeries();
      this.loops.set(id, ls);
    }
    return ls;
  }

  private stationSeries(id: string): StationSeries {
    let ss = this.stations.get(id);
    if (!ss) {
      ss = new StationSeries();
      this.stations.set(id, ss);
    }
    return ss;
  }

  private cardCycles(cardId: string, loopId: string, t: number): CardCycles {
    let cc = this.cards.get(cardId);
    if (!cc) {
      cc = new CardCycles(loopId, t);
      this.cards.set(cardId, cc);
      this.loopSeries(loopId).cardIds.add(cardId);
    }
    return cc;
  }
}

/** A window's bounds in ms; throws RangeError on an empty or invalid window. */
function bounds(w: MetricsWindow): { a: number; b: number } {
  const a = Date.parse(w.from);
  const b = Date.parse(w.to);
  if (!(a <= b)) throw new RangeError(`metrics window ${w.from}..${w.to} is empty or invalid`);
  return { a, b };
}

/** The metrics of a window from `start` and the events after it (`emptyBoard` and a log from seq 1). */
export function metricsFromLog(start: BoardState, log: Iterable<BoardEvent>, window: MetricsWindow, opts: MetricsOptions = {}): MetricsReport {
  const ix = new MetricsIndex(start);
  for (const e of log) ix.push(e);
  return ix.report(window, opts);
}
