// Live risk, without polling (pull-model.md "Just-in-time risks"):
// - Overdue the moment it happens: one timer, set for the next instant a card on the
//   board passes its loop's lead time, ticks the store's clock then (the 5 s tick of the
//   runtime only moves the age figures). Rescheduled whenever the board changes.
// - Time-to-stock-out, demand spikes, single-source loops feeding a bottleneck: computed
//   by the server from the event log (GET /api/risk, shared/risk.ts), fetched when events
//   arrive (debounced: a burst of moves is one request), never on a fixed poll. Kept in a
//   small store of its own so a risk answer re-renders only the marks.
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { z } from 'zod';
import { Column } from '../../../shared/names.ts';
import { isOverdue } from '../../../shared/board.ts';
import type { BoardState } from '../../../shared/board.ts';
import type { PullboardStore } from './store.ts';
import { apiParsed } from '../net/api.ts';

// ---------------------------------------------------------------- overdue timer

/**
 * The first instant after `nowMs` at which a card on the board turns overdue (ms), or
 * null when none will (only Requested and In Progress cards age). The rule itself is
 * shared/board.ts's `isOverdue`; this only finds when it flips, and checks that it does.
 */
export function nextOverdueAt(board: BoardState, nowMs: number): number | null {
  let next: number | null = null;
  for (const card of Object.values(board.cards)) {
    if (card.column === Column.DONE || card.requestedAt === null) continue;
    const loop = board.loops[card.loopId];
    if (!loop) continue;
    // Overdue when age > lead: the first whole millisecond past the lead time.
    const at = Date.parse(card.requestedAt) + loop.leadTimeMinutes * 60_000 + 1;
    if (at <= nowMs || !Number.isFinite(at)) continue;
    if (next !== null && at >= next) continue;
    if (isOverdue(card, loop, at) && !isOverdue(card, loop, nowMs)) next = at;
  }
  return next;
}

/** Timers longer than this are set again later (browsers cap a delay at 2^31 - 1 ms). */
const MAX_DELAY_MS = 60 * 60_000;

// ---------------------------------------------------------------- risk answers

/** One loop's risk, as GET /api/risk reports it. */
export const LoopRiskSchema = z.object({
  loopId: z.string(),
  /** Minutes until no full container is left at the recent consumption rate; null: not trending to zero. */
  minutesToStockOut: z.number().nullable(),
  /** Recent consumption over the rate the loop was sized for (1.0 = as sized); null: too few uses to say. */
  demandRatio: z.number().nullable().optional(),
  /** Consumption well above the sized rate. */
  demandSpike: z.boolean(),
  /** The loop's one supplier feeds a bottleneck station (no second source). */
  singleSourceBottleneck: z.boolean(),
});
export type LoopRiskAnswer = z.infer<typeof LoopRiskSchema>;

export const RiskReportSchema = z.object({
  at: z.string(),
  loops: z.array(LoopRiskSchema),
});
export type RiskReport = z.infer<typeof RiskReportSchema>;

export interface LoopRisk {
  /** When the loop runs out of full containers (ms), or null. */
  stockOutAt: number | null;
  demandSpike: boolean;
  demandRatio: number | null;
  singleSourceBottleneck: boolean;
}

export interface RiskState {
  loops: Record<string, LoopRisk>;
  /** When the server last answered (ms), null before. */
  at: number | null;
  /** False when the server has no risk route (an older server): the marks stay away. */
  available: boolean;
}

/** Only loops with something to show are kept: a quiet plant is an empty map. */
export function risksFrom(report: RiskReport): Record<string, LoopRisk> {
  const at = Date.parse(report.at);
  const out: Record<string, LoopRisk> = {};
  for (const l of report.loops) {
    const stockOutAt = l.minutesToStockOut === null ? null : at + l.minutesToStockOut * 60_000;
    if (stockOutAt === null && !l.demandSpike && !l.singleSourceBottleneck) continue;
    out[l.loopId] = { stockOutAt, demandSpike: l.demandSpike, demandRatio: l.demandRatio ?? null, singleSourceBottleneck: l.singleSourceBottleneck };
  }
  return out;
}

export const riskStore = createStore<RiskState>(() => ({ loops: {}, at: null, available: true }));

export function useRisk<T>(selector: (s: RiskState) => T): T {
  return useStore(riskStore, selector);
}

/** Wait after the last event before asking (a burst of moves is one request). */
export const RISK_DEBOUNCE_MS = 1_500;
/** An older server without the route: ask again at most this often. */
const UNAVAILABLE_RETRY_MS = 10 * 60_000;

let started = false;

/**
 * Starts (once per page) the overdue timer and the risk refresh on the app's store.
 * Called by the risk marks when they first mount, so only screens that show risk pay.
 */
export function startRiskWatch(store: PullboardStore, fetchRisk: () => Promise<RiskReport | 'unavailable' | null> = fetchRiskReport): () => void {
  if (started) return () => {};
  started = true;
  let overdueTimer: ReturnType<typeof setTimeout> | null = null;
  let riskTimer: ReturnType<typeof setTimeout> | null = null;
  let lastBoard: BoardState | null = null;
  let lastSeq = -1;
  let unavailableSince: number | null = null;
  let inFlight = false;
  let again = false;

  const schedule = () => {
    const { board } = store.getState();
    if (board === lastBoard) return;
    lastBoard = board;
    if (overdueTimer) clearTimeout(overdueTimer);
    overdueTimer = null;
    const now = Date.now();
    const next = nextOverdueAt(board, now);
    if (next === null) return;
    overdueTimer = setTimeout(
      () => {
        overdueTimer = null;
        lastBoard = null; // set the next one even if the board did not change
        store.getState().tick(Date.now());
        schedule();
      },
      Math.min(MAX_DELAY_MS, next - now),
    );
  };

  const refresh = async () => {
    riskTimer = null;
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    const r = await fetchRisk();
    inFlight = false;
    if (r === 'unavailable') {
      unavailableSince = Date.now();
      riskStore.setState({ available: false, loops: {} });
    } else if (r !== null) {
      unavailableSince = null;
      riskStore.setState({ available: true, loops: risksFrom(r), at: Date.parse(r.at) });
    }
    if (again) {
      again = false;
      riskTimer = setTimeout(() => void refresh(), RISK_DEBOUNCE_MS);
    }
  };

  const onChange = () => {
    schedule();
    const s = store.getState();
    if (!s.hasBoard || s.confirmed.seq === lastSeq) return;
    lastSeq = s.confirmed.seq;
    if (unavailableSince !== null && Date.now() - unavailableSince < UNAVAILABLE_RETRY_MS) return;
    if (riskTimer) clearTimeout(riskTimer);
    riskTimer = setTimeout(() => void refresh(), RISK_DEBOUNCE_MS);
  };

  const unsubscribe = store.subscribe(onChange);
  onChange();
  return () => {
    unsubscribe();
    if (overdueTimer) clearTimeout(overdueTimer);
    if (riskTimer) clearTimeout(riskTimer);
    started = false;
  };
}

async function fetchRiskReport(): Promise<RiskReport | 'unavailable' | null> {
  const r = await apiParsed(RiskReportSchema, 'GET', '/risk');
  if (r.ok) return r.body;
  return r.status === 404 ? 'unavailable' : null;
}
