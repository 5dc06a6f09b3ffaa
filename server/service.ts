// The board service composes the parts that turn a command into committed events: the
// pull rules (shared/rules.ts `decide`), group commit (groupCommit.ts: the commands of one
// event-loop turn share one transaction), idempotency keys (idempotency.ts), ids (ids.ts)
// and the catch-up policy (catchup.ts). It knows nothing of Express, Socket.IO or HTTP
// statuses: transports call `submit` and shape the answer, and subscribe to committed
// events with `onEvents`. Events are published as soon as their transaction commits,
// before the answers of the batch are handed back.
import { cardCode } from '../shared/cardCode.ts';
import { BoardWriter, indexBoard, snapshotOf } from '../shared/board.ts';
import type { BoardState } from '../shared/board.ts';
import type { Command, CommandType } from '../shared/commands.ts';
import { DomainError } from '../shared/errors.ts';
import { ErrorCode, Role } from '../shared/names.ts';
import { cardAfter, decide, lastChangeOf } from '../shared/rules.ts';
import type { CardLastChange, CommandContext } from '../shared/rules.ts';
import { DEFAULT_PLANT_LIMITS } from '../shared/limits.ts';
import type { PlantLimits } from '../shared/limits.ts';
import type { Actor, BoardEvent, BoardSnapshot } from '../shared/schemas.ts';
import type { BoardChanges } from '../shared/changes.ts';
import { ChangeIndex, shouldReplay, replayLimit } from './catchup.ts';
import type { BoardRepository, IdempotencyRecord, SharedLog, SyncBoardRepository } from './db/repository.ts';
import { GroupCommit, MAX_BATCH } from './groupCommit.ts';
import { fingerprintOf, recall, recordOf } from './idempotency.ts';
import type { Answer } from './idempotency.ts';
import { idInUse, newId } from './ids.ts';
import type { Logger } from './logger.ts';

export interface ExecuteMeta {
  /** Who runs it (a user, device or token; the system for the seed). */
  actor: Actor;
  role: Role;
  /** The stations an operator is bound to. */
  stationIds?: readonly string[];
  idempotencyKey?: string | undefined;
  /** Event time; only the demo seed sets it (to place its history in the past). */
  now?: Date;
}

/** The outcome of a command: its answer, the events it committed, and whether it was a repeat. */
export type Outcome<K extends CommandType = CommandType> = Answer<K> & {
  events: BoardEvent[];
  /** The answer was recalled for a repeated Idempotency-Key; nothing ran. */
  replayed: boolean;
};

/** What one transaction collects from the commands it holds. */
class Batch {
  readonly events: BoardEvent[] = [];
  readonly records: IdempotencyRecord[] = [];
  readonly keys = new Map<string, IdempotencyRecord>();
  readonly undos: Array<() => void> = [];
  /** The transaction committed: nothing may be undone any more. */
  committed = false;

  /** Restores the live board, newest decision first; a second call does nothing. */
  undo(): void {
    for (let i = this.undos.length - 1; i >= 0; i--) this.undos[i]!();
    this.undos.length = 0;
  }
}

interface Job {
  /** Decides the command into the batch; returns the function that answers it. */
  decide(batch: Batch): () => void;
  reject(err: unknown): void;
  /** What deciding it reads from storage (read ahead, under the lock, on a shared log). */
  reads: { key?: string | undefined; undoCardId?: string | undefined };
}

/** A repository that several servers write (PostgreSQL), loaded and ready to serve. */
export interface SharedStart {
  shared: BoardRepository & SharedLog;
  state: BoardState;
  /** The newest events of the log (oldest first, ending at state.seq), for catch-up. */
  tail: BoardEvent[];
}

/** The storage reads of one command group on a shared log, made under the lock. */
interface LockedReads {
  keys: Map<string, IdempotencyRecord>;
  histories: Map<string, BoardEvent[]>;
}

/** How many recent events a shared-log server keeps in memory for replays (catchup.ts bounds replays to this). */
const RECENT_EVENTS = 20_000;

