// The outbox kept on the device. A move made on a tablet is a physical fact (a container
// was started, finished or used), so it must survive a dropped Wi-Fi, a reload, a
// crashed browser or a rebooted tablet until the server has answered it:
//
//   pullboard.outbox.v1  the unanswered commands (event, payload with its idempotency
//                        key, label, when and where they were made) and the refused
//                        list, written on every change
//   pullboard.board.v1   the last confirmed board and its seq: written when the page is
//                        hidden, when a move is made on a board newer than the cache
//                        (so the move's card versions match the cache after a reload),
//                        and otherwise at most every 10 s (a 1,000-card board is a few
//                        hundred kB; the first subscribe after a reload catches up anyway)
//
// At start (before the first subscribe) both are restored: the cached board is shown as
// "not live since <time it was last in step>", the pending moves on top of it, and the
// first subscribe resumes from the cached seq, so the server sends exactly the missed
// events (or a snapshot when they are too old). An entry leaves the outbox only when the
// server answered it (ok or a refusal); a refusal moves it to the refused list, which is
// kept until the operator dismisses it.
//
// Several tabs of one origin share localStorage. Each tab writes what it holds plus the
// entries of others it has never held, so no tab erases another's unsent moves; the
// entries a tab finds at start are sent by that tab too, which the idempotency keys make
// harmless (a repeat gets the first answer and changes nothing). A restored move is sent
// by whichever screen the device opens next, so the event log names that screen's actor;
// the entry keeps where it was made (`origin`). A move is never dropped for being made on
// another screen of the same device.
import { snapshotOf } from '../../../shared/board.ts';
import { commandTypeOfEvent } from '../../../shared/commands.ts';
import { PROTOCOL_VERSION } from '../../../shared/protocol.ts';
import { COLUMNS } from '../../../shared/names.ts';
import type { BoardSnapshot } from '../../../shared/schemas.ts';
import type { PullboardStore, RefusedMove } from './store.ts';
import type { PendingCommand } from './optimistic.ts';
import { ClientErrorCode, refusalReason } from './messages.ts';
import { clockTime } from '../format.ts';
import { currentLocale, tr } from '../i18n/store.ts';

export const OUTBOX_KEY = 'pullboard.outbox.v1';
export const BOARD_KEY = 'pullboard.board.v1';

/**
 * An unsent move older than this is not sent any more; it is listed as not sent. A week
 * covers a long weekend with the Wi-Fi down, and stays well inside the 30 days the server
 * remembers idempotency keys (PULLBOARD_IDEMPOTENCY_DAYS): a resend of a move that did
 * reach the server before its answer was lost must still be recognised as a repeat.
 */
export const OUTBOX_MAX_AGE_MS = 7 * 24 * 60 * 60_000;

/** The part of the DOM Storage API used here (tests pass an in-memory one). */
export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/**
 * An outbox entry as stored: a pending command before the server answered it, and the
 * protocol version it was made under (absent: made before versions were recorded).
 */
export type StoredCommand = Omit<PendingCommand, 'ackSeq' | 'deferred'> & { protocol?: number };

interface OutboxDoc {
  v: 1;
  commands: StoredCommand[];
  refused: RefusedMove[];
}

interface BoardDoc {
  v: 1;
  /** The client build that wrote it: another build may read cards differently. */
  build: string;
  /** When this board was last known to be in step with the server (ms). */
  syncedAt: number;
  snapshot: BoardSnapshot;
  /** The server log the snapshot's seq belongs to. */
  logId?: string | null;
}

// ---------------------------------------------------------------- reading, defensively
// Storage can hold anything (an older build, a half-written value, a curious person), and
// a bad value must never break the screen: anything unexpected is ignored.

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
function isOrigin(v: unknown): v is StoredCommand['origin'] {
  return isObj(v) && isStr(v.actor) && isStr(v.screen);
}

function isStoredCommand(v: unknown): v is StoredCommand {
  if (!isObj(v) || !isStr(v.key) || v.key.length === 0 || !isStr(v.label) || !isStr(v.issuedAt)) return false;
  if (!isObj(v.command) || !isStr(v.command.type) || !isStr(v.event) || commandTypeOfEvent(v.event) !== v.command.type) return false;
  if (!isObj(v.payload) || v.payload.idempotencyKey !== v.key) return false;
  if (v.protocol !== undefined && !isNum(v.protocol)) return false;
  if (!(v.cardId === null || isStr(v.cardId)) || !(v.baseVersion === null || isNum(v.baseVersion))) return false;
  return isOrigin(v.origin) && Number.isFinite(Date.parse(v.issuedAt));
}

function isRefusedMove(v: unknown): v is RefusedMove {
  return (
    isObj(v) &&
    isStr(v.key) &&
    isStr(v.label) &&
    isStr(v.reason) &&
    isStr(v.code) &&
    isStr(v.madeAt) &&
    isNum(v.refusedAt) &&
    isOrigin(v.origin)
  );
}

