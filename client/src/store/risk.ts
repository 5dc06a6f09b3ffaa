// Live risk, without polling (pull-model.md "Just-in-time risks"):
// - Overdue the moment it happens: one timer, set for the next instant a card on the
//   board passes its loop's lead time, ticks the store's clock then (the 5 s tick of the
//   runtime only moves the age figures). Rescheduled whenever the board changes.
// - Time-to-stock-out, demand spikes, single-source loops feeding a bottleneck: computed
//   by the server from the event log (GET /api/risk, shared/risk.ts), fetched when events
//   arrive (debounced: a burst of moves is one request, at most one per 5 s), never on a
//   fixed poll. Between answers the time to stock-out counts down, and follows the live
//   board's full containers. Kept in a small store of its own so a risk answer re-renders
//   only the marks.
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { Column } from '../../../shared/names.ts';
import { isOverdue } from '../../../shared/board.ts';
import type { BoardState } from '../../../shared/board.ts';
import type { PullboardStore } from './store.ts';
import { apiParsed } from '../net/api.ts';
import { RiskReportSchema, stockOutMinutes } from '../../../shared/risk.ts';
import type { RiskReport } from '../../../shared/risk.ts';

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

/** What a screen keeps of one loop's risk (only loops with a mark are kept). */
export interface LoopRisk {
  /** When the loop runs out at the reported drain (ms), or null when it is not draining. */
  stockOutAt: number | null;
  /** Full containers when the server answered (the live board may have moved on). */
  fullAtReport: number;
  /** Containers per hour used minus finished, over the server's window. */
  drainPerHour: number;
  demandSpike: boolean;
  /** Uses per hour over the rate the loop is sized for (null: sized for none). */
  demandRatio: number | null;
  singleSourceToBottleneck: boolean;
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
  const out: Record<string, LoopRisk> = {};
  for (const l of report.loops) {
    const stockOutAt = l.stockOutAt === null ? null : Date.parse(l.stockOutAt);
    if (stockOutAt === null && !l.demandSpike && !l.singleSourceToBottleneck) continue;
    out[l.loopId] = {
      stockOutAt,
      fullAtReport: l.fullContainers,
      drainPerHour: l.drainPerHour,
      demandSpike: l.demandSpike,
      demandRatio: l.sizedForPerHour > 0 ? l.consumedPerHour / l.sizedForPerHour : null,
      singleSourceToBottleneck: l.singleSourceToBottleneck,
    };
  }
  return out;
}

/**
 * Minutes until the loop has no full container, kept current between answers: a count
 * down from the reported instant while the board still has the reported full count, and
 * from the live count at the reported drain (shared/risk.ts `stockOutMinutes`) once a use
 * or a finish has changed it. Null when the loop is not draining.
 */
export function minutesToStockOut(risk: LoopRisk, liveFull: number, nowMs: number): number | null {
  if (risk.stockOutAt === null) return null;
  if (liveFull === risk.fullAtReport) return Math.max(0, (risk.stockOutAt - nowMs) / 60_000);
  return stockOutMinutes(liveFull, risk.drainPerHour);
}

export const riskStore = createStore<RiskState>(() => ({ loops: {}, at: null, available: true }));

export function useRisk<T>(selector: (s: RiskState) => T): T {
  return useStore(riskStore, selector);
}

/** Wait after the last event before asking (a burst of moves is one request). */
export const RISK_DEBOUNCE_MS = 2_000;
/** And at most one request per this long (docs/api.md "Risk": once per 5 seconds). */
export const RISK_MIN_GAP_MS = 5_000;
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
  let lastAsked = -Infinity;

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
    lastAsked = Date.now();
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
    const gap = lastAsked + RISK_MIN_GAP_MS - Date.now();
    riskTimer = setTimeout(() => void refresh(), Math.max(RISK_DEBOUNCE_MS, gap));
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

// ---------------------------------------------------------------- the TV's one mark

export type RiskKind = 'stockout' | 'spike' | 'single';

export interface RiskCandidate {
  loopId: string;
  risk: LoopRisk;
  /** Live minutes to stock-out (minutesToStockOut), null when not draining. */
  minutesLeft: number | null;
  leadTimeMinutes: number;
}

/**
 * The one risk a wall TV shows in a station's row (a row has room for the name and two
 * marks), most urgent first: a stock-out sooner than a refill could come (the soonest),
 * then a demand spike, then a single source into the bottleneck. `more` counts the other
 * loops of the station with such a mark. A stock-out later than the lead time is not a
 * TV mark (the lead board and the tablet show it).
 */
export function tvRiskPick(candidates: readonly RiskCandidate[]): { loopId: string; kind: RiskKind; more: number } | null {
  const rank = (c: RiskCandidate): [number, number] | null => {
    if (c.minutesLeft !== null && c.minutesLeft < c.leadTimeMinutes) return [0, c.minutesLeft];
    if (c.risk.demandSpike) return [1, -(c.risk.demandRatio ?? 0)];
    if (c.risk.singleSourceToBottleneck) return [2, 0];
    return null;
  };
  const ranked = candidates
    .map((c) => ({ c, r: rank(c) }))
    .filter((x): x is { c: RiskCandidate; r: [number, number] } => x.r !== null)
    .sort((a, b) => a.r[0] - b.r[0] || a.r[1] - b.r[1]);
  const first = ranked[0];
  if (!first) return null;
  const kind: RiskKind = first.r[0] === 0 ? 'stockout' : first.r[0] === 1 ? 'spike' : 'single';
  return { loopId: first.c.loopId, kind, more: ranked.length - 1 };
}