export class BoardService {
  private readonly state: BoardState;
  private readonly repo: BoardRepository;
  /** The embedded repository (SQLite): every read and commit answers now. */
  private readonly sync: SyncBoardRepository | null;
  /** A log other servers write too (PostgreSQL): groups run under its lock. */
  private readonly shared: (BoardRepository & SharedLog) | null;
  /** Shared log: the newest events in memory (replays for screens a little behind). */
  private readonly recent: BoardEvent[] = [];
  /** Shared log: commands waiting for the group in flight to finish. */
  private readonly waiting: Job[] = [];
  /** Shared log: a group (or a catch-up) is running; one at a time. */
  private running: Promise<void> | null = null;
  /** Shared log: the newest seq another server said it committed. */
  private heardSeq = 0;
  /** Shared log: the reads of the group being decided. */
  private reads: LockedReads | null = null;
  private stopWatching: (() => Promise<void>) | null = null;
  private readonly listeners = new Set<(events: BoardEvent[]) => void>();
  private readonly commits: GroupCommit<Job>;
  /** What changed since when, for change-set catch-up (catchup.ts). */
  private readonly changeIndex: ChangeIndex;
  private closed = false;

  private readonly limits: PlantLimits;

  /**
   * On the embedded repository (SQLite) directly; on a shared one (PostgreSQL) through
   * `BoardService.openShared`, which loads the board first.
   */
  constructor(
    source: SyncBoardRepository | SharedStart,
    private readonly log: Logger,
    opts: { limits?: PlantLimits | undefined } = {},
  ) {
    this.limits = opts.limits ?? DEFAULT_PLANT_LIMITS;
    if ('shared' in source) {
      this.repo = source.shared;
      this.sync = null;
      this.shared = source.shared;
      this.state = source.state;
      this.recent.push(...source.tail);
      const recent = this.recentLog();
      indexBoard(this.state);
      this.changeIndex = ChangeIndex.fromLog(this.state, recent);
      this.commits = new GroupCommit((jobs) => {
        this.waiting.push(...jobs);
        this.pump();
      });
    } else {
      this.repo = source;
      this.sync = source;
      this.shared = null;
      this.state = source.loadState();
      indexBoard(this.state);
      this.commits = new GroupCommit((jobs) => this.runBatch(jobs));
      this.changeIndex = ChangeIndex.fromLog(this.state, source);
    }
    this.heardSeq = this.state.seq;
    // The first listener: the index knows a batch before any subscriber is told of it.
    this.onEvents((events) => this.changeIndex.record(events, this.state));
    if (this.shared) {
      this.onEvents((events) => {
        this.recent.push(...events);
        if (this.recent.length > RECENT_EVENTS * 1.25) this.recent.splice(0, this.recent.length - RECENT_EVENTS);
      });
    }
  }

  /**
   * A service on a log that several servers write (PostgreSQL): loads the board and the
   * log's tail, then follows the other servers' commits (LISTEN/NOTIFY, and the log
   * read from its own last seq so a lost notification is caught by the next one).
   */
  static async openShared(
    shared: BoardRepository & SharedLog,
    log: Logger,
    opts: { limits?: PlantLimits | undefined } = {},
  ): Promise<BoardService> {
    const state = await shared.loadState();
    const first = await shared.firstSeq();
    const from = first === null ? state.seq : Math.max(first - 1, state.seq - RECENT_EVENTS);
    const tail = from < state.seq ? await shared.eventsAfter(from, state.seq - from) : [];
    const service = new BoardService({ shared, state, tail }, log, opts);
    service.stopWatching = await shared.watch((seq) => service.heard(seq));
    // A commit between loading and listening is caught here.
    service.heard(-1);
    return service;
  }

  /** The events in memory (shared log), as a catch-up log. */
  private recentLog(): { firstSeq(): number | null; eventsAfter(after: number, limit: number): BoardEvent[] } {
    return {
      firstSeq: () => this.recent[0]?.seq ?? null,
      eventsAfter: (after, limit) => {
        const first = this.recent[0]?.seq;
        if (first === undefined) return [];
        const from = Math.max(0, after + 1 - first);
        return this.recent.slice(from, from + limit);
      },
    };
  }

  /** Another server committed up to `seq` (-1: unknown, read the log anyway). */
  private heard(seq: number): void {
    this.heardSeq = seq < 0 ? Number.MAX_SAFE_INTEGER : Math.max(this.heardSeq, seq);
    this.pump();
  }

