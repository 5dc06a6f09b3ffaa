// Accounts in SQLite: users, sessions, devices, pairings and API tokens. Not part of the
// event log (sign-ins and account changes are not board changes). Every secret arrives
// here already hashed.
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type {
  AccountRepository,
  ApiTokenRecord,
  DeviceRecord,
  PairingRecord,
  SessionRecord,
  UserRecord,
} from './repository.ts';
import { device, pairing, session, token, user } from './accountRows.ts';
import type { DeviceRow, PairingRow, SessionRow, TokenRow, UserRow } from './accountRows.ts';

const userRow = (u: UserRecord) => ({
  id: u.id,
  username: u.username,
  role: u.role,
  station_ids: JSON.stringify(u.stationIds),
  password_hash: u.passwordHash,
  badge_hash: u.badgeHash,
  pin_hash: u.pinHash,
  disabled: u.disabled ? 1 : 0,
  created_at: u.createdAt,
  updated_at: u.updatedAt,
});
const deviceRow = (d: DeviceRecord) => ({
  id: d.id,
  name: d.name,
  role: d.role,
  station_ids: JSON.stringify(d.stationIds),
  token_hash: d.tokenHash,
  created_at: d.createdAt,
  created_by: d.createdBy,
  last_seen_at: d.lastSeenAt,
  revoked_at: d.revokedAt,
});
const tokenRow = (t: ApiTokenRecord) => ({
  id: t.id,
  name: t.name,
  role: t.role,
  station_ids: JSON.stringify(t.stationIds),
  token_hash: t.tokenHash,
  created_at: t.createdAt,
  created_by: t.createdBy,
  last_used_at: t.lastUsedAt,
  revoked_at: t.revokedAt,
});

export class SqliteAccounts implements AccountRepository {
  private readonly q;

  constructor(db: Database.Database) {
    const p = (sql: string) => db.prepare(sql);
    this.q = {
      countUsers: p('SELECT COUNT(*) AS n FROM users'),
      listUsers: p('SELECT * FROM users ORDER BY username'),
      findUser: p('SELECT * FROM users WHERE id = ?'),
      findUserByName: p('SELECT * FROM users WHERE username = ?'),
      findUserByBadge: p('SELECT * FROM users WHERE badge_hash = ?'),
      insertUser: p(`INSERT INTO users (id, username, role, station_ids, password_hash, badge_hash, pin_hash, disabled, created_at, updated_at)
        VALUES (@id, @username, @role, @station_ids, @password_hash, @badge_hash, @pin_hash, @disabled, @created_at, @updated_at)`),
      updateUser: p(`UPDATE users SET username = @username, role = @role, station_ids = @station_ids,
        password_hash = @password_hash, badge_hash = @badge_hash, pin_hash = @pin_hash, disabled = @disabled,
        updated_at = @updated_at WHERE id = @id`),
      insertSession: p(`INSERT INTO sessions (token_hash, user_id, method, created_at, expires_at, last_seen_at, idle_minutes)
        VALUES (?, ?, ?, ?, ?, ?, ?)`),
      findSession: p('SELECT * FROM sessions WHERE token_hash = ?'),
      touchSession: p('UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?'),
      deleteSession: p('DELETE FROM sessions WHERE token_hash = ?'),
      deleteUserSessions: p('DELETE FROM sessions WHERE user_id = ?'),
      listSessionHashes: p('SELECT token_hash FROM sessions WHERE user_id = ?'),
      deleteExpiredSessions: p('DELETE FROM sessions WHERE expires_at <= ?'),
      insertDevice: p(`INSERT INTO devices (id, name, role, station_ids, token_hash, created_at, created_by, last_seen_at, revoked_at)
        VALUES (@id, @name, @role, @station_ids, @token_hash, @created_at, @created_by, @last_seen_at, @revoked_at)`),
      updateDevice: p(`UPDATE devices SET name = @name, role = @role, station_ids = @station_ids, token_hash = @token_hash,
        last_seen_at = @last_seen_at, revoked_at = @revoked_at WHERE id = @id`),
      findDevice: p('SELECT * FROM devices WHERE id = ?'),
      findDeviceByToken: p('SELECT * FROM devices WHERE token_hash = ?'),
      listDevices: p('SELECT * FROM devices ORDER BY created_at'),
      insertPairing: p(`INSERT INTO pairings (id, code, created_at, expires_at, device_id, delivered)
        VALUES (?, ?, ?, ?, ?, ?)`),
      updatePairing: p('UPDATE pairings SET device_id = ?, delivered = ? WHERE id = ?'),
      findPairing: p('SELECT * FROM pairings WHERE id = ?'),
      findPairingByCode: p('SELECT * FROM pairings WHERE code = ?'),
      deleteExpiredPairings: p('DELETE FROM pairings WHERE expires_at <= ?'),
      insertToken: p(`INSERT INTO api_tokens (id, name, role, station_ids, token_hash, created_at, created_by, last_used_at, revoked_at)
        VALUES (@id, @name, @role, @station_ids, @token_hash, @created_at, @created_by, @last_used_at, @revoked_at)`),
      updateToken: p(`UPDATE api_tokens SET name = @name, role = @role, station_ids = @station_ids,
        last_used_at = @last_used_at, revoked_at = @revoked_at WHERE id = @id`),
      findToken: p('SELECT * FROM api_tokens WHERE id = ?'),
      findTokenByHash: p('SELECT * FROM api_tokens WHERE token_hash = ?'),
      listTokens: p('SELECT * FROM api_tokens ORDER BY created_at'),
      findMeta: p('SELECT value FROM meta WHERE key = ?'),
      insertMeta: p('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)'),
    };
  }

