// The board service: applies one command in one transaction and returns its events.
// It knows nothing of Express or Socket.IO; transports call `execute` and subscribe to
// committed events with `onEvents`.
import { createHash, randomBytes } from 'node:crypto';
import { snapshotOf } from '../shared/board.ts';
import type { BoardState } from '../shared/board.ts';
import { DomainError } from '../shared/errors.ts';
import { CommandType, ErrorCode, Limits } from '../shared/names.ts';
import { decide, Role } from '../shared/rules.ts';
import type { CommandContext, CommandResult } from '../shared/rules.ts';
import type { BoardEvent, BoardSnapshot, Command } from '../shared/schemas.ts';
import type { BoardRepository } from './db/repository.ts';
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

export class BoardService {
  private state: BoardState;
  private readonly listeners = new Set<(events: BoardEvent[]) => void>();

  constructor(
    private readonly repo: BoardRepository,
    private readonly log: Logger,
  ) {
    this.state = repo.loadState();
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
    // Far behind, a snapshot is smaller and faster than the replay.
    if (this.state.seq - after > Limits.REPLAY_MAX_EVENTS) return null;
    const first = this.repo.firstSeq();
    if (first === null || first > after + 1) return null;
    return this.repo.eventsAfter(after, limit);
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

  /**
   * Runs one command: the rules decide, the events and state rows commit in one
   * transaction, and only then is the state swapped and the events published.
   * With an idempotency key, a repeated key returns the first answer unchanged.
   */
  execute(command: Command, meta: ExecuteMeta): Outcome {
    const key = meta.idempotencyKey;
    const fingerprint = key === undefined ? '' : fingerprintOf(command);
    if (key !== undefined) {
      const seen = this.repo.findIdempotency(key);
      if (seen) {
        if (seen.fingerprint !== fingerprint) {
          const error = new DomainError(
            ErrorCode.VALIDATION_FAILED,
            'This Idempotency-Key was already used for a different request',
            { idempotencyKey: key },
          );
          return { ok: false, status: error.status, error, replayed: false };
        }
        return replay(seen.status, seen.body);
      }
    }

    const ctx: CommandContext = {
      now: (meta.now ?? new Date()).toISOString(),
      actor: meta.actor,
      role: meta.role ?? Role.LEAD,
      newId: (prefix) => this.newId(prefix),
    };
    let decision;
    try {
      decision = decide(this.state, command, ctx);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      if (key !== undefined) {
        this.repo.saveIdempotency({ key, fingerprint, status: err.status, body: { error: err.toJSON() } });
      }
      return { ok: false, status: err.status, error: err, replayed: false };
    }

    const status = CREATED.has(command.type) ? 201 : 200;
    this.repo.commit({
      events: decision.events,
      state: decision.state,
      ...(key !== undefined && { idempotency: { key, fingerprint, status, body: decision.result } }),
    });
    // Committed: from here on the change is durable and may be announced.
    this.state = decision.state;
    this.publish(decision.events);
    return { ok: true, status, result: decision.result, events: decision.events, replayed: false };
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
