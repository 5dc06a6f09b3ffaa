// The catch-up policy: what a screen that fell behind is sent.
//
// Pullboard's own screens opt in (`board:subscribe {afterSeq, changes: true}`) and get a
// change set (shared/changes.ts): the current state of every station, loop and card
// changed since their seq, and the ids removed. The server knows what changed without
// reading the log: `ChangeIndex` keeps, for every object, the seq of its last change
// (removed ids stay as tombstones), updated from every committed batch. Measured on a
// 1,000-card board like the benchmark's, after 10,000 moves: reading the missed events
// back from the log to see what they touched costs ~1 ms at 100 events and ~190 ms at
// 10,000 (SQLite reads and JSON parsing; it grows with the gap, and a busy server would
// pay it for every screen that reconnects), while the index answers in under 0.3 ms
// whatever the gap, for ~0.5 KB of memory per object (~0.5 MB for that board). Below
// its horizon (where it started: the log tail it was rebuilt from at startup) it knows
// nothing, and a screen from before then gets a snapshot. A change set that would not be
// smaller than the board is answered with a snapshot too.
//
// Callers that do not opt in (outside tools) keep the replay policy: the missed events
// while that is cheaper than the whole board, a snapshot otherwise.
import { boardObjectCount, changeSetOf, ENTITY_KINDS, forEachTouched, noChanges, smallerThanSnapshot } from '../shared/changes.ts';
import type { BoardChanges, EntityKind } from '../shared/changes.ts';
import type { BoardState } from '../shared/board.ts';
import type { BoardEvent } from '../shared/schemas.ts';

export interface CatchUpLog {
  /** The oldest seq still kept (1 unless pruned), or null when the log is empty. */
  firstSeq(): number | null;
  /** Events with seq > after, oldest first, at most `limit`. */
  eventsAfter(after: number, limit: number): BoardEvent[];
}

// ---------------------------------------------------------------- replay (no opt-in)

/**
 * A subscriber further behind than max(REPLAY_MIN_EVENTS, half the board's cards), and
 * never more than REPLAY_MAX_EVENTS, gets a snapshot instead of a replay (server only:
 * clients just take what they are sent).
 */
const REPLAY_MIN_EVENTS = 200;
const REPLAY_MAX_EVENTS = 20_000;

/**
 * How many missed events a subscriber may be sent before a snapshot is cheaper: an event
 * carries about one card, so past about half the board's cards the snapshot wins
 * (measured by the benchmark's catch-up figure).
 */
export function replayLimit(cardCount: number): number {
  return Math.min(REPLAY_MAX_EVENTS, Math.max(REPLAY_MIN_EVENTS, Math.ceil(cardCount / 2)));
}

/** Whether the events after `after` should be replayed (else: a snapshot, or nothing when up to date). */
export function shouldReplay(after: number, seq: number, cardCount: number, log: CatchUpLog): boolean {
  if (after >= seq) return false;
  if (seq - after > replayLimit(cardCount)) return false;
  const first = log.firstSeq();
  return first !== null && first <= after + 1;
}

// ---------------------------------------------------------------- change sets (opt-in)

/**
 * How many events the index is rebuilt from at startup (~13 µs each: ~0.25 s for all of
 * them). Screens that were live before a restart come back a few events behind, and
 * get changes rather than all asking for a snapshot at once; this many covers screens
 * that were off for a long while too. Older ones get a snapshot.
 */
const REBUILD_EVENTS = 20_000;

/**
 * Removed ids (tombstones) the index keeps beyond the live objects before it forgets the
 * oldest entries (and raises its horizon past them). Cards are removed only when a
 * loop's card count is lowered, so this is a bound, not a working size.
 */
const TOMBSTONE_SLACK = 10_000;

/**
 * Every station, loop and card changed since the index's horizon, with the seq of its
 * last change. It is told every committed batch (`record`), in seq order, with the board
 * that holds it, and reads the board only to answer (`changesSince`).
 */
