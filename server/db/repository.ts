// The storage port. The service talks only to this interface; SQLite is the embedded
// default (sqlite.ts) and a PostgreSQL backend can implement the same contract later.
import type { BoardState } from '../../shared/board.ts';
import type { BoardEvent } from '../../shared/schemas.ts';

/** A stored answer to a command sent with an Idempotency-Key. */
export interface IdempotencyRecord {
  key: string;
  /** Fingerprint of the request, so a reused key with another request is caught. */
  fingerprint: string;
  /** Whether the command succeeded: `body` is then its result, else `{error}`. */
  ok: boolean;
  body: unknown;
}

export interface CommitInput {
  /** Events of one command, consecutive seqs following the stored last seq. */
  events: BoardEvent[];
  /** The board state after the events: rows the events touch are written from it. */
  state: BoardState;
  /** Answers to remember for the commands' Idempotency-Keys (refusals included). */
  idempotency?: IdempotencyRecord[];
}

/** A backup file that passed its integrity check, and the last event seq it holds. */
export interface BackupInfo {
  file: string;
  /** The last event seq the backup holds. */
  seq: number;
  bytes: number;
}

export interface BoardRepository {
  /** Current state (stations, loops, cards) and the last seq. */
  loadState(): BoardState;
  /** Appends the events, updates current-state tables and records idempotency answers in one durable transaction. */
  commit(input: CommitInput): void;
  findIdempotency(key: string): IdempotencyRecord | undefined;
  /** Events with seq > after, oldest first, at most `limit`. */
  eventsAfter(after: number, limit: number): BoardEvent[];
  /** The oldest seq still kept in the log (1 unless pruned), or null when empty. */
  firstSeq(): number | null;
  lastSeq(): number;
  /** The identity of this event log; a restore gives the restored log a new one. */
  logId(): string;
  /** Deletes events older than the time (never the newest one); returns how many. */
  pruneEvents(before: string): number;
  /** Forgets idempotency keys recorded before the time; returns how many. */
  pruneIdempotency(before: string): number;
  /** Online backup to a file while the system keeps running; says the last seq it holds. */
  backup(file: string): Promise<BackupInfo>;
  close(): void;
}