function parse(storage: KeyValueStorage, key: string): unknown {
  try {
    const raw = storage.getItem(key);
    return raw === null ? null : (JSON.parse(raw) as unknown);
  } catch {
    return null;
  }
}

/** The stored outbox; malformed entries are skipped. */
export function readOutbox(storage: KeyValueStorage): { commands: StoredCommand[]; refused: RefusedMove[] } {
  const doc = parse(storage, OUTBOX_KEY);
  if (!isObj(doc) || doc.v !== 1) return { commands: [], refused: [] };
  const commands = Array.isArray(doc.commands) ? doc.commands.filter(isStoredCommand) : [];
  const refused = Array.isArray(doc.refused) ? doc.refused.filter(isRefusedMove) : [];
  return { commands, refused };
}

const COLUMN_SET = new Set<string>(COLUMNS);

function isSnapshot(v: unknown): v is BoardSnapshot {
  if (!isObj(v) || !isNum(v.seq) || !Array.isArray(v.stations) || !Array.isArray(v.loops) || !Array.isArray(v.cards)) {
    return false;
  }
  const stationOk = (s: unknown) =>
    isObj(s) && isStr(s.id) && isStr(s.name) && isStr(s.kind) && isNum(s.position) && isObj(s.wipLimits) && isObj(s.softLimits);
  const loopOk = (l: unknown) =>
    isObj(l) &&
    isStr(l.id) &&
    isStr(l.partNumber) &&
    isStr(l.partName) &&
    isStr(l.supplierStationId) &&
    isStr(l.consumerStationId) &&
    isNum(l.cardCount) &&
    isNum(l.containerQty) &&
    isNum(l.leadTimeMinutes) &&
    Array.isArray(l.inputLoopIds);
  const cardOk = (c: unknown) =>
    isObj(c) &&
    isStr(c.id) &&
    isStr(c.loopId) &&
    isStr(c.stationId) &&
    isStr(c.column) &&
    COLUMN_SET.has(c.column) &&
    isNum(c.serial) &&
    isNum(c.version) &&
    isNum(c.cycle) &&
    isStr(c.rank) &&
    isStr(c.enteredAt) &&
    isNum(c.enteredSeq) &&
    (c.requestedAt === null || isStr(c.requestedAt));
  return v.stations.every(stationOk) && v.loops.every(loopOk) && v.cards.every(cardOk);
}

/** The cached board, if this build wrote it and it is well formed. */
function readBoard(
  storage: KeyValueStorage,
  build: string,
): { snapshot: BoardSnapshot; syncedAt: number; logId: string | null } | null {
  const doc = parse(storage, BOARD_KEY);
  if (!isObj(doc) || doc.v !== 1 || doc.build !== build || !isNum(doc.syncedAt) || !isSnapshot(doc.snapshot)) return null;
  return { snapshot: doc.snapshot, syncedAt: doc.syncedAt, logId: isStr(doc.logId) ? doc.logId : null };
}

/** Merges two lists, each kept in its own order, taking the earlier head first. */
function mergeByTime(a: StoredCommand[], b: StoredCommand[]): StoredCommand[] {
  const out: StoredCommand[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (Date.parse(b[j]!.issuedAt) < Date.parse(a[i]!.issuedAt)) out.push(b[j++]!);
    else out.push(a[i++]!);
  }
  return out.concat(a.slice(i), b.slice(j));
}

function toStored(p: PendingCommand): StoredCommand {
  const { ackSeq: _a, deferred: _d, ...stored } = p;
  return { ...stored, protocol: PROTOCOL_VERSION };
}

// ---------------------------------------------------------------- keeping the store on disk

export interface OutboxStorageOptions {
  /** Identifies the client build (the board cache of another build is not used). */
  build: string;
  /** A move older than this at start is listed as not sent instead of being sent. */
  maxAgeMs?: number;
  /** How long after a board change the board cache is written (at the latest). */
  boardDelayMs?: number;
  now?: () => number;
  /** Storage refused a write (full, or blocked by the browser). Called once per problem. */
  onError?: (message: string) => void;
}

export interface OutboxStorage {
  /** Writes the board cache now (the page is being hidden or unloaded). */
  flush(): void;
  detach(): void;
}

/**
 * Restores the outbox, the refused list and the cached board into the store, then keeps
 * storage in step with the store. Call before the first subscribe.
 */
