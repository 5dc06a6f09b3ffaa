// Flow metrics from the event log (pull-model.md "Time, flow and risk"; api.md "Metrics
// and sizing"): pure, no I/O. One pass over the events of a window, in seq order.
//
// Where the window starts: the metrics need the board as it was at the window's start
// (which cards were waiting, in process or full, which andon calls were in force). We
// get it by replaying the log from its first event with the one reducer (board.ts), so
// the start is exact, whatever happened before, and no second model of the board exists.
// `MetricsBuilder` does both phases itself: events before `from` only move the board,
// events from `from` on are measured, events after `to` are ignored. (The cost is the
// length of the log up to `to`; an incremental checkpoint can later replace the replay
// without changing this module, since `MetricsBuilder` accepts any start board.)
//
// Rules, in one place:
// - A window is [from, to]. An event belongs to it by seq order: the first event stamped
//   at or after `from` opens it, the first stamped after `to` closes it (so a clock that
//   once stepped back cannot reorder the log). Its time is clamped into the window.
// - Lead time of a cycle: from the consumption that requested the card (card.requestedAt)
//   to the move into Done; cycle time: from entering In Progress to entering Done. A
//   cycle is counted when it reaches Done inside the window.
// - A step taken back (an Undo of Use/Start/Finish, a lead's step back Done -> In
//   Progress, an input container returned when a Start is stepped back) takes its count
//   and its sample back, so a cycle that is undone and finished again is counted once,
//   with the times of the finish that stood. A step taken before the window and undone
//   inside it was never counted here, so nothing is taken back.
// - Time-weighted means (WIP, stock-out, starved, andon) are over the whole window; a loop
//   created during it counts zero before it existed.
// - Percentiles are nearest-rank: p-th of n sorted samples is sample ceil(p/100 x n).
// - Loops and stations reported are those on the board at the window's end.
import { z } from 'zod';
import { BoardWriter, isOverdue, loopCards, starvedInputs } from './board.ts';
import type { BoardState } from './board.ts';
import { recommendedCards } from './kanban.ts';
import { Column, EventType } from './names.ts';
import type { BoardEvent, Card } from './schemas.ts';

/** The safety factor (alpha) of a sizing when the caller names none: 10 %. */
export const DEFAULT_SAFETY_FACTOR = 0.1;

const Minutes = z.number().nullable();
export const TimeStatsSchema = z.object({
  mean: Minutes,
  p50: Minutes,
  p85: Minutes,
  max: Minutes,
  n: z.number().int().min(0),
});
export type TimeStats = z.infer<typeof TimeStatsSchema>;

export const LoopMetricsSchema = z.object({
  loopId: z.string(),
  /** Containers used in the window (direct uses and cascades). */
  consumed: z.number().int(),
  /** Containers that reached Done in the window. */
  finished: z.number().int(),
  throughputPerHour: z.number(),
  leadTimeMinutes: TimeStatsSchema,
  cycleTimeMinutes: TimeStatsSchema,
  wipMean: z.object({ requested: z.number(), inProgress: z.number(), done: z.number() }),
  /** Minutes with no full container. */
  stockOutMinutes: z.number(),
  /** Cards waiting or in process longer than the loop's lead time, at the window's end. */
  overdueNow: z.number().int(),
  /** Containers used per hour. */
  demandPerHour: z.number(),
  sizing: z.object({
    /** Demand in parts per hour (containers used per hour x container quantity). */
    demandPerHour: z.number(),
    /** The measured mean lead time, or the loop's planned one when no cycle finished. */
    leadTimeMinutes: z.number(),
    containerQty: z.number().int(),
    safetyFactor: z.number(),
    recommendedCards: z.number().int(),
    currentCards: z.number().int(),
  }),
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
});
export type StationMetrics = z.infer<typeof StationMetricsSchema>;

export const MetricsReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  loops: z.array(LoopMetricsSchema),
  stations: z.array(StationMetricsSchema),
});
export type MetricsReport = z.infer<typeof MetricsReportSchema>;

export interface MetricsWindow {
  /** ISO times; `from` <= `to`. */
  from: string;
  to: string;
}

export interface MetricsOptions {
  safetyFactor?: number;
}