  /** Shared log: starts the next group (or a catch-up) unless one is running. */
  private pump(): void {
    if (this.running !== null) return;
    const catchUp = this.heardSeq > this.state.seq;
    if (this.waiting.length === 0 && !catchUp) return;
    const jobs = this.waiting.splice(0, MAX_BATCH);
    if (jobs.length === 0) this.heardSeq = this.state.seq;
    this.running = (jobs.length > 0 ? this.runShared(jobs) : this.catchUp()).finally(() => {
      this.running = null;
      this.pump();
    });
  }

  /** Shared log: applies and publishes what the other servers committed since our seq. */
  private async catchUp(): Promise<void> {
    try {
      for (;;) {
        const events = await this.repo.eventsAfter(this.state.seq, 1000);
        if (events.length === 0) return;
        this.applyCommitted(events);
      }
    } catch (err) {
      this.log.error('reading the shared event log failed', err instanceof Error ? err.message : err);
    }
  }

  /** Events another server committed: onto the live board, then to the subscribers. */
  private applyCommitted(events: BoardEvent[]): void {
    const fresh = events.filter((e) => e.seq > this.state.seq);
    if (fresh.length === 0) return;
    const w = new BoardWriter(this.state, true);
    for (const e of fresh) w.apply(e);
    this.publish(fresh);
  }

  /**
   * Shared log: one group under the board's lock: the others' events first, then the
   * group's reads, decisions and commit in the same transaction; then answers.
   */
  private async runShared(jobs: Job[]): Promise<void> {
    const shared = this.shared!;
    const batch = new Batch();
    let answers: Array<() => void> = [];
    try {
      await shared.writeLocked(this.state.seq, async (tx) => {
        this.applyCommitted(tx.missed);
        // The group's keys in one query; undo histories (rare) one card at a time.
        const keys = [...new Set(jobs.flatMap((j) => (j.reads.key === undefined ? [] : [j.reads.key])))];
        const reads: LockedReads = { keys: await tx.findIdempotencies(keys), histories: new Map() };
        for (const j of jobs) {
          const id = j.reads.undoCardId;
          if (id !== undefined && !reads.histories.has(id)) reads.histories.set(id, await tx.cardHistory(id, 2));
        }
        this.reads = reads;
        try {
          answers = jobs.map((j) => j.decide(batch));
        } finally {
          this.reads = null;
        }
        return { events: batch.events, state: this.state, idempotency: batch.records };
      });
    } catch (err) {
      batch.undo();
      for (const j of jobs) j.reject(err);
      return;
    }
    batch.committed = true;
    this.publish(batch.events);
    for (const answer of answers) answer();
  }

  /** The identity of the event log (changes when a backup is restored). */
  get logId(): string {
    return this.repo.logId();
  }

  get seq(): number {
    return this.state.seq;
  }

  get board(): BoardState {
    return this.state;
  }

  snapshot(): BoardSnapshot {
    return snapshotOf(this.state);
  }

  /** Events after `after` (oldest first), or null when a snapshot should be sent instead. */
  eventsSince(after: number, limit = Number.MAX_SAFE_INTEGER): BoardEvent[] | null {
    if (after === this.state.seq) return [];
    if (this.sync) {
      if (!shouldReplay(after, this.state.seq, Object.keys(this.state.cards).length, this.sync)) return null;
      return this.sync.eventsAfter(after, limit);
    }
    // Shared log: from the events in memory (a reply in the same synchronous stretch as
    // joining the room, like the embedded path); further behind, a snapshot.
    const recent = this.recentLog();
    if (!shouldReplay(after, this.state.seq, Object.keys(this.state.cards).length, recent)) return null;
    return recent.eventsAfter(after, limit);
  }

  /**
   * The change set from `after` to the current board, or null when a snapshot should be
   * sent instead (see catchup.ts). An up-to-date `after` gets an empty change set.
   */
  changesSince(after: number): BoardChanges | null {
    return this.changeIndex.changesSince(after, this.state);
  }

  /** How many missed events a subscriber may be sent before a snapshot is cheaper. */
  replayLimit(): number {
    return replayLimit(Object.keys(this.state.cards).length);
  }