export class ChangeIndex {
  /** The index knows every change after this seq, and nothing at or before it. */
  private horizonSeq: number;
  /** The last seq recorded. */
  private seq: number;
  /**
   * Id -> seq of its last change, per kind. An id is deleted and set again on every
   * change, so each map iterates in the order of last change (oldest first).
   */
  private readonly last: Record<EntityKind, Map<string, number>> = {
    stations: new Map(),
    loops: new Map(),
    cards: new Map(),
  };
  /** Size a map may reach before it is checked for too many tombstones. */
  private readonly checkAt: Record<EntityKind, number>;

  /** An index that knows nothing before `seq` (the board's seq when it starts). */
  constructor(
    seq: number,
    private readonly slack = TOMBSTONE_SLACK,
  ) {
    this.horizonSeq = seq;
    this.seq = seq;
    this.checkAt = { stations: slack, loops: slack, cards: slack };
  }

  /**
   * An index of the board that knows the changes of the last `depth` events still in
   * the log (fewer if the log is shorter or pruned).
   */
  static fromLog(board: BoardState, log: CatchUpLog, depth = REBUILD_EVENTS, slack = TOMBSTONE_SLACK): ChangeIndex {
    const index = new ChangeIndex(board.seq, slack);
    const first = log.firstSeq();
    if (first === null || depth <= 0) return index;
    const from = Math.max(first - 1, board.seq - depth);
    if (from >= board.seq) return index;
    const tail = log.eventsAfter(from, board.seq - from);
    if (tail.length !== board.seq - from || tail[0]?.seq !== from + 1) return index; // not the log we expected: know nothing
    index.horizonSeq = from;
    index.seq = from;
    index.record(tail, board);
    return index;
  }

  /** The oldest `afterSeq` this index can answer with changes. */
  get horizon(): number {
    return this.horizonSeq;
  }

  /** Notes the objects a committed batch touched; `board` already holds the batch. */
  record(events: readonly BoardEvent[], board: BoardState): void {
    for (const e of events) {
      if (e.seq !== this.seq + 1) {
        // A gap (never expected): what changed in it is unknown, so forget everything.
        for (const kind of ENTITY_KINDS) this.last[kind].clear();
        this.horizonSeq = e.seq - 1;
      }
      forEachTouched(e, (kind, id) => {
        const m = this.last[kind];
        m.delete(id);
        m.set(id, e.seq);
      });
      this.seq = e.seq;
    }
    for (const kind of ENTITY_KINDS) if (this.last[kind].size > this.checkAt[kind]) this.forgetTombstones(kind, board);
  }

  /**
   * The change set from `afterSeq` to the board, or null when a snapshot should be sent
   * instead: `afterSeq` is before the horizon or after the board, or the change set would
   * not have fewer objects than the board.
   */
  changesSince(afterSeq: number, board: BoardState): BoardChanges | null {
    if (afterSeq < this.horizonSeq || afterSeq > this.seq || this.seq !== board.seq) return null;
    if (afterSeq === this.seq) return noChanges(afterSeq);
    const total = boardObjectCount(board);
    const touched: Record<EntityKind, string[]> = { stations: [], loops: [], cards: [] };
    let changed = 0;
    for (const kind of ENTITY_KINDS) {
      for (const [id, seq] of this.last[kind]) {
        if (seq <= afterSeq) continue;
        touched[kind].push(id);
        if (!smallerThanSnapshot(++changed, total)) return null;
      }
    }
    return changeSetOf(board, afterSeq, touched);
  }

  /** Entries kept, per kind (tests and diagnostics). */
  size(kind: EntityKind): number {
    return this.last[kind].size;
  }

  /**
   * Too many ids that are no longer on the board: forgets the oldest entries (live or
   * not) down to the live count plus half the slack, and moves the horizon past them.
   */
  private forgetTombstones(kind: EntityKind, board: BoardState): void {
    const m = this.last[kind];
    const live = Object.keys(board[kind]).length;
    if (m.size > live + this.slack) {
      const keep = live + Math.floor(this.slack / 2);
      for (const [id, seq] of m) {
        if (m.size <= keep) break;
        m.delete(id);
        if (seq > this.horizonSeq) this.horizonSeq = seq;
      }
    }
    this.checkAt[kind] = live + this.slack;
  }
}