export function attachOutboxStorage(
  store: PullboardStore,
  storage: KeyValueStorage,
  opts: OutboxStorageOptions,
): OutboxStorage {
  const now = opts.now ?? (() => Date.now());
  const maxAgeMs = opts.maxAgeMs ?? OUTBOX_MAX_AGE_MS;
  const boardDelayMs = opts.boardDelayMs ?? 10_000;
  /** Keys this tab has held: the ones missing from its lists were answered or dismissed. */
  const known = new Set<string>();
  let failed = false;

  // ------------------------------------------------------------ restore
  const cached = readBoard(storage, opts.build);
  if (cached) {
    store.getState().restoreBoard(cached.snapshot, cached.syncedAt);
    if (cached.logId !== null && store.getState().connection.logId === null) {
      store.getState().setConnection({ logId: cached.logId });
    }
  }

  const { commands, refused } = readOutbox(storage);
  const oldest = now() - maxAgeMs;
  const fresh: PendingCommand[] = [];
  const expired: RefusedMove[] = [];
  for (const c of commands) {
    const made = Date.parse(c.issuedAt);
    const { protocol, ...entry } = c;
    // A move made under another protocol version may mean something else to this server:
    // it is listed for the operator to check, never sent blindly.
    const sameProtocol = protocol === PROTOCOL_VERSION;
    if (made >= oldest && sameProtocol) {
      fresh.push({ ...entry, ackSeq: null, deferred: true });
      continue;
    }
    const days = Math.round(maxAgeMs / 86_400_000);
    const error = sameProtocol
      ? {
          code: ClientErrorCode.EXPIRED,
          message: tr()('outbox.expired', { date: new Date(made).toLocaleDateString(currentLocale()), time: clockTime(made), days }),
        }
      : {
          code: ClientErrorCode.OLD_VERSION,
          message: tr()('outbox.oldVersion', { date: new Date(made).toLocaleDateString(currentLocale()), time: clockTime(made) }),
        };
    expired.push({
      key: c.key,
      label: c.label,
      reason: refusalReason(error, store.getState().board),
      code: error.code,
      madeAt: c.issuedAt,
      refusedAt: now(),
      origin: c.origin,
    });
  }
  for (const c of commands) known.add(c.key);
  for (const r of refused) known.add(r.key);
  store.getState().restoreOutbox(fresh, [...refused, ...expired]);
  if (expired.length > 0) writeOutbox();

  // ------------------------------------------------------------ write
  function write(key: string, value: string): boolean {
    try {
      storage.setItem(key, value);
      failed = false;
      return true;
    } catch {
      return false;
    }
  }

  function report(message: string): void {
    if (failed) return;
    failed = true;
    opts.onError?.(message);
  }

  function writeOutbox(): void {
    const s = store.getState();
    const ours = s.pending.filter((p) => p.ackSeq === null).map(toStored);
    for (const c of ours) known.add(c.key);
    for (const r of s.refused) known.add(r.key);
    // What other tabs wrote and this one never held stays.
    const other = readOutbox(storage);
    const doc: OutboxDoc = {
      v: 1,
      // Each tab's moves stay in the order they were made (never re-sorted by the device
      // clock: a clock stepped back must not put a Finish before its Start); the two
      // lists are interleaved by time only where they meet.
      commands: mergeByTime(ours, other.commands.filter((c) => !known.has(c.key))),
      refused: [...s.refused, ...other.refused.filter((r) => !known.has(r.key))],
    };
    const json = JSON.stringify(doc);
    if (write(OUTBOX_KEY, json)) return;
    // Full: the board cache is only a convenience, unsent moves are not.
    storage.removeItem(BOARD_KEY);
    if (!write(OUTBOX_KEY, json)) {
      report(tr()('outbox.storageFull'));
    }
  }

  let boardTimer: ReturnType<typeof setTimeout> | null = null;
  let boardSeq = cached?.snapshot.seq ?? -1;
  function writeBoard(): void {
    if (boardTimer) clearTimeout(boardTimer);
    boardTimer = null;
    const s = store.getState();
    if (!s.hasBoard || s.confirmed.seq === boardSeq) return;
    const doc: BoardDoc = {
      v: 1,
      build: opts.build,
      syncedAt: s.connection.lastSyncAt ?? now(),
      snapshot: snapshotOf(s.confirmed),
      logId: s.connection.logId,
    };
    if (write(BOARD_KEY, JSON.stringify(doc))) boardSeq = s.confirmed.seq;
    else storage.removeItem(BOARD_KEY); // a stale cache would be worse than none
  }

  const unsubscribe = store.subscribe((s, prev) => {
    if (s.pending !== prev.pending || s.refused !== prev.refused) {
      writeOutbox();
      // A new move was made against the board shown now: keep the cache in step with it.
      if (s.pending.length > prev.pending.length && s.confirmed.seq !== boardSeq) writeBoard();
    }
    if (s.confirmed !== prev.confirmed && boardTimer === null) boardTimer = setTimeout(writeBoard, boardDelayMs);
  });

  return {
    flush: writeBoard,
    detach() {
      unsubscribe();
      if (boardTimer) clearTimeout(boardTimer);
    },
  };
}