  /** What happened to a card, newest first (who moved or used it, when); null for an unknown card. */
  async cardHistory(cardId: string, limit = 200): Promise<BoardEvent[] | null> {
    if (!Object.hasOwn(this.state.cards, cardId)) return null;
    // The chain ends at the card's creation (a loop event, kept for Undo); the history
    // lists the card's own steps (docs/api.md).
    return (await this.repo.cardHistory(cardId, limit + 1)).filter((e) => 'cardId' in e).slice(0, limit);
  }

  async eventsPage(after: number, limit: number): Promise<{ events: BoardEvent[]; lastSeq: number }> {
    const lastSeq = this.state.seq;
    // Not past the seq this server has applied, so the page and lastSeq agree.
    const events = await this.repo.eventsAfter(after, Math.max(0, Math.min(limit, lastSeq - after)));
    return { events, lastSeq };
  }

  /**
   * Housekeeping: forgets idempotency keys older than `idempotencyDays` and, when
   * `eventDays` > 0, events older than that (clients further behind get a snapshot).
   */
  async prune(opts: { eventDays: number; idempotencyDays: number }, now = new Date()): Promise<{ events: number; keys: number }> {
    const ago = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();
    const events = opts.eventDays > 0 ? await this.repo.pruneEvents(ago(opts.eventDays)) : 0;
    const keys = await this.repo.pruneIdempotency(ago(opts.idempotencyDays));
    return { events, keys };
  }

  /** Calls `fn` with the events of every committed transaction, in seq order. */
  onEvents(fn: (events: BoardEvent[]) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /**
   * Runs one command now, in its own transaction (the seed and tests use this). Throws
   * only when the transaction cannot commit (then nothing changed).
   */
  execute<K extends CommandType>(command: Command<K>, meta: ExecuteMeta): Outcome<K> {
    if (!this.sync) throw new Error('execute() runs on the embedded repository only; use submit()');
    const batch = new Batch();
    const outcome = this.decideInto(batch, command, meta);
    this.commit(batch);
    return outcome;
  }

  /**
   * Queues a command for the next group commit and resolves with its outcome once the
   * transaction holding it has committed. Commands that arrive in the same turn of the
   * event loop share one durable transaction (one fsync), so under load the disk is
   * not the bottleneck; each still gets its own answer, and events keep seq order.
   */
  submit<K extends CommandType>(command: Command<K>, meta: ExecuteMeta): Promise<Outcome<K>> {
    if (this.closed) {
      return Promise.reject(
        new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'Pullboard is shutting down; nothing was changed, send it again'),
      );
    }
    return new Promise((resolve, reject) => {
      this.commits.add({
        decide: (batch) => {
          const outcome = this.decideInto(batch, command, meta);
          return () => resolve(outcome);
        },
        reject,
        reads: {
          key: scopedKey(meta),
          undoCardId: command.type === 'card.undo' && 'cardId' in command && typeof command.cardId === 'string' ? command.cardId : undefined,
        },
      });
    });
  }

  /** Commits and answers every queued command now, then refuses new ones (shutdown). */
  async close(): Promise<void> {
    this.commits.flush();
    this.closed = true;
    // Shared log: the groups in flight and queued are committed and answered first.
    while (this.running !== null) await this.running;
    if (this.stopWatching) await this.stopWatching();
  }

  /** One group commit: decide every job on the live board, commit once, then answer. */
  private runBatch(jobs: Job[]): void {
    const batch = new Batch();
    let answers: Array<() => void>;
    try {
      // Deciding reads storage too (idempotency records): a failed read must undo the
      // decisions already made on the live board, like a failed commit.
      answers = jobs.map((j) => j.decide(batch));
      this.commit(batch);
    } catch (err) {
      // commit() undoes on its own failure; a failure while deciding is undone here.
      if (!batch.committed) batch.undo();
      for (const j of jobs) j.reject(err);
      return;
    }
    for (const answer of answers) answer();
  }

