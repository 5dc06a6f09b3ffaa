// The board service composes the parts that turn a command into committed events: the
// pull rules (shared/rules.ts `decide`), group commit (groupCommit.ts: the commands of one
// event-loop turn share one transaction), idempotency keys (idempotency.ts), ids (ids.ts)
// and the catch-up policy (catchup.ts). It knows nothing of Express, Socket.IO or HTTP
// statuses: transports call `submit` and shape the answer, and subscribe to committed
// events with `onEvents`. Events are published as soon as their transaction commits,
// before the answers of the batch are handed back.
import { cardCode } from '../shared/cardCode.ts';
import { indexBoard, snapshotOf } from '../shared/board.ts';
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
import type { BoardRepository, IdempotencyRecord } from './db/repository.ts';
import { GroupCommit } from './groupCommit.ts';
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
}

export class BoardService {
  private readonly state: BoardState;
  private readonly listeners = new Set<(events: BoardEvent[]) => void>();
  private readonly commits: GroupCommit<Job>;
  /** What changed since when, for change-set catch-up (catchup.ts). */
  private readonly changeIndex: ChangeIndex;
  private closed = false;

  private readonly limits: PlantLimits;

  constructor(
    private readonly repo: BoardRepository,
    private readonly log: Logger,
    opts: { limits?: PlantLimits | undefined } = {},
  ) {
    this.limits = opts.limits ?? DEFAULT_PLANT_LIMITS;
    this.state = repo.loadState();
    indexBoard(this.state);
    this.commits = new GroupCommit((jobs) => this.runBatch(jobs));
    this.changeIndex = ChangeIndex.fromLog(this.state, repo);
    // The first listener: the index knows a batch before any subscriber is told of it.
    this.onEvents((events) => this.changeIndex.record(events, this.state));
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
    if (!shouldReplay(after, this.state.seq, Object.keys(this.state.cards).length, this.repo)) return null;
    return this.repo.eventsAfter(after, limit);
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
  cardHistory(cardId: string, limit = 200): BoardEvent[] | null {
    if (!Object.hasOwn(this.state.cards, cardId)) return null;
    // The chain ends at the card's creation (a loop event, kept for Undo); the history
    // lists the card's own steps (docs/api.md).
    return this.repo
      .cardHistory(cardId, limit + 1)
      .filter((e) => 'cardId' in e)
      .slice(0, limit);
  }

  eventsPage(after: number, limit: number): { events: BoardEvent[]; lastSeq: number } {
    return { events: this.repo.eventsAfter(after, limit), lastSeq: this.state.seq };
  }

  /**
   * Housekeeping: forgets idempotency keys older than `idempotencyDays` and, when
   * `eventDays` > 0, events older than that (clients further behind get a snapshot).
   */
  prune(opts: { eventDays: number; idempotencyDays: number }, now = new Date()): { events: number; keys: number } {
    const ago = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();
    const events = opts.eventDays > 0 ? this.repo.pruneEvents(ago(opts.eventDays)) : 0;
    const keys = this.repo.pruneIdempotency(ago(opts.idempotencyDays));
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
      });
    });
  }

  /** Commits and answers every queued command now, then refuses new ones (shutdown). */
  close(): void {
    this.commits.flush();
    this.closed = true;
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
    const key = sent === undefined ? undefined : `${meta.actor.kind}:${meta.actor.id}:${sent}`;
    const fingerprint = key === undefined ? '' : fingerprintOf(command);
    if (key !== undefined) {
      const seen = batch.keys.get(key) ?? this.repo.findIdempotency(key);
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
    const chain = pending.length >= 2 ? pending : [...pending, ...this.repo.cardHistory(cardId, 2 - pending.length)];
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
        this.repo.commit({ events: batch.events, state: this.state, idempotency: batch.records });
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
