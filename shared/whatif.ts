// Disruption what-if (docs/api.md "What-if"): a pure, seeded, deterministic simulation
// forward from the live board. A station or supplier stops now for a duration; the
// plant runs on with the measured demand and lead times; the answer says which stations
// starve, when and for how long, and how many extra cards on which loops would ride the
// stop out. It never changes the board (it works on its own copy of the cards).
//
// The model, per loop (its cards are full, requested or in process):
// - Demand: a loop used at a customer station, or at a station none of whose loops take
//   it as an input, is used from outside at its measured rate (`demandPerHour`
//   containers, evenly spaced, each gap jittered by `variability`). A use takes a full
//   container (the oldest) and sends its card back to Requested; with none full the use
//   waits (a backorder) and the consuming station is starved until a container arrives.
// - Replenishment: a requested card may start `waitRequestedMinutes` after its request
//   (the measured wait in Requested), then takes `cycleMinutes` (the measured cycle time),
//   both jittered. Starting takes one full container of each input loop (the cascade), so
//   those loops' cards go back to Requested; with an input empty the start waits and the
//   station is starved until the input has a full container again. A station processes
//   any number of cards at once (the measured times already hold its queueing).
// - The stop: during [0, duration) the stopped station starts nothing; a card it had in
//   process at 0 finishes `duration` later than it would have.
// - Cards on the board at the start: a requested card counts from its requestedAt, one in
//   process from when it entered In Progress (both may already be due: they go at 0).
// Extra cards: the run is repeated with extra full containers on the loops that kept a
// consumer waiting, growing until no station starves within the horizon, then each
// loop's extra is cut back to the least that still rides it out (binary search).
import { z } from 'zod';
import { fullContainers, loopCards } from './board.ts';
import type { BoardState } from './board.ts';
import { Column, StationKind } from './names.ts';
import type { Loop } from './schemas.ts';
import { seededRandom } from './random.ts';

export const MAX_WHATIF_DURATION_MINUTES = 7 * 24 * 60;
export const MAX_WHATIF_HORIZON_MINUTES = 14 * 24 * 60;
/** Horizon when none is named: the stop, then as long again plus a shift (8 h). */
export const defaultHorizonMinutes = (durationMinutes: number) => Math.min(MAX_WHATIF_HORIZON_MINUTES, 2 * durationMinutes + 480);
/** Simulation steps one run may take, and all the runs of one what-if together (bounds a request's work). */
export const MAX_STEPS = 200_000;
export const MAX_TOTAL_STEPS = 500_000;

export const WhatIfBody = z.strictObject({
  stationId: z.string(),
  durationMinutes: z.number().positive().max(MAX_WHATIF_DURATION_MINUTES),
  horizonMinutes: z.number().positive().max(MAX_WHATIF_HORIZON_MINUTES).optional(),
  seed: z.number().int().min(0).max(2 ** 32 - 1).optional(),
  /** Spread of demand gaps and process times: each is x (1 +/- variability), uniform. */
  variability: z.number().min(0).max(0.9).optional(),
});
export type WhatIfRequest = z.infer<typeof WhatIfBody>;

/** The measured figures of one loop the simulation runs with. */
export const LoopRatesSchema = z.object({
  /** Containers per hour used from outside (0 for a loop only used by cascades). */
  demandPerHour: z.number(),
  waitRequestedMinutes: z.number(),
  cycleMinutes: z.number(),
  /** Whether the figures come from the log (false: the loop's planned lead time). */
  measured: z.boolean(),
});
export type LoopRates = z.infer<typeof LoopRatesSchema>;