  /**
   * The rules decide the command on the live board (in place, so a 1,000-card board is
   * not copied per command); its events, state and idempotency record join the batch.
   * A repeated idempotency key recalls the first answer and runs nothing.
   */
  private decideInto<K extends CommandType>(batch: Batch, command: Command<K>, meta: ExecuteMeta): Outcome<K> {
    // A key belongs to its caller: the same key from someone else is another request
    // (and neither can block or read the other's answers).
    const sent = meta.idempotencyKey;
    const key = scopedKey(meta);
    const fingerprint = key === undefined ? '' : fingerprintOf(command);
    if (key !== undefined) {
      const seen = batch.keys.get(key) ?? (this.sync ? this.sync.findIdempotency(key) : this.reads?.keys.get(key));
      if (seen) return { ...recall(command.type, fingerprint, seen, sent), events: [], replayed: seen.fingerprint === fingerprint };
    }
    // A new card's code must be free too (shared/cardCode.ts): the codes in use are
    // gathered once per command that creates cards, with the ones it draws added.
    let codes: Set<string> | undefined;
    const codeTaken = (id: string): boolean => {
      codes ??= new Set(Object.values(this.state.cards).map((c) => c.code));
      const code = cardCode(id);
      if (codes.has(code)) return true;
      codes.add(code);
      return false;
    };
    const ctx: CommandContext = {
      now: (meta.now ?? new Date()).toISOString(),
      actor: meta.actor,
      role: meta.role,
      stationIds: meta.stationIds ?? [],
      newId: (prefix) => newId(prefix, (id) => idInUse(this.state, id) || (prefix === 'cd' && codeTaken(id))),
      limits: this.limits,
      lastChange: (cardId) => this.lastChange(batch, cardId),
    };
    let answer: Answer<K>;
    let events: BoardEvent[] = [];
    try {
      const d = decide(this.state, command, ctx, { inPlace: true });
      batch.undos.push(d.undo);
      batch.events.push(...d.events);
      events = d.events;
      answer = { ok: true, result: d.result };
    } catch (err) {
      // decide() has already undone its own changes.
      if (!(err instanceof DomainError)) {
        this.log.error('command failed', err);
        // Not remembered under the key: a retry may well succeed.
        return { ok: false, error: new DomainError(ErrorCode.INTERNAL, 'Internal error; nothing was changed'), events, replayed: false };
      }
      answer = { ok: false, error: err };
    }
    if (key !== undefined) {
      const record = recordOf(key, fingerprint, answer);
      batch.records.push(record);
      batch.keys.set(key, record);
    }
    return { ...answer, events, replayed: false };
  }

  /**
   * A card's newest change and the card before it, for Undo: the batch's own events are
   * newer than the log (not committed yet), then the log's chain of the card's events.
   */
  private lastChange(batch: Batch, cardId: string): CardLastChange | undefined {
    const pending = batch.events.filter((e) => cardAfter(e, cardId) !== undefined).reverse();
    const stored = (limit: number) =>
      this.sync ? this.sync.cardHistory(cardId, limit) : (this.reads?.histories.get(cardId) ?? []).slice(0, limit);
    const chain = pending.length >= 2 ? pending : [...pending, ...stored(2 - pending.length)];
    return lastChangeOf(chain, cardId);
  }

  /**
   * Commits the batch in one transaction and publishes its events; if the transaction
   * fails, every change is undone (newest first), nobody is told anything succeeded, and
   * the error is thrown.
   */
  private commit(batch: Batch): void {
    if (batch.events.length > 0 || batch.records.length > 0) {
      try {
        this.sync!.commit({ events: batch.events, state: this.state, idempotency: batch.records });
      } catch (err) {
        batch.undo();
        throw err;
      }
    }
    batch.committed = true;
    // Committed: from here on the changes are durable and may be announced.
    this.publish(batch.events);
  }

  private publish(events: BoardEvent[]): void {
    if (events.length === 0) return;
    for (const fn of this.listeners) {
      try {
        fn(events);
      } catch (err) {
        this.log.error('event listener failed', err);
      }
    }
  }
}

/** A key belongs to its caller: the same key from someone else is another request. */
function scopedKey(meta: ExecuteMeta): string | undefined {
  const sent = meta.idempotencyKey;
  return sent === undefined ? undefined : `${meta.actor.kind}:${meta.actor.id}:${sent}`;
}