/** Summary of duration samples in minutes; nearest-rank percentiles, nulls when there are none. */
export function timeStats(samples: readonly number[]): TimeStats {
  const n = samples.length;
  if (n === 0) return { mean: null, p50: null, p85: null, max: null, n: 0 };
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.max(1, Math.ceil((p / 100) * n)) - 1]!;
  return { mean: sorted.reduce((s, x) => s + x, 0) / n, p50: rank(50), p85: rank(85), max: sorted[n - 1]!, n };
}

interface Counts {
  requested: number;
  inProgress: number;
  done: number;
}
const countKey = (c: Column): keyof Counts =>
  c === Column.REQUESTED ? 'requested' : c === Column.IN_PROGRESS ? 'inProgress' : 'done';

/** A finished cycle, kept per card so that taking the finish back removes it. */
interface Sample {
  lead: number | null;
  cycle: number;
}

class LoopAcc {
  counts: Counts = { requested: 0, inProgress: 0, done: 0 };
  area: Counts = { requested: 0, inProgress: 0, done: 0 };
  stockOutMs = 0;
  consumed = 0;
  finished = 0;
  /** Per card, its finishes in the window not taken back, newest last. */
  readonly samples = new Map<string, Sample[]>();
  /** Per card, its uses in the window not taken back. */
  readonly uses = new Map<string, number>();
  live = true;
  constructor(public lastT: number) {}

  /** Accumulates the time since the last change up to `t`. */
  advance(t: number): void {
    const dt = t - this.lastT;
    if (dt > 0 && this.live) {
      this.area.requested += this.counts.requested * dt;
      this.area.inProgress += this.counts.inProgress * dt;
      this.area.done += this.counts.done * dt;
      if (this.counts.done === 0) this.stockOutMs += dt;
    }
    this.lastT = Math.max(this.lastT, t);
  }
}

/** A condition's time in force (andon, starved). */
class Span {
  ms = 0;
  private since: number | null = null;
  set(on: boolean, t: number): void {
    if (on && this.since === null) this.since = t;
    if (!on && this.since !== null) {
      this.ms += Math.max(0, t - this.since);
      this.since = null;
    }
  }
}

class StationAcc {
  readonly andon = new Span();
  readonly starved = new Span();
  finished = 0;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;

/**
 * Computes the metrics of a window from a board and the events after it, in seq order.
 * Push every event (`push`), then `report()`. Events before the window only move the
 * board; `done` turns true at the first event after the window (the rest can be skipped).
 */
export class MetricsBuilder {
  private readonly board: BoardWriter;
  private readonly fromMs: number;
  private readonly toMs: number;
  private open = false;
  /** Whether an event past the window's end was seen: later events change nothing. */
  done = false;
  private readonly loops = new Map<string, LoopAcc>();
  private readonly stations = new Map<string, StationAcc>();
  private readonly safetyFactor: number;

  constructor(
    start: BoardState,
    private readonly window: MetricsWindow,
    opts: MetricsOptions = {},
  ) {
    this.board = new BoardWriter(start);
    this.fromMs = Date.parse(window.from);
    this.toMs = Date.parse(window.to);
    if (!(this.fromMs <= this.toMs)) throw new RangeError(`metrics window ${window.from}..${window.to} is empty or invalid`);
    this.safetyFactor = opts.safetyFactor ?? DEFAULT_SAFETY_FACTOR;
  }

  /** Takes the next event of the log. */
  push(e: BoardEvent): void {
    if (this.done) return;
    const at = Date.parse(e.at);
    if (!this.open) {
      if (at < this.fromMs) {
        this.board.apply(e);
        return;
      }
      this.openWindow();
    }
    if (at > this.toMs) {
      this.done = true;
      return;
    }
    this.measure(e, Math.max(this.fromMs, at));
  }