export const WhatIfResultSchema = z.object({
  stationId: z.string(),
  /** When the simulated stop starts (ISO): now. */
  at: z.string(),
  durationMinutes: z.number(),
  horizonMinutes: z.number(),
  seed: z.number().int(),
  variability: z.number(),
  /** Stations that starve within the horizon, earliest first. */
  stations: z.array(
    z.object({
      stationId: z.string(),
      /** Minutes after the stop's start when it first starves, and that time (ISO). */
      starvedAfterMinutes: z.number(),
      starvedAt: z.string(),
      /** Minutes starved within the horizon. */
      starvedMinutes: z.number(),
    }),
  ),
  /** Every loop: when it runs out of full containers, and the extra cards that ride the stop out. */
  loops: z.array(
    z.object({
      loopId: z.string(),
      stockOutAfterMinutes: z.number().nullable(),
      stockOutMinutes: z.number(),
      extraCards: z.number().int(),
      rates: LoopRatesSchema,
    }),
  ),
  /** With the extra cards no station starves within the horizon. */
  ridesItOut: z.boolean(),
  /**
   * The work bound was reached: the first run stopped before the horizon (its figures
   * cover less time), or the search for extra cards stopped early (then `ridesItOut` is
   * false unless a run already rode it out).
   */
  truncated: z.boolean(),
});
export type WhatIfResult = z.infer<typeof WhatIfResultSchema>;

export interface WhatIfInput {
  board: BoardState;
  nowMs: number;
  stationId: string;
  durationMinutes: number;
  horizonMinutes: number;
  seed: number;
  variability: number;
  rates: (loop: Loop) => LoopRates;
}


type SimEvent =
  | { t: number; n: number; kind: 'demand'; loop: number }
  | { t: number; n: number; kind: 'ready'; loop: number; card: number }
  | { t: number; n: number; kind: 'finish'; loop: number; card: number };

