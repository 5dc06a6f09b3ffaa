// One zustand store of typed slices (zustand's slices pattern):
//   board       the confirmed board (from the server only: snapshots, events, change
//               sets) and the board screens show
//   pending     optimistic commands waiting for the server: the outbox, which
//               store/outbox.ts keeps on the device across reloads
//   refused     moves that waited for a connection and were then refused: listed
//               until the operator dismisses them (never a toast that may be missed)
//   connection  live / reconnecting / offline, since when, last applied seq
//   alerts      refusal and error messages
//   clock       a coarse "now" so card ages update without a timer per card
// Every change to the board goes through the shared reducer (`BoardWriter`), so the client
// cannot disagree with the server about what an event or a change set means.
import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';
import { BoardWriter, boardFromSnapshot, emptyBoard, keepIdentity } from '../../../shared/board.ts';
import type { BoardState } from '../../../shared/board.ts';
import { applyChanges } from '../../../shared/changes.ts';
import type { BoardChanges } from '../../../shared/changes.ts';
import { Role } from '../../../shared/names.ts';
import type { Ack } from '../../../shared/protocol.ts';
import type { ApiError, BoardEvent, BoardSnapshot } from '../../../shared/schemas.ts';
import type { Column } from '../../../shared/names.ts';
import { rebase, settle, targetCard, toWire } from './optimistic.ts';
import type { CommandOrigin, OptimisticCommand, PendingCommand } from './optimistic.ts';
import { refusalMessage, refusalReason } from './messages.ts';

// ---------------------------------------------------------------- board

export interface BoardSlice {
  /** The board as the server has confirmed it (events and change sets applied in seq order). */
  confirmed: BoardState;
  /** What screens show: `confirmed` with pending commands replayed on top. */
  board: BoardState;
  /** False until the first snapshot arrived. */
  hasBoard: boolean;
  /** Replaces the board with a snapshot (first load, or a resync). */
  loadSnapshot(snapshot: BoardSnapshot): void;
  /**
   * Shows the board this device last had (kept by store/outbox.ts) before the server is
   * reached, so moves waiting in the outbox are visible at once after a reload. It
   * counts as confirmed up to its seq: the first subscribe resumes from there. The
   * connection stays not live, "since" the time the cache was last in step.
   */
  restoreBoard(snapshot: BoardSnapshot, syncedAt: number): void;
  /**
   * Applies server events strictly in seq order. Events already applied are skipped;
   * at the first gap it stops and reports the seq it expected, so the caller can
   * resubscribe with `afterSeq`.
   */
  receiveEvents(events: readonly BoardEvent[]): ReceiveResult;
  /**
   * Applies a change set (catch-up, shared/changes.ts) with the shared reducer; pending
   * commands are replayed on top as after events. `applied` is the number of seqs it
   * moved the board on. A set from a seq after ours is a gap (nothing applied); one
   * that ends at or before our seq changes nothing.
   */
  receiveChanges(changes: BoardChanges): ReceiveResult;
}

export type ReceiveResult = { applied: number; gap: null | { expected: number; got: number } };

/** Who a screen acts as: what GET /api/auth/me says (without the user record). */
export interface Identity {
  kind: 'user' | 'device' | 'token';
  id: string;
  name: string;
  role: Role;
  /** The stations an operator works at (empty for the other roles). */
  stationIds: readonly string[];
}

/** Before anyone signed in: a viewer that can do nothing. */
export const NOBODY: Identity = { kind: 'user', id: '', name: '', role: Role.VIEWER, stationIds: [] };

// ---------------------------------------------------------------- pending