  /** The figures of the window (call it once, after the last event). */
  report(): MetricsReport {
    if (!this.open) this.openWindow();
    const s = this.board.state;
    const hours = (this.toMs - this.fromMs) / HOUR;
    const perHour = (n: number) => (hours > 0 ? n / hours : 0);
    const windowMs = this.toMs - this.fromMs;
    const loops: LoopMetrics[] = [];
    for (const loop of Object.values(s.loops)) {
      const acc = this.loopAcc(loop.id, this.toMs);
      acc.advance(this.toMs);
      const mean = (area: number, now: number) => (windowMs > 0 ? area / windowMs : now);
      const all = [...acc.samples.values()].flat();
      const lead = timeStats(all.flatMap((x) => (x.lead === null ? [] : [x.lead])));
      const cycle = timeStats(all.map((x) => x.cycle));
      const demandPerHour = perHour(acc.consumed);
      const partsPerHour = demandPerHour * loop.containerQty;
      const sizingLead = lead.mean ?? loop.leadTimeMinutes;
      loops.push({
        loopId: loop.id,
        consumed: acc.consumed,
        finished: acc.finished,
        throughputPerHour: perHour(acc.finished),
        leadTimeMinutes: lead,
        cycleTimeMinutes: cycle,
        wipMean: {
          requested: mean(acc.area.requested, acc.counts.requested),
          inProgress: mean(acc.area.inProgress, acc.counts.inProgress),
          done: mean(acc.area.done, acc.counts.done),
        },
        stockOutMinutes: acc.stockOutMs / MINUTE,
        overdueNow: loopCards(s, loop.id).filter((c) => isOverdue(c, loop, this.toMs)).length,
        demandPerHour,
        sizing: {
          demandPerHour: partsPerHour,
          leadTimeMinutes: sizingLead,
          containerQty: loop.containerQty,
          safetyFactor: this.safetyFactor,
          recommendedCards: recommendedCards(partsPerHour, sizingLead, this.safetyFactor, loop.containerQty),
          currentCards: loop.cardCount,
        },
      });
    }
    const stations: StationMetrics[] = [];
    for (const st of Object.values(s.stations).sort((a, b) => a.position - b.position)) {
      const acc = this.stationAcc(st.id);
      // Closing a span at the end counts what is still in force, and leaves it closed.
      acc.andon.set(false, this.toMs);
      acc.starved.set(false, this.toMs);
      stations.push({
        stationId: st.id,
        starvedMinutes: acc.starved.ms / MINUTE,
        andonMinutes: acc.andon.ms / MINUTE,
        finishedPerHour: perHour(acc.finished),
      });
    }
    return { from: new Date(this.fromMs).toISOString(), to: new Date(this.toMs).toISOString(), loops, stations };
  }

  // ------------------------------------------------------------ inside the window

  /** The board has reached the window's start: what is in force then starts counting. */
  private openWindow(): void {
    this.open = true;
    const s = this.board.state;
    for (const c of Object.values(s.cards)) {
      const acc = this.loopAcc(c.loopId, this.fromMs);
      acc.counts[countKey(c.column)]++;
    }
    for (const loop of Object.keys(s.loops)) this.loopAcc(loop, this.fromMs);
    for (const id of Object.keys(s.stations)) this.observeStation(id, this.fromMs);
  }

  private measure(e: BoardEvent, t: number): void {
    const before = this.board.state;
    const touched = touchedCards(e);
    const pre = touched.map((id) => (Object.hasOwn(before.cards, id) ? before.cards[id] : undefined));
    this.count(e, t, pre[0]);
    this.board.apply(e);
    const after = this.board.state;
    touched.forEach((id, i) => {
      const was = pre[i];
      const now = Object.hasOwn(after.cards, id) ? after.cards[id] : undefined;
      if (was) this.shift(was.loopId, t, was.column, -1);
      if (now) this.shift(now.loopId, t, now.column, +1);
    });
    if (e.type === EventType.LOOP_RETIRED) {
      const acc = this.loopAcc(e.loop.id, t);
      acc.advance(t);
      acc.live = false;
    }
    for (const id of this.stationsAffected(e)) this.observeStation(id, t);
  }

  /** Counts uses and finishes, and takes back the ones an event undoes. */
  private count(e: BoardEvent, t: number, before: Card | undefined): void {
    switch (e.type) {
      case EventType.CARD_CONSUMED: {
        const acc = this.loopAcc(e.loopId, t);
        acc.consumed++;
        acc.uses.set(e.cardId, (acc.uses.get(e.cardId) ?? 0) + 1);
        break;
      }
      case EventType.CARD_RETURNED:
        this.takeBackUse(e.loopId, e.cardId, t);
        break;
      case EventType.CARD_MOVED:
        if (e.from === Column.IN_PROGRESS && e.to === Column.DONE) {
          const acc = this.loopAcc(e.loopId, t);
          const at = Date.parse(e.at);
          const requested = e.card.requestedAt === null ? null : Date.parse(e.card.requestedAt);
          const started = before ? Date.parse(before.enteredAt) : at;
          const list = acc.samples.get(e.cardId) ?? [];
          list.push({ lead: requested === null ? null : (at - requested) / MINUTE, cycle: (at - started) / MINUTE });
          acc.samples.set(e.cardId, list);
          acc.finished++;
          this.stationAcc(e.card.stationId).finished++;
        } else if (e.from === Column.DONE && e.to === Column.IN_PROGRESS) {
          this.takeBackFinish(e.loopId, e.cardId, e.card.stationId, t);
        }
        break;
      case EventType.CARD_UNDONE:
        if (e.from === Column.REQUESTED && e.to === Column.DONE) this.takeBackUse(e.loopId, e.cardId, t);
        else if (e.from === Column.DONE && e.to === Column.IN_PROGRESS) this.takeBackFinish(e.loopId, e.cardId, e.card.stationId, t);
        break;
      default:
        break;
    }
  }

