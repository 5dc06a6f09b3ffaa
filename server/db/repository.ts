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
  /**
   * The newest events of this card's chain, newest first: its moves, uses, returns and
   * undos, ending at the loop event that created it (for cards created since the chain
   * starts there).
   */
  cardHistory(cardId: string, limit: number): BoardEvent[];
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

/** Storage of users, sessions, devices, pairings and API tokens (not part of the event log). */
export interface AccountRepository {
  countUsers(): number;
  listUsers(): UserRecord[];
  findUser(id: string): UserRecord | undefined;
  findUserByName(username: string): UserRecord | undefined;
  findUserByBadge(badgeHash: string): UserRecord | undefined;
  insertUser(u: UserRecord): void;
  updateUser(u: UserRecord): void;

  insertSession(s: SessionRecord): void;
  findSession(tokenHash: string): SessionRecord | undefined;
  touchSession(tokenHash: string, lastSeenAt: string): void;
  deleteSession(tokenHash: string): void;
  /** The token hashes of a user's sessions (to cut their sockets when they end). */
  listSessionHashes(userId: string): string[];
  /** Ends every session of a user; returns how many. */
  deleteUserSessions(userId: string): number;
  deleteExpiredSessions(now: string): number;

  insertDevice(d: DeviceRecord): void;
  updateDevice(d: DeviceRecord): void;
  findDevice(id: string): DeviceRecord | undefined;
  findDeviceByToken(tokenHash: string): DeviceRecord | undefined;
  listDevices(): DeviceRecord[];

  insertPairing(p: PairingRecord): void;
  updatePairing(p: PairingRecord): void;
  findPairing(id: string): PairingRecord | undefined;
  findPairingByCode(code: string): PairingRecord | undefined;
  deleteExpiredPairings(now: string): number;

  insertToken(t: ApiTokenRecord): void;
  updateToken(t: ApiTokenRecord): void;
  findToken(id: string): ApiTokenRecord | undefined;
  findTokenByHash(tokenHash: string): ApiTokenRecord | undefined;
  listTokens(): ApiTokenRecord[];

  /** A value of the install (e.g. the pepper of badge hashes), created on first use. */
  installSecret(name: string, create: () => string): string;
}
