// Live risk marks (pull-model.md "Just-in-time risks"; docs/api.md "Risk"): pure, no I/O.
// From the board and what the log says about the recent past (uses and finishes per loop
// over the last `windowMinutes`, how busy each station was), per loop:
// - time to stock-out: the loop's full containers divided by its net drain (uses minus
//   finishes per hour over the window); none while the loop is not draining. A screen
//   keeps it current between reads with `stockOutMinutes(full, drainPerHour)` on its own
//   board: each use it sees lowers `full`, each finish raises it.
// - demand spike: uses per hour over the window above SPIKE_RATIO x the rate the loop is
//   sized for (its cards over its lead time, with the safety factor taken out:
//   cardCount x containerQty ... in containers: cardCount / (leadTime h x (1 + alpha))),
//   with at least SPIKE_MIN_USES uses seen (two quick uses are no trend).
// - single source to a bottleneck: the loop is the only loop bringing its part to its
//   consumer, and that consumer is a bottleneck station (the busiest process station,
//   busy at least BOTTLENECK_MIN_BUSY of the window).
// Overdue cards need no server: a screen compares a card's requestedAt with its loop's
// lead time on its own clock (shared/board.ts isOverdue).
import { z } from 'zod';
import { fullContainers } from './board.ts';
import type { BoardState } from './board.ts';
import { StationKind } from './names.ts';
import { DEFAULT_SAFETY_FACTOR } from './sizing.ts';

/** Uses per hour above this multiple of the sized-for rate are a demand spike. */
export const SPIKE_RATIO = 1.5;
/** A spike needs at least this many uses in the window. */
export const SPIKE_MIN_USES = 3;
/** A station is a bottleneck only when busy at least this share of the window. */
export const BOTTLENECK_MIN_BUSY = 0.5;
/** The recent window when the caller names none, and its bounds. */
export const DEFAULT_RISK_WINDOW_MINUTES = 120;
export const MIN_RISK_WINDOW_MINUTES = 10;
export const MAX_RISK_WINDOW_MINUTES = 7 * 24 * 60;

export const LoopRiskSchema = z.object({
  loopId: z.string(),
  fullContainers: z.number().int(),
  /** Uses and finishes per hour over the window; drain = uses - finishes. */
  consumedPerHour: z.number(),
  finishedPerHour: z.number(),
  drainPerHour: z.number(),
  /** Minutes until no full container is left at the current drain; null: not draining. */
  minutesToStockOut: z.number().nullable(),
  /** `at` + minutesToStockOut (ISO); null: not draining. */
  stockOutAt: z.string().nullable(),
  /** The time to stock-out is shorter than the loop's lead time: a refill cannot come in time. */
  stockOutWithinLeadTime: z.boolean(),
  /** The uses per hour the loop's card count and lead time are sized for. */
  sizedForPerHour: z.number(),
  demandSpike: z.boolean(),
  singleSourceToBottleneck: z.boolean(),
});
export type LoopRisk = z.infer<typeof LoopRiskSchema>;

export const StationRiskSchema = z.object({
  stationId: z.string(),
  /** Mean cards In Progress over the window, capped at 1. */
  busy: z.number(),
  bottleneck: z.boolean(),
});

export const RiskReportSchema = z.object({
  /** When the figures were computed (ISO): times to stock-out count from here. */
  at: z.string(),
  /** The log's seq the figures include. */
  seq: z.number().int(),
  windowMinutes: z.number(),
  loops: z.array(LoopRiskSchema),
  stations: z.array(StationRiskSchema),
});
export type RiskReport = z.infer<typeof RiskReportSchema>;

export interface RecentFlow {
  /** Containers used and finished over the window. */
  consumed: number;
  finished: number;
}

export interface RiskInput {
  board: BoardState;
  nowMs: number;
  windowMinutes: number;
  /** Per loop id; a loop missing here saw nothing. */
  flow: (loopId: string) => RecentFlow;
  /** Per station id: mean cards In Progress over the window (0..1). */
  busy: (stationId: string) => number;
  safetyFactor?: number;
}

/** Minutes until `full` containers are gone at `drainPerHour`; null when not draining. */
export function stockOutMinutes(full: number, drainPerHour: number): number | null {
  if (!(drainPerHour > 0)) return null;
  return (full / drainPerHour) * 60;
}

/** The risk marks of every loop and station on the board. */
export function assessRisk(x: RiskInput): RiskReport {
  const { board } = x;
  const hours = x.windowMinutes / 60;
  const alpha = x.safetyFactor ?? DEFAULT_SAFETY_FACTOR;
  const stations = Object.values(board.stations).sort((a, b) => a.position - b.position);
  const busy = new Map(stations.map((s) => [s.id, Math.min(1, Math.max(0, x.busy(s.id)))]));
  let top = 0;
  for (const s of stations) if (s.kind === StationKind.PROCESS) top = Math.max(top, busy.get(s.id)!);
  const bottlenecks = new Set(
    stations.filter((s) => s.kind === StationKind.PROCESS && top >= BOTTLENECK_MIN_BUSY && busy.get(s.id)! === top).map((s) => s.id),
  );
  // How many loops bring each (consumer, part) pair.
  const sources = new Map<string, number>();
  const pairOf = (consumer: string, part: string) => `${consumer}\u0000${part.trim().toLowerCase()}`;
  for (const l of Object.values(board.loops)) {
    const k = pairOf(l.consumerStationId, l.partNumber);
    sources.set(k, (sources.get(k) ?? 0) + 1);
  }
  const loops: LoopRisk[] = Object.values(board.loops).map((l) => {
    const f = x.flow(l.id);
    const consumedPerHour = hours > 0 ? f.consumed / hours : 0;
    const finishedPerHour = hours > 0 ? f.finished / hours : 0;
    const drainPerHour = consumedPerHour - finishedPerHour;
    const full = fullContainers(board, l.id).length;
    const minutes = stockOutMinutes(full, drainPerHour);
    const sizedForPerHour = l.cardCount / ((l.leadTimeMinutes / 60) * (1 + alpha));
    return {
      loopId: l.id,
      fullContainers: full,
      consumedPerHour,
      finishedPerHour,
      drainPerHour,
      minutesToStockOut: minutes,
      stockOutAt: minutes === null ? null : new Date(x.nowMs + minutes * 60_000).toISOString(),
      stockOutWithinLeadTime: minutes !== null && minutes < l.leadTimeMinutes,
      sizedForPerHour,
      demandSpike: f.consumed >= SPIKE_MIN_USES && consumedPerHour > SPIKE_RATIO * sizedForPerHour,
      singleSourceToBottleneck: sources.get(pairOf(l.consumerStationId, l.partNumber)) === 1 && bottlenecks.has(l.consumerStationId),
    };
  });
  return {
    at: new Date(x.nowMs).toISOString(),
    seq: board.seq,
    windowMinutes: x.windowMinutes,
    loops,
    stations: stations.map((s) => ({ stationId: s.id, busy: busy.get(s.id)!, bottleneck: bottlenecks.has(s.id) })),
  };
}
