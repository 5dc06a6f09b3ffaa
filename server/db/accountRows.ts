// The account tables' rows as both backends read them, and their records. SQLite stores a
// flag as 0/1 and PostgreSQL as a boolean, so a row type takes the flag's type; the rest
// of a row (and how it becomes a record) is the same on both.
import type { ApiTokenRecord, DeviceRecord, PairingRecord, SessionRecord, UserRecord } from './repository.ts';

/** How a backend stores a yes/no column: SQLite 0/1, PostgreSQL boolean. */
export type Flag = number | boolean;

const isSet = (f: Flag): boolean => f === true || f === 1;

/** A JSON list of ids as stored; anything else reads as no stations. */
export function ids(json: string): string[] {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export interface UserRow<F extends Flag> {
  id: string;
  username: string;
  role: string;
  station_ids: string;
  password_hash: string | null;
  badge_hash: string | null;
  pin_hash: string | null;
  disabled: F;
  created_at: string;
  updated_at: string;
}
export interface SessionRow {
  token_hash: string;
  user_id: string;
  method: string;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
  idle_minutes: number | null;
}
export interface DeviceRow {
  id: string;
  name: string;
  role: string;
  station_ids: string;
  token_hash: string | null;
  created_at: string;
  created_by: string;
  last_seen_at: string | null;
  revoked_at: string | null;
}
export interface PairingRow<F extends Flag> {
  id: string;
  code: string;
  created_at: string;
  expires_at: string;
  device_id: string | null;
  delivered: F;
}
export interface TokenRow {
  id: string;
  name: string;
  role: string;
  station_ids: string;
  token_hash: string;
  created_at: string;
  created_by: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export const user = (r: UserRow<Flag>): UserRecord => ({
  id: r.id,
  username: r.username,
  role: r.role,
  stationIds: ids(r.station_ids),
  passwordHash: r.password_hash,
  badgeHash: r.badge_hash,
  pinHash: r.pin_hash,
  disabled: isSet(r.disabled),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});
export const session = (r: SessionRow): SessionRecord => ({
  tokenHash: r.token_hash,
  userId: r.user_id,
  method: r.method,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  lastSeenAt: r.last_seen_at,
  idleMinutes: r.idle_minutes,
});
export const device = (r: DeviceRow): DeviceRecord => ({
  id: r.id,
  name: r.name,
  role: r.role,
  stationIds: ids(r.station_ids),
  tokenHash: r.token_hash,
  createdAt: r.created_at,
  createdBy: r.created_by,
  lastSeenAt: r.last_seen_at,
  revokedAt: r.revoked_at,
});
export const pairing = (r: PairingRow<Flag>): PairingRecord => ({
  id: r.id,
  code: r.code,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  deviceId: r.device_id,
  delivered: isSet(r.delivered),
});
export const token = (r: TokenRow): ApiTokenRecord => ({
  id: r.id,
  name: r.name,
  role: r.role,
  stationIds: ids(r.station_ids),
  tokenHash: r.token_hash,
  createdAt: r.created_at,
  createdBy: r.created_by,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});