  private takeBackUse(loopId: string, cardId: string, t: number): void {
    const acc = this.loopAcc(loopId, t);
    const n = acc.uses.get(cardId) ?? 0;
    if (n === 0) return; // used before the window: never counted here
    acc.uses.set(cardId, n - 1);
    acc.consumed--;
  }

  private takeBackFinish(loopId: string, cardId: string, stationId: string, t: number): void {
    const acc = this.loopAcc(loopId, t);
    const list = acc.samples.get(cardId);
    if (!list || list.length === 0) return; // finished before the window: never counted here
    list.pop();
    acc.finished--;
    this.stationAcc(stationId).finished--;
  }

  private shift(loopId: string, t: number, column: Column, by: number): void {
    const acc = this.loopAcc(loopId, t);
    acc.advance(t);
    acc.counts[countKey(column)] += by;
  }

  /** Stations whose andon or starved state the event may have changed. */
  private stationsAffected(e: BoardEvent): string[] {
    switch (e.type) {
      case EventType.ANDON_RAISED:
      case EventType.ANDON_CLEARED:
        return [e.stationId];
      case EventType.STATION_CREATED:
      case EventType.STATION_UPDATED:
      case EventType.STATION_REMOVED:
        return [e.station.id];
      default: {
        // A card or loop event: the loop's two stations, and every station that uses
        // the loop as an input of its own loops (starved depends on its full containers).
        const loopId = 'loopId' in e ? e.loopId : e.loop.id;
        const s = this.board.state;
        const loop = s.loops[loopId] ?? ('loop' in e ? e.loop : undefined);
        const out = new Set<string>();
        if (loop) {
          out.add(loop.supplierStationId);
          out.add(loop.consumerStationId);
        }
        for (const l of Object.values(s.loops)) if (l.inputLoopIds.includes(loopId)) out.add(l.supplierStationId);
        return [...out];
      }
    }
  }

  private observeStation(id: string, t: number): void {
    const s = this.board.state;
    const st = Object.hasOwn(s.stations, id) ? s.stations[id] : undefined;
    const acc = this.stationAcc(id);
    acc.andon.set(st !== undefined && st.andon !== null, t);
    acc.starved.set(st !== undefined && starvedInputs(s, id).length > 0, t);
  }

  private loopAcc(id: string, t: number): LoopAcc {
    let acc = this.loops.get(id);
    if (!acc) {
      acc = new LoopAcc(t);
      this.loops.set(id, acc);
    }
    return acc;
  }

  private stationAcc(id: string): StationAcc {
    let acc = this.stations.get(id);
    if (!acc) {
      acc = new StationAcc();
      this.stations.set(id, acc);
    }
    return acc;
  }
}

/** The cards whose column an event may change (added, moved or removed). */
function touchedCards(e: BoardEvent): string[] {
  switch (e.type) {
    case EventType.CARD_MOVED:
    case EventType.CARD_CONSUMED:
    case EventType.CARD_RETURNED:
    case EventType.CARD_UNDONE:
      return [e.cardId];
    case EventType.LOOP_CREATED:
      return e.cards.map((c) => c.id);
    case EventType.LOOP_UPDATED:
      return [...e.removedCardIds, ...e.addedCards.map((c) => c.id)];
    case EventType.LOOP_RETIRED:
      return [...e.removedCardIds];
    default:
      return [];
  }
}

/** The metrics of a window from `start` and the events after it (`emptyBoard` and a log from seq 1). */
export function metricsFromLog(start: BoardState, log: Iterable<BoardEvent>, window: MetricsWindow, opts: MetricsOptions = {}): MetricsReport {
  const b = new MetricsBuilder(start, window, opts);
  for (const e of log) {
    b.push(e);
    if (b.done) break;
  }
  return b.report();
}