/** A binary min-heap by (t, n): equal times in the order they were scheduled. */
class Queue {
  private readonly h: SimEvent[] = [];
  get size(): number {
    return this.h.length;
  }
  push(e: SimEvent): void {
    const h = this.h;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }
  pop(): SimEvent | undefined {
    const h = this.h;
    if (h.length === 0) return undefined;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && less(h[l]!, h[m]!)) m = l;
        if (r < h.length && less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}
const less = (a: SimEvent, b: SimEvent) => a.t < b.t || (a.t === b.t && a.n < b.n);

/** A condition's time in force within the horizon, and when it first held. */
class Span {
  first: number | null = null;
  total = 0;
  private since: number | null = null;
  set(on: boolean, t: number): void {
    if (on && this.since === null) {
      this.since = t;
      this.first ??= t;
    } else if (!on && this.since !== null) {
      this.total += t - this.since;
      this.since = null;
    }
  }
  close(t: number): void {
    if (this.since !== null) this.total += t - this.since;
    this.since = null;
  }
}

interface SimLoop {
  loop: Loop;
  index: number;
  rates: LoopRates;
  inputs: number[];
  supplier: string;
  consumer: string;
  external: boolean;
  full: number;
  /** Backorders from outside demand. */
  backorders: number;
  /** Cards waiting to start because an input is empty. */
  blocked: number;
  /** The loops that take this one as an input. */
  takers: SimLoop[];
  stockOut: Span;
  /** Consumers that had to wait on this loop (backorders and blocked starts it caused). */
  waits: number;
}

interface RunResult {
  stations: Map<string, Span>;
  loops: SimLoop[];
  truncated: boolean;
}

/** One run of the plant with `extra` full containers per loop index; `budget.steps` is what is left of the work bound. */
function run(x: WhatIfInput, extra: readonly number[], budget: { steps: number }): RunResult {
  const { board } = x;
  const rnd = seededRandom(x.seed);
  const jitter = (d: number) => Math.max(0, d * (1 + x.variability * (2 * rnd() - 1)));
  const horizon = x.horizonMinutes;
  const stopEnd = x.durationMinutes;
  const loopList = Object.values(board.loops).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const indexOf = new Map(loopList.map((l, i) => [l.id, i]));
  const inputOf = new Set<string>(); // "consumer station|loop id" pairs used by a cascade
  for (const l of loopList) for (const id of l.inputLoopIds) inputOf.add(`${l.supplierStationId}|${id}`);
  const loops: SimLoop[] = loopList.map((l, i) => {
    const consumer = board.stations[l.consumerStationId];
    return {
      loop: l,
      index: i,
      rates: x.rates(l),
      inputs: l.inputLoopIds.flatMap((id) => (indexOf.has(id) ? [indexOf.get(id)!] : [])),
      supplier: l.supplierStationId,
      consumer: l.consumerStationId,
      external: consumer?.kind === StationKind.CUSTOMER || !inputOf.has(`${l.consumerStationId}|${l.id}`),
      full: 0,
      backorders: 0,
      blocked: 0,
      takers: [],
      stockOut: new Span(),
      waits: 0,
    };
  });
  for (const l of loops) for (const i of l.inputs) loops[i]!.takers.push(l);
  /** Per station, the consumers waiting there: its blocked starts and the backorders of the loops it uses. */
  const waiting = new Map<string, number>();
  const stations = new Map<string, Span>();
  const spanOf = (id: string) => {
    let s = stations.get(id);
    if (!s) {
      s = new Span();
      stations.set(id, s);
    }
    return s;
  };
  const q = new Queue();
  let n = 0;
  const stopped = (station: string, t: number) => station === x.stationId && t < stopEnd;
  const minutesAgo = (iso: string | null) => (iso === null ? 0 : (x.nowMs - Date.parse(iso)) / 60_000);
  // Cards: each gets an index; its loop is known from the event.
  let cardCount = 0;
  const request = (l: SimLoop, t: number, since = 0) => {
    const card = cardCount++;
    q.push({ t: Math.max(t, t + jitter(l.rates.waitRequestedMinutes) - since), n: n++, kind: 'ready', loop: l.index, card });
  };
  for (const l of loops) {
    l.full = fullContainers(board, l.loop.id).length + (extra[l.index] ?? 0);
    for (const c of loopCards(board, l.loop.id)) {
      if (c.column === Column.REQUESTED) request(l, 0, minutesAgo(c.requestedAt));
      else if (c.column === Column.IN_PROGRESS) {
        let due = Math.max(0, jitter(l.rates.cycleMinutes) - minutesAgo(c.enteredAt));
        if (l.supplier === x.stationId) due += stopEnd;
        q.push({ t: due, n: n++, kind: 'finish', loop: l.index, card: cardCount++ });
      }
    }
    if (l.external && l.rates.demandPerHour > 0) {
      q.push({ t: jitter(60 / l.rates.demandPerHour), n: n++, kind: 'demand', loop: l.index });
    }
  }
  /** Counts consumers waiting at a station (+1 or -1); it is starved while any wait. */
  const bump = (station: string, by: number, t: number) => {
    const w = (waiting.get(station) ?? 0) + by;
    waiting.set(station, w);
    spanOf(station).set(w > 0, t);
  };
  const setFull = (l: SimLoop, t: number) => l.stockOut.set(l.full === 0, t);
  /** Takes a full container of `l` for a consumer; false when none is left. */
  const take = (l: SimLoop, t: number): boolean => {
    if (l.full === 0) return false;
    l.full--;
    setFull(l, t);
    request(l, t);
    return true;
  };
  const tryStart = (l: SimLoop, card: number, t: number): boolean => {
    for (const i of l.inputs) if (loops[i]!.full === 0) return false;
    for (const i of l.inputs) take(loops[i]!, t);
    q.push({ t: t + jitter(l.rates.cycleMinutes), n: n++, kind: 'finish', loop: l.index, card });
    return true;
  };
  /** A container of `l` arrived: backorders first, then blocked starts of loops that take it. */
  const arrived = (l: SimLoop, t: number) => {
    while (l.backorders > 0 && l.full > 0) {
      l.backorders--;
      bump(l.consumer, -1, t);
      take(l, t);
    }
    for (const m of l.takers) {
      if (stopped(m.supplier, t)) continue;
      while (m.blocked > 0 && tryStart(m, cardCount++, t)) {
        m.blocked--;
        bump(m.supplier, -1, t);
      }
    }
  };
  for (const l of loops) setFull(l, 0);
  // Setting a run up costs too (many loops, short runs): it is charged to the bound.
  budget.steps -= loops.length + Object.keys(board.cards).length;
  let steps = 0;
  let truncated = false;
  let end = horizon;
  for (let e = q.pop(); e !== undefined; e = q.pop()) {
    if (e.t > horizon) break;
    if (++steps > MAX_STEPS || --budget.steps < 0) {
      truncated = true;
      end = e.t;
      break;
    }
    const l = loops[e.loop]!;
    const t = e.t;
    switch (e.kind) {
      case 'demand':
        if (!take(l, t)) {
          l.backorders++;
          l.waits++;
          bump(l.consumer, +1, t);
        }
        q.push({ t: t + jitter(60 / l.rates.demandPerHour), n: n++, kind: 'demand', loop: l.index });
        break;
      case 'ready':
        if (stopped(l.supplier, t)) {
          q.push({ t: stopEnd, n: n++, kind: 'ready', loop: l.index, card: e.card });
        } else if (l.blocked > 0 || !tryStart(l, e.card, t)) {
          l.blocked++;
          for (const i of l.inputs) if (loops[i]!.full === 0) loops[i]!.waits++;
          bump(l.supplier, +1, t);
        }
        break;
      case 'finish':
        l.full++;
        setFull(l, t);
        arrived(l, t);
        break;
    }
  }
  for (const s of stations.values()) s.close(end);
  for (const l of loops) l.stockOut.close(end);
  return { stations, loops, truncated };
}

/** Whether a station starved (a run cut short by the work bound counts as starving: not known to ride it out). */
const starves = (r: RunResult) => r.truncated || [...r.stations.values()].some((s) => s.first !== null);

/** The what-if: the run with the stop, and the extra cards that ride it out. */
export function whatIf(x: WhatIfInput): WhatIfResult {
  const budget = { steps: MAX_TOTAL_STEPS };
  const base = run(x, [], budget);
  const nLoops = base.loops.length;
  let extra = new Array<number>(nLoops).fill(0);
  let last = base;
  let rides = !starves(base);
  // Grow: add the waits each loop caused, until nothing starves (bounded).
  for (let round = 0; round < 12 && !rides && budget.steps > 0; round++) {
    const grown = extra.map((v, i) => v + last.loops[i]!.waits);
    if (grown.every((v, i) => v === extra[i])) break;
    extra = grown;
    last = run(x, extra, budget);
    rides = !starves(last);
  }
  // Shrink: the least extra per loop that still rides it out, the others held. When the
  // work bound runs out, what was found so far stands (enough, if not the least).
  if (rides) {
    for (let i = 0; i < nLoops; i++) {
      let lo = 0;
      let hi = extra[i]!;
      while (lo < hi && budget.steps > 0) {
        const mid = (lo + hi) >>> 1;
        const trial = extra.slice();
        trial[i] = mid;
        if (starves(run(x, trial, budget))) lo = mid + 1;
        else hi = mid;
      }
      extra[i] = hi;
    }
  }
  const at = (m: number) => new Date(x.nowMs + m * 60_000).toISOString();
  const board = x.board;
  const stations = [...base.stations.entries()]
    .filter(([, s]) => s.first !== null)
    .map(([stationId, s]) => ({ stationId, starvedAfterMinutes: s.first!, starvedAt: at(s.first!), starvedMinutes: s.total }))
    .sort((p, q) => p.starvedAfterMinutes - q.starvedAfterMinutes || (board.stations[p.stationId]?.position ?? 0) - (board.stations[q.stationId]?.position ?? 0));
  return {
    stationId: x.stationId,
    at: at(0),
    durationMinutes: x.durationMinutes,
    horizonMinutes: x.horizonMinutes,
    seed: x.seed,
    variability: x.variability,
    stations,
    loops: base.loops.map((l, i) => ({
      loopId: l.loop.id,
      stockOutAfterMinutes: l.stockOut.first,
      stockOutMinutes: l.stockOut.total,
      extraCards: rides ? extra[i]! : 0,
      rates: l.rates,
    })),
    ridesItOut: rides,
    truncated: base.truncated || budget.steps < 0,
  };
}
