// Typed calls to the account routes (users, API tokens, devices, pairing) for the admin
// pages. Every answer is parsed with a zod schema: a server that answers something else
// is an error here, not a crash three components further. The credential is the
// screen's own (net/api.ts: the session cookie, or a paired device's bearer token).
import { z } from 'zod';
import { MeSchema, PublicDeviceSchema, PublicUserSchema, TokenInfoSchema } from '../../../../shared/accounts.ts';
import type { ApprovePairingBody, CreateTokenBody, CreateUserBody, Me, PublicDevice, PublicUser, TokenInfo, UpdateUserBody } from '../../../../shared/accounts.ts';
import { Role } from '../../../../shared/names.ts';
import { StationKindSchema } from '../../../../shared/schemas.ts';
import { apiParsed } from '../../net/api.ts';
import { currentLocale, tr } from '../../i18n/store.ts';

/** A refusal or failure, with the server's error code (or NETWORK / BAD_ANSWER). */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Calls `path` under /api with this screen's credential and parses the answer with `schema`. Throws ApiError. */
export async function request<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, schema: z.ZodType<T>, body?: unknown): Promise<T> {
  const r = await apiParsed(schema, method, path, body);
  if (r.ok) return r.body;
  if (r.status === 0) throw new ApiError('NETWORK', tr()('session.unreachable'), 0);
  if (r.error.code === 'BAD_ANSWER') {
    throw new ApiError('BAD_ANSWER', tr()('admin.badAnswer'), r.status);
  }
  throw new ApiError(r.error.code, r.error.message, r.status, r.error.details);
}

/** A readable sentence for an error thrown by these calls (or anything else). */
export { errorText } from '../../format.ts';

// ---------------------------------------------------------------- answers

const DeviceInfoSchema = PublicDeviceSchema;
export type { TokenInfo };
export type DeviceInfo = PublicDevice;

const StationInfoSchema = z.object({ id: z.string(), name: z.string(), kind: StationKindSchema, position: z.number() });
export type StationInfo = z.infer<typeof StationInfoSchema>;

const Ok = z.unknown();

// ---------------------------------------------------------------- calls

export const fetchMe = (): Promise<Me> => request('GET', '/auth/me', MeSchema);

export async function fetchStations(): Promise<StationInfo[]> {
  const board = await request('GET', '/board', z.object({ stations: z.array(StationInfoSchema) }));
  return [...board.stations].sort((a, b) => a.position - b.position || a.name.localeCompare(b.name));
}

export async function listUsers(): Promise<PublicUser[]> {
  return (await request('GET', '/users', z.object({ users: z.array(PublicUserSchema) }))).users;
}
export const createUser = (body: z.input<typeof CreateUserBody>): Promise<PublicUser> => request('POST', '/users', PublicUserSchema, body);
export const updateUser = (id: string, patch: z.input<typeof UpdateUserBody>): Promise<PublicUser> =>
  request('PATCH', `/users/${encodeURIComponent(id)}`, PublicUserSchema, patch);

export async function listTokens(): Promise<TokenInfo[]> {
  return (await request('GET', '/tokens', z.object({ tokens: z.array(TokenInfoSchema) }))).tokens;
}
export const createToken = (body: z.input<typeof CreateTokenBody>): Promise<{ id: string; token: string }> =>
  request('POST', '/tokens', z.object({ id: z.string(), token: z.string() }), body);
export const revokeToken = async (id: string): Promise<void> => {
  await request('DELETE', `/tokens/${encodeURIComponent(id)}`, Ok);
};

export async function listDevices(): Promise<DeviceInfo[]> {
  return (await request('GET', '/devices', z.object({ devices: z.array(DeviceInfoSchema) }))).devices;
}
export const revokeDevice = async (id: string): Promise<void> => {
  await request('DELETE', `/devices/${encodeURIComponent(id)}`, Ok);
};
export async function approvePairing(body: z.input<typeof ApprovePairingBody>): Promise<DeviceInfo> {
  return (await request('POST', '/devices/pairings/approve', z.object({ device: DeviceInfoSchema }), body)).device;
}

// ---------------------------------------------------------------- display helpers (pure)

/** A role in the screen's language ("Team lead"). */
export function roleLabel(role: Role): string {
  return tr()(`common.roles.${role}`);
}
export const ROLES: readonly Role[] = [Role.ADMIN, Role.LEAD, Role.OPERATOR, Role.VIEWER];

/** What a device is, by its role: viewers are wall TVs, operators station tablets. */
export function deviceKind(role: Role): string {
  if (role === Role.VIEWER) return tr()('app.titles.tv');
  if (role === Role.OPERATOR) return tr()('app.stationTablet');
  return roleLabel(role);
}

/** Whether a role acts at chosen stations (only operators do). */
export const hasStations = (role: Role): boolean => role === Role.OPERATOR;

/**
 * A pairing code as typed, tidied for the field: upper case, letters and digits only,
 * a dash after the fourth ("abcd ef" -> "ABCD-EF"), at most 8 characters.
 */
export function formatPairingCode(input: string): string {
  const c = input.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 8);
  return c.length > 4 ? `${c.slice(0, 4)}-${c.slice(4)}` : c;
}

/** Whether a tidied code is complete (XXXX-XXXX). */
export const pairingCodeComplete = (code: string): boolean => /^[A-Z0-9]{4}-[A-Z0-9]{4}$/.test(code);

/** "just now", "5 min ago", "3 h ago", "2 days ago"; "never" for null. */
export function relativeTime(iso: string | null, nowMs: number): string {
  const say = tr();
  if (iso === null) return say('admin.never');
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return say('history.unknown');
  const s = Math.round((nowMs - t) / 1000);
  if (s < 0) return s > -60 ? say('admin.justNow') : say('admin.inFuture');
  if (s < 60) return say('admin.justNow');
  const m = Math.floor(s / 60);
  if (m < 60) return say('admin.minAgo', { m });
  const h = Math.floor(m / 60);
  if (h < 48) return say('admin.hAgo', { h });
  const d = Math.floor(h / 24);
  return say('admin.daysAgo', { d });
}

/** "30 Nov 2026, 14:02" in the screen's locale (the absolute time next to a relative one). */
export function absoluteTime(iso: string | null): string {
  if (iso === null) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return new Date(t).toLocaleString(currentLocale(), { dateStyle: 'medium', timeStyle: 'short' });
}

/** Station names for a list of ids, in board order; ids no longer on the board are kept. */
export function stationList(ids: readonly string[], stations: readonly StationInfo[]): string {
  if (ids.length === 0) return '';
  const known = stations.filter((s) => ids.includes(s.id)).map((s) => s.name);
  const unknown = ids.filter((id) => !stations.some((s) => s.id === id));
  return [...known, ...unknown.map((id) => `(${id})`)].join(tr()('common.listSeparator'));
}
