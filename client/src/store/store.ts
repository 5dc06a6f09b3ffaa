// One zustand store of typed slices (zustand's slices pattern):
//   board       the confirmed board (server events only) and the board screens show
//   pending     optimistic commands waiting for the server
//   connection  live / reconnecting / offline, since when, last applied seq
//   alerts      refusal and error messages
//   clock       a coarse "now" so card ages update without a timer per card
// Every change to the board goes through the shared reducer (`applyEvent`), so the client
// cannot disagree with the server about what an event means.
import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';
import { applyEvent, boardFromSnapshot, emptyBoard } from '../../../shared/board.ts';
import type { BoardState } from '../../../shared/board.ts';
import { Role } from '../../../shared/rules.ts';
import type { Ack } from '../../../shared/protocol.ts';
import type { ApiError, BoardEvent, BoardSnapshot } from '../../../shared/schemas.ts';
import type { Column } from '../../../shared/names.ts';
import { rebase, settle, targetCard } from './optimistic.ts';
import type { OptimisticCommand, PendingCommand } from './optimistic.ts';
import { refusalMessage } from './messages.ts';

// ---------------------------------------------------------------- board

export interface BoardSlice {
  /** The board as the server has confirmed it (events applied in seq order). */
  confirmed: BoardState;
  /** What screens show: `confirmed` with pending commands replayed on top. */
  board: BoardState;
  /** False until the first snapshot arrived. */
  hasBoard: boolean;
  /** Replaces the board with a snapshot (first load, or a resync). */
  loadSnapshot(snapshot: BoardSnapshot): void;
  /**
   * Applies server events strictly in seq order. Events already applied are skipped;
   * at the first gap it stops and reports the seq it expected, so the caller can
   * resubscribe with `afterSeq`.
   */
  receiveEvents(events: readonly BoardEvent[]): ReceiveResult;
}

export type ReceiveResult = { applied: number; gap: null | { expected: number; got: number } };

// ---------------------------------------------------------------- pending

export interface PendingSlice {
  pending: PendingCommand[];
  /** Who this screen acts as, for the local replay of the pull rules. */
  role: Role;
  actor: string;
  setIdentity(actor: string, role: Role): void;
  /** Shows a command at once; returns what to send (with the version it was issued at). */
  beginCommand(key: string, command: OptimisticCommand, label: string): PendingCommand;
  /** The server answered. A refusal rolls the command back and raises an alert. */
  settleCommand(key: string, ack: Ack<{ seq?: number }>): void;
}

// ---------------------------------------------------------------- connection

export const ConnectionStatus = {
  LIVE: 'live',
  RECONNECTING: 'reconnecting',
  OFFLINE: 'offline',
} as const;
export type ConnectionStatus = (typeof ConnectionStatus)[keyof typeof ConnectionStatus];

export interface ConnectionSlice {
  connection: {
    status: ConnectionStatus;
    /** When the screen stopped being live (ms since epoch); null while live. */
    since: number | null;
    /** When the board was last known to be in step with the server. */
    lastSyncAt: number | null;
    /** True while a (re)subscription is in flight. */
    syncing: boolean;
  };
  setConnection(patch: Partial<ConnectionSlice['connection']>): void;
}

// ---------------------------------------------------------------- alerts

export interface Alert {
  id: number;
  kind: 'refusal' | 'error' | 'info';
  text: string;
  at: number;
}

export interface AlertSlice {
  alerts: Alert[];
  pushAlert(kind: Alert['kind'], text: string): number;
  dismissAlert(id: number): void;
}

// ---------------------------------------------------------------- clock

export interface ClockSlice {
  /** Coarse current time (ms); ticked by the app every few seconds. */
  now: number;
  tick(now: number): void;
}

// ---------------------------------------------------------------- drag (UI)

/** Where a dragged card would land: before `beforeCardId` (null = at the end). */
export interface DropSlot {
  stationId: string;
  column: Column;
  /** 0-based place among the column's other cards. */
  index: number;
  /** Number of the column's other cards (the dragged one excluded). */
  others: number;
  beforeCardId: string | null;
}

export interface DragSlice {
  drag: { cardId: string; slot: DropSlot | null } | null;
  setDrag(drag: DragSlice['drag']): void;
}

export type PullboardState = BoardSlice &
  PendingSlice &
  ConnectionSlice &
  AlertSlice &
  ClockSlice &
  DragSlice;
export type PullboardStore = StoreApi<PullboardState>;

type SetState = StoreApi<PullboardState>['setState'];
type GetState = StoreApi<PullboardState>['getState'];

const MAX_ALERTS = 3;