export interface PendingSlice {
  pending: PendingCommand[];
  /**
   * Who this screen acts as (GET /api/auth/me: the signed-in user, the paired device or
   * the badge session), for the local replay of the pull rules and to show or hide
   * controls. The server checks again, for real.
   */
  identity: Identity;
  setIdentity(identity: Identity): void;
  /** Shows a command at once; returns what to send (with the version it was issued at). */
  beginCommand(key: string, command: OptimisticCommand, label: string, origin?: CommandOrigin): PendingCommand;
  /**
   * The server answered. A refusal rolls the command back and says why: a toast for a
   * command refused as it was made, the refused list for one that waited (`deferred`).
   */
  settleCommand(key: string, ack: Ack<{ seq?: number }>): void;
  /**
   * Puts commands kept on the device back into the outbox (after a reload), oldest
   * first and ahead of anything made since; they count as deferred.
   */
  restoreOutbox(commands: readonly PendingCommand[], refused: readonly RefusedMove[]): void;
}

// ---------------------------------------------------------------- refused

/** A move that waited for a connection and that the server then refused. */
export interface RefusedMove {
  /** The command's idempotency key. */
  key: string;
  /** "Start MC-3105 card 2 / 4" */
  label: string;
  /** Why, in words, against the board as it was when the answer came. */
  reason: string;
  code: string;
  /** When the move was made (ISO) and refused (ms). */
  madeAt: string;
  refusedAt: number;
  origin: CommandOrigin;
}

