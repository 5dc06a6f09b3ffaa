// The board service: applies one command in one transaction and returns its events.
// It knows nothing of Express or Socket.IO; transports call `execute` and subscribe to
// committed events with `onEvents`.
import { createHash, randomBytes } from 'node:crypto';
import { snapshotOf } from '../shared/board.ts';
import type { BoardState } from '../shared/board.ts';
import { DomainError } from '../shared/errors.ts';
import { CommandType, ErrorCode, Limits } from '../shared/names.ts';
import { decide, Role } from '../shared/rules.ts';
import type { CommandContext, CommandResult, Decision } from '../shared/rules.ts';
import type { BoardEvent, BoardSnapshot, Command } from '../shared/schemas.ts';
import type { BoardRepository, IdempotencyRecord } from './db/repository.ts';
import type { Logger } from './logger.ts';

export interface ExecuteMeta {
  actor: string;
  role?: Role;
  idempotencyKey?: string | undefined;
  /** Event time; only the demo seed sets it (to place its history in the past). */
  now?: Date;
}

/** The outcome of a command, ready for any transport to shape. */
export type Outcome =
  | { ok: true; status: number; result: CommandResult; events: BoardEvent[]; replayed: boolean }
  | { ok: false; status: number; error: DomainError; replayed: boolean };

const CREATED = new Set<string>([CommandType.STATION_CREATE, CommandType.LOOP_CREATE]);
/** Most commands one group commit takes; the rest go in the next transaction. */
const MAX_BATCH = 256;

interface Job {
  command: Command;
  meta: ExecuteMeta;
  resolve?: (outcome: Outcome) => void;
  reject?: (err: unknown) => void;
}

export class BoardService {
  private state: BoardState;
  private readonly listeners = new Set<(events: BoardEvent[]) => void>();
  private readonly queue: Job[] = [];
  private flushScheduled = false;
  private closed = false;