  countUsers(): number {
    const r = this.q.countUsers.get() as { n: number };
    return r.n;
  }
  listUsers(): UserRecord[] {
    return (this.q.listUsers.all() as UserRow<number>[]).map(user);
  }
  findUser(id: string): UserRecord | undefined {
    const r = this.q.findUser.get(id) as UserRow<number> | undefined;
    return r && user(r);
  }
  findUserByName(username: string): UserRecord | undefined {
    const r = this.q.findUserByName.get(username) as UserRow<number> | undefined;
    return r && user(r);
  }
  findUserByBadge(badgeHash: string): UserRecord | undefined {
    const r = this.q.findUserByBadge.get(badgeHash) as UserRow<number> | undefined;
    return r && user(r);
  }
  insertUser(u: UserRecord): void {
    this.q.insertUser.run(userRow(u));
  }
  updateUser(u: UserRecord): void {
    this.q.updateUser.run(userRow(u));
  }

  insertSession(s: SessionRecord): void {
    this.q.insertSession.run(s.tokenHash, s.userId, s.method, s.createdAt, s.expiresAt, s.lastSeenAt, s.idleMinutes);
  }
  findSession(tokenHash: string): SessionRecord | undefined {
    const r = this.q.findSession.get(tokenHash) as SessionRow | undefined;
    return r && session(r);
  }
  touchSession(tokenHash: string, lastSeenAt: string): void {
    this.q.touchSession.run(lastSeenAt, tokenHash);
  }
  deleteSession(tokenHash: string): void {
    this.q.deleteSession.run(tokenHash);
  }
  listSessionHashes(userId: string): string[] {
    return (this.q.listSessionHashes.all(userId) as Array<{ token_hash: string }>).map((r) => r.token_hash);
  }
  deleteUserSessions(userId: string): number {
    return this.q.deleteUserSessions.run(userId).changes;
  }
  deleteExpiredSessions(now: string): number {
    return this.q.deleteExpiredSessions.run(now).changes;
  }

  insertDevice(d: DeviceRecord): void {
    this.q.insertDevice.run(deviceRow(d));
  }
  updateDevice(d: DeviceRecord): void {
    this.q.updateDevice.run(deviceRow(d));
  }
  findDevice(id: string): DeviceRecord | undefined {
    const r = this.q.findDevice.get(id) as DeviceRow | undefined;
    return r && device(r);
  }
  findDeviceByToken(tokenHash: string): DeviceRecord | undefined {
    const r = this.q.findDeviceByToken.get(tokenHash) as DeviceRow | undefined;
    return r && device(r);
  }
  listDevices(): DeviceRecord[] {
    return (this.q.listDevices.all() as DeviceRow[]).map(device);
  }

  insertPairing(x: PairingRecord): void {
    this.q.insertPairing.run(x.id, x.code, x.createdAt, x.expiresAt, x.deviceId, x.delivered ? 1 : 0);
  }
  updatePairing(x: PairingRecord): void {
    this.q.updatePairing.run(x.deviceId, x.delivered ? 1 : 0, x.id);
  }
  findPairing(id: string): PairingRecord | undefined {
    const r = this.q.findPairing.get(id) as PairingRow<number> | undefined;
    return r && pairing(r);
  }
  findPairingByCode(code: string): PairingRecord | undefined {
    const r = this.q.findPairingByCode.get(code) as PairingRow<number> | undefined;
    return r && pairing(r);
  }
  deleteExpiredPairings(now: string): number {
    return this.q.deleteExpiredPairings.run(now).changes;
  }

  insertToken(t: ApiTokenRecord): void {
    this.q.insertToken.run(tokenRow(t));
  }
  updateToken(t: ApiTokenRecord): void {
    this.q.updateToken.run(tokenRow(t));
  }
  findToken(id: string): ApiTokenRecord | undefined {
    const r = this.q.findToken.get(id) as TokenRow | undefined;
    return r && token(r);
  }
  findTokenByHash(tokenHash: string): ApiTokenRecord | undefined {
    const r = this.q.findTokenByHash.get(tokenHash) as TokenRow | undefined;
    return r && token(r);
  }
  listTokens(): ApiTokenRecord[] {
    return (this.q.listTokens.all() as TokenRow[]).map(token);
  }

  installSecret(name: string, create: () => string = () => randomBytes(32).toString('base64url')): string {
    this.q.insertMeta.run(`secret:${name}`, create());
    const r = this.q.findMeta.get(`secret:${name}`) as { value: string };
    return r.value;
  }
}
