// The storage port. The service talks only to this interface. SQLite (sqlite.ts) is the
// embedded default and answers synchronously; PostgreSQL (postgres.ts) answers with
// Promises. The port says `Awaitable<T>` (either), so the SQLite path keeps its
// synchronous speed (no Promise per command) and PostgreSQL fits behind the same contract.
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

/** A value now (SQLite) or later (PostgreSQL). */
export type Awaitable<T> = T | Promise<T>;

export interface BoardRepository {
  /** Current state (stations, loops, cards) and the last seq. */
  loadState(): Awaitable<BoardState>;
  /** Appends the events, updates current-state tables and records idempotency answers in one durable transaction. */
  commit(input: CommitInput): Awaitable<void>;
  findIdempotency(key: string): Awaitable<IdempotencyRecord | undefined>;
  /** Events with seq > after, oldest first, at most `limit`. */
  eventsAfter(after: number, limit: number): Awaitable<BoardEvent[]>;
  /**
   * The newest events of this card's chain, newest first: its moves, uses, returns and
   * undos, ending at the loop event that created it (for cards created since the chain
   * starts there).
   */
  cardHistory(cardId: string, limit: number): Awaitable<BoardEvent[]>;
  /** The oldest seq still kept in the log (1 unless pruned), or null when empty. */
  firstSeq(): Awaitable<number | null>;
  lastSeq(): Awaitable<number>;
  /** The identity of this event log; a restore gives the restored log a new one. */
  logId(): string;
  /** Deletes events older than the time (never the newest one); returns how many. */
  pruneEvents(before: string): Awaitable<number>;
  /** Forgets idempotency keys recorded before the time; returns how many. */
  pruneIdempotency(before: string): Awaitable<number>;
  /** Online backup to a file while the system keeps running; says the last seq it holds. */
  backup(file: string): Promise<BackupInfo>;
  close(): Awaitable<void>;
}

/** The embedded repository: every answer now (SQLite). The service keeps a synchronous path for it. */
export interface SyncBoardRepository extends BoardRepository {
  loadState(): BoardState;
  commit(input: CommitInput): void;
  findIdempotency(key: string): IdempotencyRecord | undefined;
  eventsAfter(after: number, limit: number): BoardEvent[];
  cardHistory(cardId: string, limit: number): BoardEvent[];
  firstSeq(): number | null;
  lastSeq(): number;
  pruneEvents(before: string): number;
  pruneIdempotency(before: string): number;
  close(): void;
}

/** What a command group may read while it holds the board's lock (see SharedLog). */
export interface LockedReader {
  /** Events other servers committed after the seq the caller gave, oldest first. */
  missed: BoardEvent[];
  /** The stored answers of these keys (one query for the whole group), by key. */
  findIdempotencies(keys: readonly string[]): Promise<Map<string, IdempotencyRecord>>;
  cardHistory(cardId: string, limit: number): Promise<BoardEvent[]>;
}

/**
 * A log that several servers write (PostgreSQL). A command group runs under the board's
 * lock: it first learns the events committed by others since its own last seq, then
 * decides, and what it returns is written in the same transaction.
 */
export interface SharedLog {
  /**
   * Takes the board's lock, hands `decide` the events committed after `after` and a
   * reader on the same transaction, writes the CommitInput it returns (null: nothing to
   * write) and commits. Throws (after rolling back) when anything fails.
   */
  writeLocked(after: number, decide: (tx: LockedReader) => Promise<CommitInput | null>): Promise<void>;
  /** Calls `fn` with the newest seq each time any server commits (a hint: the log is the truth). */
  watch(fn: (seq: number) => void): Promise<() => Promise<void>>;
}

// ---------------------------------------------------------------- accounts

/** A user as stored (secrets as hashes; never leaves the server as such). */
export interface UserRecord {
  id: string;
  username: string;
  role: string;
  stationIds: string[];
  passwordHash: string | null;
  badgeHash: string | null;
  pinHash: string | null;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface SessionRecord {
  tokenHash: string;
  userId: string;
  /** How the user signed in: 'password' or 'badge'. */
  method: string;
  createdAt: string;
  expiresAt: string;
  lastSeenAt: string;
  /** Signed out after this many idle minutes (badge sign-ins at a station), or null. */
  idleMinutes: number | null;
}

export interface DeviceRecord {
  id: string;
  name: string;
  role: string;
  stationIds: string[];
  tokenHash: string | null;
  createdAt: string;
  createdBy: string;
  lastSeenAt: string | null;
  revokedAt: string | null;
}

export interface PairingRecord {
  id: string;
  code: string;
  createdAt: string;
  expiresAt: string;
  /** Set when a lead approved it. */
  deviceId: string | null;
  /** The device's token was handed out (a pairing gives its token once). */
  delivered: boolean;
}

export interface ApiTokenRecord {
  id: string;
  name: string;
  role: string;
  stationIds: string[];
  tokenHash: string;
  createdAt: string;
  createdBy: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** Storage of users, sessions, devices, pairings and API tokens (not part of the event log). Synchronous on SQLite, Promises on PostgreSQL. */
export interface AccountRepository {
  countUsers(): Awaitable<number>;
  listUsers(): Awaitable<UserRecord[]>;
  findUser(id: string): Awaitable<UserRecord | undefined>;
  findUserByName(username: string): Awaitable<UserRecord | undefined>;
  findUserByBadge(badgeHash: string): Awaitable<UserRecord | undefined>;
  insertUser(u: UserRecord): Awaitable<void>;
  updateUser(u: UserRecord): Awaitable<void>;

  insertSession(s: SessionRecord): Awaitable<void>;
  findSession(tokenHash: string): Awaitable<SessionRecord | undefined>;
  touchSession(tokenHash: string, lastSeenAt: string): Awaitable<void>;
  deleteSession(tokenHash: string): Awaitable<void>;
  /** The token hashes of a user's sessions (to cut their sockets when they end). */
  listSessionHashes(userId: string): Awaitable<string[]>;
  /** Ends every session of a user; returns how many. */
  deleteUserSessions(userId: string): Awaitable<number>;
  deleteExpiredSessions(now: string): Awaitable<number>;

  insertDevice(d: DeviceRecord): Awaitable<void>;
  updateDevice(d: DeviceRecord): Awaitable<void>;
  findDevice(id: string): Awaitable<DeviceRecord | undefined>;
  findDeviceByToken(tokenHash: string): Awaitable<DeviceRecord | undefined>;
  listDevices(): Awaitable<DeviceRecord[]>;

  insertPairing(p: PairingRecord): Awaitable<void>;
  updatePairing(p: PairingRecord): Awaitable<void>;
  findPairing(id: string): Awaitable<PairingRecord | undefined>;
  findPairingByCode(code: string): Awaitable<PairingRecord | undefined>;
  deleteExpiredPairings(now: string): Awaitable<number>;

  insertToken(t: ApiTokenRecord): Awaitable<void>;
  updateToken(t: ApiTokenRecord): Awaitable<void>;
  findToken(id: string): Awaitable<ApiTokenRecord | undefined>;
  findTokenByHash(tokenHash: string): Awaitable<ApiTokenRecord | undefined>;
  listTokens(): Awaitable<ApiTokenRecord[]>;

  /** A value of the install (e.g. the pepper of badge hashes), created on first use. */
  installSecret(name: string, create: () => string): Awaitable<string>;
}