  constructor(
    private readonly repo: BoardRepository,
    private readonly log: Logger,
  ) {
    this.state = repo.loadState();
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

  /** Events after `after` (oldest first), or null when some of them are no longer kept. */
  eventsSince(after: number, limit = Number.MAX_SAFE_INTEGER): BoardEvent[] | null {
    if (after >= this.state.seq) return after === this.state.seq ? [] : null;
    // Far behind, a snapshot is smaller and faster than the replay: an event carries
    // about one card, so past about half the board's cards the snapshot wins (measured
    // by the benchmark's catch-up figure).
    if (this.state.seq - after > this.replayLimit()) return null;
    const first = this.repo.firstSeq();
    if (first === null || first > after + 1) return null;
    return this.repo.eventsAfter(after, limit);
  }

  /** How many missed events a subscriber may be sent before a snapshot is cheaper. */
  replayLimit(): number {
    const cards = Object.keys(this.state.cards).length;
    return Math.min(Limits.REPLAY_MAX_EVENTS, Math.max(Limits.REPLAY_MIN_EVENTS, Math.ceil(cards / 2)));
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

  /** Calls `fn` with the events of every committed command, in seq order. */
  onEvents(fn: (events: BoardEvent[]) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Runs one command now, in its own transaction (the seed and tests use this). */
  execute(command: Command, meta: ExecuteMeta): Outcome {
    return this.runBatch([{ command, meta }])[0]!;
  }

  /**
   * Queues a command for the next group commit and resolves with its outcome once the
   * transaction holding it has committed. Commands that arrive in the same turn of the
   * event loop share one durable transaction (one fsync), so under load the disk is
   * not the bottleneck; each still gets its own answer, and events keep seq order.
   */
  submit(command: Command, meta: ExecuteMeta): Promise<Outcome> {
    if (this.closed) {
      return Promise.reject(
        new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'Pullboard is shutting down; nothing was changed, send it again'),
      );
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ command, meta, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits and answers every queued command now, then refuses new ones (shutdown). */
  close(): void {
    this.flush();
    this.closed = true;
  }

  private flush(): void {
    this.flushScheduled = false;
    while (this.queue.length > 0) {
      const jobs = this.queue.splice(0, MAX_BATCH);
      let outcomes: Outcome[];
      try {
        outcomes = this.runBatch(jobs);
      } catch (err) {
        for (const j of jobs) j.reject?.(err);
        continue;
      }
      jobs.forEach((j, i) => j.resolve?.(outcomes[i]!));
    }
  }

  /**
   * The rules decide each command in turn on the live board (in place, so a 1,000-card
   * board is not copied per command); the events and state rows of all of them commit
   * in one transaction, and only then are the events published. If the transaction
   * fails, every change is undone and nobody is told anything succeeded.
   * With an idempotency key, a repeated key returns the first answer unchanged.
   */
  private runBatch(jobs: readonly Job[]): Outcome[] {
    const outcomes: Outcome[] = [];
    const decisions: Decision[] = [];
    const events: BoardEvent[] = [];
    const records: IdempotencyRecord[] = [];
    const keysInBatch = new Map<string, IdempotencyRecord>();

    for (const { command, meta } of jobs) {
      const key = meta.idempotencyKey;
      const fingerprint = key === undefined ? '' : fingerprintOf(command);
      if (key !== undefined) {
        const seen = keysInBatch.get(key) ?? this.repo.findIdempotency(key);
        if (seen) {
          outcomes.push(seen.fingerprint === fingerprint ? replay(seen.status, seen.body) : keyReused(key));
          continue;
        }
      }
      const remember = (status: number, body: unknown) => {
        if (key === undefined) return;
        const r = { key, fingerprint, status, body };
        records.push(r);
        keysInBatch.set(key, r);
      };
      const ctx: CommandContext = {
        now: (meta.now ?? new Date()).toISOString(),
        actor: meta.actor,
        role: meta.role ?? Role.LEAD,
        newId: (prefix) => this.newId(prefix),
      };
      try {
        const d = decide(this.state, command, ctx, { inPlace: true });
        decisions.push(d);
        events.push(...d.events);
        const status = CREATED.has(command.type) ? 201 : 200;
        remember(status, d.result);
        outcomes.push({ ok: true, status, result: d.result, events: d.events, replayed: false });
      } catch (err) {
        // decide() has already undone its own changes.
        const error =
          err instanceof DomainError
            ? err
            : new DomainError(ErrorCode.INTERNAL, 'Internal error; nothing was changed');
        if (!(err instanceof DomainError)) this.log.error('command failed', err);
        else remember(error.status, { error: error.toJSON() });
        outcomes.push({ ok: false, status: error.status, error, replayed: false });
      }
    }

    if (events.length > 0 || records.length > 0) {
      try {
        this.repo.commit({ events, state: this.state, idempotency: records });
      } catch (err) {
        for (let i = decisions.length - 1; i >= 0; i--) decisions[i]!.undo();
        throw err;
      }
    }
    // Committed: from here on the changes are durable and may be announced.
    this.publish(events);
    return outcomes;
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

  private newId(prefix: string): string {
    for (;;) {
      const id = `${prefix}_${randomBytes(9).toString('base64url')}`;
      if (!this.state.stations[id] && !this.state.loops[id] && !this.state.cards[id]) return id;
    }
  }
}

function keyReused(key: string): Outcome {
  const error = new DomainError(
    ErrorCode.VALIDATION_FAILED,
    'This Idempotency-Key was already used for a different request',
    { idempotencyKey: key },
  );
  return { ok: false, status: error.status, error, replayed: false };
}

function replay(status: number, body: unknown): Outcome {
  if (status < 400) return { ok: true, status, result: body as CommandResult, events: [], replayed: true };
  const e = (body as { error: { code: ErrorCode; message: string; details?: Record<string, unknown> } }).error;
  return { ok: false, status, error: new DomainError(e.code, e.message, e.details), replayed: true };
}

/** Hash of the command with its keys sorted: HTTP and the socket build the same command in different key orders. */
function fingerprintOf(command: Command): string {
  return createHash('sha256').update(JSON.stringify(command, sortedKeys)).digest('base64url');
}

function sortedKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