/** The board screens should show after `confirmed` or `pending` changed. */
function visible(confirmed: BoardState, pending: PendingCommand[], role: Role, actor: string): BoardState {
  return pending.length === 0 ? confirmed : rebase(confirmed, pending, role, actor);
}

const boardSlice = (set: SetState, get: GetState): BoardSlice => ({
  confirmed: emptyBoard,
  board: emptyBoard,
  hasBoard: false,
  loadSnapshot(snapshot) {
    const { role, actor } = get();
    const confirmed = boardFromSnapshot(snapshot);
    const pending = settle(confirmed.seq, get().pending);
    set({ confirmed, pending, hasBoard: true, board: visible(confirmed, pending, role, actor) });
  },
  receiveEvents(events) {
    const start = get().confirmed;
    let confirmed = start;
    let gap: ReceiveResult['gap'] = null;
    let applied = 0;
    for (const e of events) {
      if (e.seq <= confirmed.seq) continue; // already applied (replay overlap)
      if (e.seq !== confirmed.seq + 1) {
        gap = { expected: confirmed.seq + 1, got: e.seq };
        break;
      }
      confirmed = applyEvent(confirmed, e);
      applied++;
    }
    if (confirmed !== start) {
      const { role, actor } = get();
      const pending = settle(confirmed.seq, get().pending);
      set({ confirmed, pending, board: visible(confirmed, pending, role, actor) });
    }
    return { applied, gap };
  },
});

const pendingSlice = (set: SetState, get: GetState): PendingSlice => ({
  pending: [],
  role: Role.VIEWER,
  actor: 'tv',
  setIdentity(actor, role) {
    const { confirmed, pending } = get();
    set({ actor, role, board: visible(confirmed, pending, role, actor) });
  },
  beginCommand(key, command, label) {
    const { board, confirmed, role, actor } = get();
    const cardId = targetCard(board, command);
    const p: PendingCommand = {
      key,
      command,
      label,
      cardId,
      baseVersion: cardId === null ? null : (board.cards[cardId]?.version ?? null),
      issuedAt: new Date().toISOString(),
      ackSeq: null,
    };
    const pending = [...get().pending, p];
    set({ pending, board: visible(confirmed, pending, role, actor) });
    return p;
  },
  settleCommand(key, ack) {
    const { confirmed, role, actor } = get();
    const p = get().pending.find((x) => x.key === key);
    if (!p) return;
    let pending: PendingCommand[];
    if (ack.ok) {
      const seq = typeof ack.seq === 'number' ? ack.seq : null;
      // Keep showing the command until its event is applied, so the card never
      // flickers back between the acknowledgement and the broadcast.
      pending =
        seq !== null && seq > confirmed.seq
          ? get().pending.map((x) => (x.key === key ? { ...x, ackSeq: seq } : x))
          : get().pending.filter((x) => x.key !== key);
    } else {
      pending = get().pending.filter((x) => x.key !== key);
    }
    set({ pending, board: visible(confirmed, pending, role, actor) });
    if (!ack.ok) get().pushAlert('refusal', refusalMessage(p.label, ack.error, get().board));
  },
});

const connectionSlice = (set: SetState): ConnectionSlice => ({
  connection: { status: ConnectionStatus.RECONNECTING, since: Date.now(), lastSyncAt: null, syncing: false },
  setConnection(patch) {
    set((s) => ({ connection: { ...s.connection, ...patch } }));
  },
});

let alertSeq = 0;
const alertSlice = (set: SetState): AlertSlice => ({
  alerts: [],
  pushAlert(kind, text) {
    const id = ++alertSeq;
    set((s) => ({ alerts: [...s.alerts, { id, kind, text, at: Date.now() }].slice(-MAX_ALERTS) }));
    return id;
  },
  dismissAlert(id) {
    set((s) => ({ alerts: s.alerts.filter((a) => a.id !== id) }));
  },
});

const clockSlice = (set: SetState): ClockSlice => ({
  now: Date.now(),
  tick(now) {
    set({ now });
  },
});

const dragSlice = (set: SetState): DragSlice => ({
  drag: null,
  setDrag(drag) {
    set({ drag });
  },
});

/** Creates a store; the app uses one, tests make their own. */
export function createPullboardStore(): PullboardStore {
  return createStore<PullboardState>()((set, get) => ({
    ...boardSlice(set, get),
    ...pendingSlice(set, get),
    ...connectionSlice(set),
    ...alertSlice(set),
    ...clockSlice(set),
    ...dragSlice(set),
  }));
}

/** An ApiError for failures decided on this side (no answer, validation in a form). */
export function clientError(code: string, message: string): ApiError {
  return { code, message };
}