export interface RefusedSlice {
  refused: RefusedMove[];
  /** The operator has read the list: clear it (or only the given keys). */
  dismissRefused(keys?: readonly string[]): void;
  /** Lists a move that was never answered by the server (e.g. expired on the device). */
  addRefused(moves: readonly RefusedMove[]): void;
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
    /** The server log the confirmed seq belongs to (sent back with afterSeq). */
    logId: string | null;
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
  RefusedSlice &
  ConnectionSlice &
  AlertSlice &
  ClockSlice &
  DragSlice;
export type PullboardStore = StoreApi<PullboardState>;

type SetState = StoreApi<PullboardState>['setState'];
type GetState = StoreApi<PullboardState>['getState'];

const MAX_ALERTS = 3;
/** The refused list is read and cleared by a person; past this the oldest go. */
const MAX_REFUSED = 200;

/** The board screens should show after `confirmed` or `pending` changed. */
function visible(confirmed: BoardState, pending: PendingCommand[], identity: Identity): BoardState {
  return pending.length === 0 ? confirmed : rebase(confirmed, pending, identity);
}

const boardSlice = (set: SetState, get: GetState): BoardSlice => ({
  confirmed: emptyBoard,
  board: emptyBoard,
  hasBoard: false,
  loadSnapshot(snapshot) {
    const { identity } = get();
    // Objects that did not change keep their identity, so a resync re-renders only
    // the cards that really moved while this screen was away.
    const confirmed = keepIdentity(get().confirmed, boardFromSnapshot(snapshot));
    const pending = settle(confirmed.seq, get().pending);
    set({ confirmed, pending, hasBoard: true, board: visible(confirmed, pending, identity) });
  },
  restoreBoard(snapshot, syncedAt) {
    if (get().hasBoard) return; // the server's own board is already here
    get().loadSnapshot(snapshot);
    const c = get().connection;
    if (c.status !== ConnectionStatus.LIVE) {
      get().setConnection({ since: Math.min(syncedAt, c.since ?? syncedAt), lastSyncAt: syncedAt });
    }
  },
  receiveEvents(events) {
    const start = get().confirmed;
    // One writer for the whole batch: each map is copied once, not once per event
    // (a replay of thousands of events on a large board stays a few milliseconds).
    const writer = new BoardWriter(start);
    let gap: ReceiveResult['gap'] = null;
    let applied = 0;
    for (const e of events) {
      const seq = writer.state.seq;
      if (e.seq <= seq) continue; // already applied (replay overlap)
      if (e.seq !== seq + 1) {
        gap = { expected: seq + 1, got: e.seq };
        break;
      }
      writer.apply(e);
      applied++;
    }
    const confirmed: BoardState = applied > 0 ? writer.state : start;
    if (confirmed !== start) {
      const { identity } = get();
      const pending = settle(confirmed.seq, get().pending);
      set({ confirmed, pending, board: visible(confirmed, pending, identity) });
    }
    return { applied, gap };
  },
  receiveChanges(changes) {
    const start = get().confirmed;
    if (changes.fromSeq > start.seq) return { applied: 0, gap: { expected: start.seq + 1, got: changes.fromSeq + 1 } };
    if (changes.seq <= start.seq) return { applied: 0, gap: null };
    const confirmed = applyChanges(start, changes);
    const { identity } = get();
    const pending = settle(confirmed.seq, get().pending);
    set({ confirmed, pending, board: visible(confirmed, pending, identity) });
    return { applied: confirmed.seq - start.seq, gap: null };
  },
});

const pendingSlice = (set: SetState, get: GetState): PendingSlice => ({
  pending: [],
  identity: NOBODY,
  setIdentity(identity) {
    const { confirmed, pending } = get();
    set({ identity, board: visible(confirmed, pending, identity) });
  },
  beginCommand(key, command, label, origin) {
    const { board, confirmed, identity, connection } = get();
    const cardId = targetCard(board, command);
    const p: PendingCommand = {
      key,
      command,
      ...toWire(command, key),
      label,
      cardId,
      baseVersion: cardId === null ? null : (board.cards[cardId]?.version ?? null),
      issuedAt: new Date().toISOString(),
      ackSeq: null,
      origin: origin ?? { actor: identity.name, screen: '' },
      deferred: connection.status !== ConnectionStatus.LIVE,
    };
    const pending = [...get().pending, p];
    set({ pending, board: visible(confirmed, pending, identity) });
    return p;
  },
  settleCommand(key, ack) {
    const { confirmed, identity } = get();
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
    set({ pending, board: visible(confirmed, pending, identity) });
    if (ack.ok) return;
    const board = get().board;
    if (!p.deferred) {
      get().pushAlert('refusal', refusalMessage(p.label, ack.error, board));
      return;
    }
    get().addRefused([
      {
        key: p.key,
        label: p.label,
        reason: refusalReason(ack.error, board),
        code: ack.error.code,
        madeAt: p.issuedAt,
        refusedAt: Date.now(),
        origin: p.origin,
      },
    ]);
  },
  restoreOutbox(commands, refused) {
    const { confirmed, identity } = get();
    const current = get().pending;
    const have = new Set(current.map((p) => p.key));
    const restored = commands
      .filter((p) => !have.has(p.key))
      .map((p) => ({ ...p, ackSeq: null, deferred: true }));
    const pending = [...restored, ...current];
    set({ pending, board: visible(confirmed, pending, identity) });
    get().addRefused(refused);
  },
});

const refusedSlice = (set: SetState, get: GetState): RefusedSlice => ({
  refused: [],
  dismissRefused(keys) {
    if (get().refused.length === 0) return;
    const drop = keys ? new Set(keys) : null;
    set({ refused: drop ? get().refused.filter((r) => !drop.has(r.key)) : [] });
  },
  addRefused(moves) {
    const have = new Set(get().refused.map((r) => r.key));
    const add = moves.filter((r) => !have.has(r.key));
    if (add.length === 0) return;
    set({ refused: [...get().refused, ...add].slice(-MAX_REFUSED) });
  },
});

const connectionSlice = (set: SetState): ConnectionSlice => ({
  connection: { status: ConnectionStatus.RECONNECTING, since: Date.now(), lastSyncAt: null, syncing: false, logId: null },
  setConnection(patch) {
    set((s) => {
      const connection = { ...s.connection, ...patch };
      // A command still unanswered when the link goes down has to wait: its answer
      // (maybe a refusal) will come after the operator has moved on.
      const waits = connection.status !== ConnectionStatus.LIVE && s.pending.some((p) => p.ackSeq === null && !p.deferred);
      if (!waits) return { connection };
      return { connection, pending: s.pending.map((p) => (p.ackSeq === null && !p.deferred ? { ...p, deferred: true } : p)) };
    });
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
    ...refusedSlice(set, get),
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
