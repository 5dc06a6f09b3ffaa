// Accounts in PostgreSQL: the same store as accounts.ts (SQLite), answering with Promises.
// Several servers share it, so a session started on one is known to all.
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { AccountRepository, ApiTokenRecord, DeviceRecord, PairingRecord, SessionRecord, UserRecord } from './repository.ts';
import { device, pairing, session, token, user } from './accountRows.ts';
import type { DeviceRow, PairingRow, SessionRow, TokenRow, UserRow } from './accountRows.ts';

export class PgAccounts implements AccountRepository {
  constructor(private readonly pool: pg.Pool) {}

  private async one<R extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<R | undefined> {
    return (await this.pool.query<R>(sql, params)).rows[0];
  }
  private async all<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    return (await this.pool.query<R>(sql, params)).rows;
  }
  private async run(sql: string, params: unknown[]): Promise<number> {
    return (await this.pool.query(sql, params)).rowCount ?? 0;
  }

  async countUsers(): Promise<number> {
    return (await this.one<{ n: number }>('SELECT COUNT(*)::int AS n FROM users', []))!.n;
  }
  async listUsers(): Promise<UserRecord[]> {
    return (await this.all<UserRow<boolean>>('SELECT * FROM users ORDER BY lower(username)')).map(user);
  }
  async findUser(id: string): Promise<UserRecord | undefined> {
    const r = await this.one<UserRow<boolean>>('SELECT * FROM users WHERE id = $1', [id]);
    return r && user(r);
  }
  async findUserByName(username: string): Promise<UserRecord | undefined> {
    const r = await this.one<UserRow<boolean>>('SELECT * FROM users WHERE lower(username) = lower($1)', [username]);
    return r && user(r);
  }
  async findUserByBadge(badgeHash: string): Promise<UserRecord | undefined> {
    const r = await this.one<UserRow<boolean>>('SELECT * FROM users WHERE badge_hash = $1', [badgeHash]);
    return r && user(r);
  }
  async insertUser(u: UserRecord): Promise<void> {
    await this.run(
      `INSERT INTO users (id, username, role, station_ids, password_hash, badge_hash, pin_hash, disabled, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [u.id, u.username, u.role, JSON.stringify(u.stationIds), u.passwordHash, u.badgeHash, u.pinHash, u.disabled, u.createdAt, u.updatedAt],
    );
  }
  async updateUser(u: UserRecord): Promise<void> {
    await this.run(
      `UPDATE users SET username = $2, role = $3, station_ids = $4, password_hash = $5, badge_hash = $6, pin_hash = $7,
         disabled = $8, updated_at = $9 WHERE id = $1`,
      [u.id, u.username, u.role, JSON.stringify(u.stationIds), u.passwordHash, u.badgeHash, u.pinHash, u.disabled, u.updatedAt],
    );
  }

  async insertSession(s: SessionRecord): Promise<void> {
    await this.run(
      `INSERT INTO sessions (token_hash, user_id, method, created_at, expires_at, last_seen_at, idle_minutes)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [s.tokenHash, s.userId, s.method, s.createdAt, s.expiresAt, s.lastSeenAt, s.idleMinutes],
    );
  }
  async findSession(tokenHash: string): Promise<SessionRecord | undefined> {
    const r = await this.one<SessionRow>('SELECT * FROM sessions WHERE token_hash = $1', [tokenHash]);
    return r && session(r);
  }
  async touchSession(tokenHash: string, lastSeenAt: string): Promise<void> {
    await this.run('UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1', [tokenHash, lastSeenAt]);
  }
  async deleteSession(tokenHash: string): Promise<void> {
    await this.run('DELETE FROM sessions WHERE token_hash = $1', [tokenHash]);
  }
  async listSessionHashes(userId: string): Promise<string[]> {
    return (await this.all<{ token_hash: string }>('SELECT token_hash FROM sessions WHERE user_id = $1', [userId])).map((r) => r.token_hash);
  }
  deleteUserSessions(userId: string): Promise<number> {
    return this.run('DELETE FROM sessions WHERE user_id = $1', [userId]);
  }
  deleteExpiredSessions(now: string): Promise<number> {
    return this.run('DELETE FROM sessions WHERE expires_at <= $1', [now]);
  }

  async insertDevice(d: DeviceRecord): Promise<void> {
    await this.run(
      `INSERT INTO devices (id, name, role, station_ids, token_hash, created_at, created_by, last_seen_at, revoked_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [d.id, d.name, d.role, JSON.stringify(d.stationIds), d.tokenHash, d.createdAt, d.createdBy, d.lastSeenAt, d.revokedAt],
    );
  }
  async updateDevice(d: DeviceRecord): Promise<void> {
    await this.run(
      `UPDATE devices SET name = $2, role = $3, station_ids = $4, token_hash = $5, last_seen_at = $6, revoked_at = $7 WHERE id = $1`,
      [d.id, d.name, d.role, JSON.stringify(d.stationIds), d.tokenHash, d.lastSeenAt, d.revokedAt],
    );
  }
  async findDevice(id: string): Promise<DeviceRecord | undefined> {
    const r = await this.one<DeviceRow>('SELECT * FROM devices WHERE id = $1', [id]);
    return r && device(r);
  }
  async findDeviceByToken(tokenHash: string): Promise<DeviceRecord | undefined> {
    const r = await this.one<DeviceRow>('SELECT * FROM devices WHERE token_hash = $1', [tokenHash]);
    return r && device(r);
  }
  async listDevices(): Promise<DeviceRecord[]> {
    return (await this.all<DeviceRow>('SELECT * FROM devices ORDER BY created_at')).map(device);
  }

  async insertPairing(x: PairingRecord): Promise<void> {
    await this.run(
      'INSERT INTO pairings (id, code, created_at, expires_at, device_id, delivered) VALUES ($1, $2, $3, $4, $5, $6)',
      [x.id, x.code, x.createdAt, x.expiresAt, x.deviceId, x.delivered],
    );
  }
  async updatePairing(x: PairingRecord): Promise<void> {
    await this.run('UPDATE pairings SET device_id = $2, delivered = $3 WHERE id = $1', [x.id, x.deviceId, x.delivered]);
  }
  async findPairing(id: string): Promise<PairingRecord | undefined> {
    const r = await this.one<PairingRow<boolean>>('SELECT * FROM pairings WHERE id = $1', [id]);
    return r && pairing(r);
  }
  async findPairingByCode(code: string): Promise<PairingRecord | undefined> {
    const r = await this.one<PairingRow<boolean>>('SELECT * FROM pairings WHERE code = $1', [code]);
    return r && pairing(r);
  }
  deleteExpiredPairings(now: string): Promise<number> {
    return this.run('DELETE FROM pairings WHERE expires_at <= $1', [now]);
  }

  async insertToken(t: ApiTokenRecord): Promise<void> {
    await this.run(
      `INSERT INTO api_tokens (id, name, role, station_ids, token_hash, created_at, created_by, last_used_at, revoked_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [t.id, t.name, t.role, JSON.stringify(t.stationIds), t.tokenHash, t.createdAt, t.createdBy, t.lastUsedAt, t.revokedAt],
    );
  }
  async updateToken(t: ApiTokenRecord): Promise<void> {
    await this.run(
      'UPDATE api_tokens SET name = $2, role = $3, station_ids = $4, last_used_at = $5, revoked_at = $6 WHERE id = $1',
      [t.id, t.name, t.role, JSON.stringify(t.stationIds), t.lastUsedAt, t.revokedAt],
    );
  }
  async findToken(id: string): Promise<ApiTokenRecord | undefined> {
    const r = await this.one<TokenRow>('SELECT * FROM api_tokens WHERE id = $1', [id]);
    return r && token(r);
  }
  async findTokenByHash(tokenHash: string): Promise<ApiTokenRecord | undefined> {
    const r = await this.one<TokenRow>('SELECT * FROM api_tokens WHERE token_hash = $1', [tokenHash]);
    return r && token(r);
  }
  async listTokens(): Promise<ApiTokenRecord[]> {
    return (await this.all<TokenRow>('SELECT * FROM api_tokens ORDER BY created_at')).map(token);
  }

  /** Created once for the whole install: every server gets the first server's value. */
  async installSecret(name: string, create: () => string = () => randomBytes(32).toString('base64url')): Promise<string> {
    await this.run('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [`secret:${name}`, create()]);
    return (await this.one<{ value: string }>('SELECT value FROM meta WHERE key = $1', [`secret:${name}`]))!.value;
  }
}
