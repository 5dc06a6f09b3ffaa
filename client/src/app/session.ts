// Who this screen is signed in as, and how:
//   cookie  a person signed in with username and password (or created the first admin):
//           the httpOnly session cookie, which the browser sends by itself
//   device  a paired TV or station tablet: its device token (kept in localStorage under
//           DEVICE_KEY) sent as Bearer and as the socket's auth.token
//   badge   an operator who scanned a badge at a station tablet: the cookie of a badge
//           session. On a paired tablet it takes over from the device while it lasts
//           (the device token is not sent), and ends after the plant's idle minutes
//           without a touch; the tablet then goes back to being the device.
// On start: GET /api/auth/status, then GET /api/auth/me with the credential to use. The
// identity goes into the board store (the optimistic rules and role-aware controls use
// it) and the socket connects with it. A socket refused as UNAUTHENTICATED drops back:
// a revoked device forgets its token and offers pairing, a badge session falls back to
// the device, a cookie session shows the sign-in screen.
import { z } from 'zod';
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { AuthStatusSchema, MeSchema } from '../../../shared/accounts.ts';
import type { AuthStatus, Me } from '../../../shared/accounts.ts';
import { ErrorCode, Role } from '../../../shared/names.ts';
import { store } from '../store/hooks.ts';
import { NOBODY } from '../store/store.ts';
import type { Identity } from '../store/store.ts';
import { api, apiParsed, setBearer } from '../net/api.ts';
import { closeConnection, openConnection } from './runtime.ts';
import { tr } from '../i18n/store.ts';

/** localStorage: the paired device's token (`{token, name}`; a bare token string is read too). */
const DEVICE_KEY = 'pullboard.device.v1';
/** sessionStorage: a badge session is in force on this tab (so a reload keeps it over the device). */
const BADGE_KEY = 'pullboard.badge.v1';
/** localStorage: the last identity, so a screen reloaded while the server is unreachable still works. */
const IDENTITY_KEY = 'pullboard.identity.v1';

export type AuthPhase = 'loading' | 'setup' | 'signed-out' | 'signed-in';
export type Via = 'cookie' | 'device' | 'badge';

export interface AuthState {
  phase: AuthPhase;
  status: AuthStatus | null;
  via: Via | null;
  /** Why the screen is signed out, said on the sign-in screen. */
  notice: string | null;
  /** A badge session: when it ends unless someone touches the screen (ms since epoch). */
  idleDeadline: number | null;
  /** Whether a device token is kept on this device (the tablet falls back to it). */
  paired: boolean;
  /** The server refused this device's token (a lead revoked it): offer pairing at once. */
  unpaired: boolean;
}

export const auth = createStore<AuthState>()(() => ({
  phase: 'loading',
  status: null,
  via: null,
  notice: null,
  idleDeadline: null,
  paired: false,
  unpaired: false,
}));

export function useAuth<T>(selector: (s: AuthState) => T): T {
  return useStore(auth, selector);
}

// ---------------------------------------------------------------- storage

function local(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}
function session(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

/** The device token kept on this device, if it was paired. */
function deviceToken(): string | null {
  const raw = local()?.getItem(DEVICE_KEY);
  if (!raw) return null;
  if (raw.startsWith('pbd_')) return raw;
  try {
    const v: unknown = JSON.parse(raw);
    if (typeof v === 'object' && v !== null && 'token' in v && typeof v.token === 'string') return v.token;
  } catch {
    // not JSON: not ours
  }
  return null;
}

function saveDeviceToken(token: string, name: string): void {
  try {
    local()?.setItem(DEVICE_KEY, JSON.stringify({ token, name }));
  } catch {
    // Storage refused: paired for as long as the page is open.
  }
  memoryDeviceToken = token;
}
let memoryDeviceToken: string | null = null;
const theDeviceToken = () => deviceToken() ?? memoryDeviceToken;

function forgetDeviceToken(): void {
  memoryDeviceToken = null;
  try {
    local()?.removeItem(DEVICE_KEY);
  } catch {
    // nothing kept
  }
}

function setBadgeFlag(on: boolean): void {
  try {
    if (on) session()?.setItem(BADGE_KEY, '1');
    else session()?.removeItem(BADGE_KEY);
  } catch {
    // a reload then goes back to the device
  }
}
const badgeFlag = () => session()?.getItem(BADGE_KEY) === '1';

function cacheIdentity(who: Identity, via: Via): void {
  try {
    local()?.setItem(IDENTITY_KEY, JSON.stringify({ ...who, via }));
  } catch {
    // not kept
  }
}
function cachedIdentity(): { who: Identity; via: Via } | null {
  try {
    const raw = local()?.getItem(IDENTITY_KEY);
    if (!raw) return null;
    const v: unknown = JSON.parse(raw);
    const me = MeSchema.omit({ user: true }).safeParse(v);
    const via = typeof v === 'object' && v !== null && 'via' in v ? v.via : null;
    if (!me.success || (via !== 'cookie' && via !== 'device' && via !== 'badge')) return null;
    return { who: me.data, via };
  } catch {
    return null;
  }
}
function forgetIdentity(): void {
  try {
    local()?.removeItem(IDENTITY_KEY);
  } catch {
    // nothing kept
  }
}

// ---------------------------------------------------------------- start

let started = false;

/**
 * The first two questions (is the server set up, who am I), asked as soon as the script
 * runs and both at once, rather than one after the other from the first render's effect:
 * a screen shows its board a few hundred milliseconds sooner, which a TV or tablet that
 * reloads itself pays on every start. `resolve` takes each answer once.
 */
const early: { status?: Promise<AuthStatus | null>; me?: { bearer: string | null; answer: Promise<MeAnswer> } } = {};

export function prefetchSession(): void {
  if (started || early.status) return;
  early.status = fetchStatus();
  const device = theDeviceToken();
  const bearer = badgeFlag() || !device ? null : device;
  early.me = { bearer, answer: fetchMe(bearer) };
}

/** Is the server set up: the prefetched answer (once), else a new request. */
function askStatus(): Promise<AuthStatus | null> {
  const p = early.status;
  delete early.status;
  return p ?? fetchStatus();
}

/** Who this credential is: the prefetched answer for the same credential (once), else a new request. */
function askMe(bearer: string | null): Promise<MeAnswer> {
  const p = early.me;
  delete early.me;
  return p && p.bearer === bearer ? p.answer : fetchMe(bearer);
}

/** Finds out who this screen is (once per page load) and connects. */
export function startSession(): void {
  if (started) return;
  started = true;
  auth.setState({ paired: theDeviceToken() !== null });
  void resolve();
}

async function fetchStatus(): Promise<AuthStatus | null> {
  const r = await api('GET', '/auth/status', undefined, { bearer: null });
  if (!r.ok) return null;
  const s = AuthStatusSchema.safeParse(r.body);
  return s.success ? s.data : null;
}

type MeAnswer = { kind: 'me'; me: Me } | { kind: 'refused' } | { kind: 'unreachable' };

async function fetchMe(bearer: string | null): Promise<MeAnswer> {
  const r = await api('GET', '/auth/me', undefined, { bearer });
  if (r.ok) {
    const me = MeSchema.safeParse(r.body);
    return me.success ? { kind: 'me', me: me.data } : { kind: 'unreachable' };
  }
  return r.status === 401 ? { kind: 'refused' } : { kind: 'unreachable' };
}

let resolving = 0;

/** Decides who the screen is now: badge session, else device, else cookie, else signed out. */
async function resolve(notice: string | null = null): Promise<void> {
  const run = ++resolving;
  const status = await askStatus();
  if (run !== resolving) return;
  if (status === null) {
    // The server cannot be reached: carry on as whoever this screen last was (the board
    // and the outbox come from the device), and check again when it can be reached.
    const cached = cachedIdentity();
    if (cached) {
      signedIn(cached.who, cached.via);
    } else {
      auth.setState({ phase: 'loading' });
    }
    setTimeout(() => {
      if (run === resolving) void resolve(notice);
    }, 5_000);
    return;
  }
  auth.setState({ status });
  if (status.setupRequired) {
    signedOutLocally();
    auth.setState({ phase: 'setup', notice: null });
    return;
  }
  const device = theDeviceToken();
  if (badgeFlag() || !device) {
    const me = await askMe(null);
    if (run !== resolving) return;
    if (me.kind === 'me') {
      const via: Via = badgeFlag() ? 'badge' : 'cookie';
      signedIn(me.me, via);
      return;
    }
    if (me.kind === 'unreachable') return retryLater(run, notice);
    if (badgeFlag()) {
      setBadgeFlag(false);
      notice = notice ?? tr()('session.badgeEnded');
    }
  }
  if (device) {
    const me = await askMe(device);
    if (run !== resolving) return;
    if (me.kind === 'me') {
      signedIn(me.me, 'device');
      if (notice) store.getState().pushAlert('info', notice);
      return;
    }
    if (me.kind === 'unreachable') return retryLater(run, notice);
    forgetDeviceToken();
    notice = tr()('session.unpaired');
    auth.setState({ unpaired: true });
  }
  signedOutLocally();
  auth.setState({ phase: 'signed-out', notice, paired: theDeviceToken() !== null });
}

function retryLater(run: number, notice: string | null): void {
  const cached = cachedIdentity();
  if (cached) signedIn(cached.who, cached.via);
  setTimeout(() => {
    if (run === resolving) void resolve(notice);
  }, 5_000);
}

function identityOf(me: Identity): Identity {
  return { kind: me.kind, id: me.id, name: me.name, role: me.role, stationIds: [...me.stationIds] };
}

/** Who the open connection was made for, so the same answer twice does not reconnect. */
let connectedAs: string | null = null;

function signedIn(me: Identity, via: Via): void {
  const who = identityOf(me);
  const token = via === 'device' ? theDeviceToken() : null;
  const as = `${via}|${who.kind}|${who.id}|${token ?? ''}`;
  const same = as === connectedAs && auth.getState().phase === 'signed-in';
  connectedAs = as;
  setBearer(token);
  store.getState().setIdentity(who);
  cacheIdentity(who, via);
  auth.setState({ phase: 'signed-in', via, notice: null, paired: theDeviceToken() !== null, unpaired: false });
  if (same) return;
  if (via === 'badge') startIdleWatch();
  else stopIdleWatch();
  openConnection(token, { onUnauthenticated });
}

function signedOutLocally(): void {
  connectedAs = null;
  stopIdleWatch();
  setBearer(null);
  closeConnection();
  store.getState().setIdentity(NOBODY);
  forgetIdentity();
}

/** The socket's handshake was refused as UNAUTHENTICATED: the credential is gone. */
function onUnauthenticated(): void {
  const via = auth.getState().via;
  if (via === 'device') {
    forgetDeviceToken();
    signedOutLocally();
    auth.setState({ phase: 'signed-out', via: null, paired: false, unpaired: true, notice: tr()('session.unpaired') });
    return;
  }
  if (via === 'badge') {
    setBadgeFlag(false);
    signedOutLocally();
    void resolve(tr()('session.badgeEnded'));
    return;
  }
  signedOutLocally();
  auth.setState({ phase: 'signed-out', via: null, notice: tr()('session.ended') });
}

// ---------------------------------------------------------------- sign in and out

export type Outcome = { ok: true } | { ok: false; message: string; code: string };

function failure(r: { status: number; error: { code: string; message: string }; retryAfterSeconds: number | null }): Outcome {
  if (r.status === 0) return { ok: false, code: 'NETWORK', message: tr()('session.unreachable') };
  if (r.error.code === ErrorCode.RATE_LIMITED) {
    const wait = r.retryAfterSeconds;
    return {
      ok: false,
      code: r.error.code,
      message: wait !== null ? tr()('session.rateLimited', { wait: waitText(wait) }) : tr()('session.rateLimitedNoWait'),
    };
  }
  return { ok: false, code: r.error.code, message: r.error.message };
}

/** "45 s", "3 min", "15 min" */
function waitText(seconds: number): string {
  return seconds < 90 ? tr()('session.seconds', { s: Math.ceil(seconds) }) : tr()('format.minutes', { m: Math.ceil(seconds / 60) });
}

/** Signs in with username and password (the session cookie). */
export async function signIn(username: string, password: string): Promise<Outcome> {
  const r = await api('POST', '/auth/login', { username, password }, { bearer: null });
  if (!r.ok) {
    if (r.status === 401) return { ok: false, code: r.error.code, message: tr()('session.wrongPassword') };
    return failure(r);
  }
  setBadgeFlag(false);
  await resolveAfterSignIn();
  return { ok: true };
}

/** Creates the first admin with the setup link's token, signed in at once. */
export async function completeSetup(token: string, username: string, password: string): Promise<Outcome> {
  const r = await api('POST', '/auth/setup', { token, username, password }, { bearer: null });
  if (!r.ok) {
    if (r.error.code === ErrorCode.VALIDATION_FAILED) return { ok: false, code: r.error.code, message: validationText(r.error) };
    return failure(r);
  }
  await resolveAfterSignIn();
  return { ok: true };
}

async function resolveAfterSignIn(): Promise<void> {
  const me = await fetchMe(null);
  if (me.kind === 'me') {
    signedIn(me.me, 'cookie');
    return;
  }
  await resolve();
}

function validationText(error: { message: string; details?: Record<string, unknown> | undefined }): string {
  const issues = error.details?.issues;
  if (Array.isArray(issues)) {
    const parts = issues
      .map((i: unknown) => {
        if (typeof i !== 'object' || i === null) return null;
        const path = 'path' in i && Array.isArray(i.path) ? i.path.join('.') : '';
        const msg = 'message' in i && typeof i.message === 'string' ? i.message : '';
        return path ? `${path}: ${msg}` : msg;
      })
      .filter((x): x is string => !!x);
    if (parts.length > 0) return parts.join('; ');
  }
  return error.message;
}

/**
 * Signs out. A password or badge session ends on the server (POST /api/auth/logout);
 * a badge session over a paired tablet then goes back to the device. A paired device
 * "unpairs": it forgets its token (a lead revokes it on the server from the admin page).
 */
export async function signOut(reason: string | null = null): Promise<void> {
  const via = auth.getState().via;
  if (via === 'device') {
    forgetDeviceToken();
    signedOutLocally();
    auth.setState({ phase: 'signed-out', via: null, paired: false, notice: reason });
    return;
  }
  setBadgeFlag(false);
  stopIdleWatch();
  await api('POST', '/auth/logout', undefined, { bearer: null });
  signedOutLocally();
  if (via === 'badge' && theDeviceToken() !== null) {
    auth.setState({ via: null });
    await resolve(reason);
    return;
  }
  auth.setState({ phase: 'signed-out', via: null, notice: reason });
}

// ---------------------------------------------------------------- badge

export type BadgeOutcome = Outcome | { ok: false; code: 'PIN_REQUIRED'; message: string };

/** Signs an operator in with a badge (and PIN when the plant asks for one). */
export async function badgeSignIn(badge: string, pin?: string): Promise<BadgeOutcome> {
  const status = auth.getState().status;
  if (status?.badgePin && pin === undefined) return { ok: false, code: 'PIN_REQUIRED', message: tr()('identity.enterPin') };
  const r = await api('POST', '/auth/badge', { badge, ...(pin !== undefined ? { pin } : {}) }, { bearer: null });
  if (!r.ok) {
    if (r.status === 401) return { ok: false, code: r.error.code, message: status?.badgePin ? tr()('session.unknownBadgePin') : tr()('session.unknownBadge') };
    return failure(r);
  }
  setBadgeFlag(true);
  const me = await fetchMe(null);
  if (me.kind === 'me') signedIn(me.me, 'badge');
  else await resolve();
  return { ok: true };
}

// Idle watch: any touch or key is use; after badgeIdleMinutes without, sign out. While
// in use, the server's session is kept alive too (it ends after the same idle time).
let lastUse = 0;
let lastPing = 0;
let idleTimer: ReturnType<typeof setInterval> | null = null;
const USE_EVENTS = ['pointerdown', 'keydown', 'touchstart', 'wheel'] as const;

function idleMs(): number {
  return (auth.getState().status?.badgeIdleMinutes ?? 15) * 60_000;
}

function onUse(): void {
  const now = Date.now();
  lastUse = now;
  const deadline = now + idleMs();
  // The deadline is shown in seconds: store it no more than once a second.
  const shown = auth.getState().idleDeadline;
  if (shown === null || Math.abs(shown - deadline) >= 1_000) auth.setState({ idleDeadline: deadline });
  if (now - lastPing > Math.min(60_000, idleMs() / 3)) {
    lastPing = now;
    void api('GET', '/auth/me', undefined, { bearer: null });
  }
}

function startIdleWatch(): void {
  stopIdleWatch();
  lastUse = Date.now();
  lastPing = lastUse;
  auth.setState({ idleDeadline: lastUse + idleMs() });
  for (const e of USE_EVENTS) document.addEventListener(e, onUse, { capture: true, passive: true });
  idleTimer = setInterval(() => {
    if (Date.now() - lastUse >= idleMs()) void signOut(tr()('session.idle'));
  }, 250);
}

function stopIdleWatch(): void {
  if (idleTimer) clearInterval(idleTimer);
  idleTimer = null;
  for (const e of USE_EVENTS) document.removeEventListener(e, onUse, { capture: true });
  if (auth.getState().idleDeadline !== null) auth.setState({ idleDeadline: null });
}

// ---------------------------------------------------------------- pairing

const PairingSchema = z.object({ pairingId: z.string(), code: z.string(), expiresAt: z.string() });
export type Pairing = z.infer<typeof PairingSchema>;
const DeliveredSchema = z.object({ token: z.string(), device: z.object({ name: z.string() }) });

/** Asks the server for a pairing code to show. */
export async function startPairing(): Promise<Pairing | Outcome> {
  const r = await apiParsed(PairingSchema, 'POST', '/devices/pairings', undefined, { bearer: null });
  if (!r.ok) return failure(r);
  return r.body;
}

/** One poll: still waiting, gone (expired or used), or paired (the token is kept and used). */
export async function pollPairing(pairingId: string): Promise<'pending' | 'gone' | 'paired' | 'unreachable'> {
  const r = await apiParsed(
    DeliveredSchema,
    'POST',
    `/devices/pairings/${encodeURIComponent(pairingId)}/token`,
    undefined,
    { bearer: null },
  );
  if (r.ok) {
    saveDeviceToken(r.body.token, r.body.device.name);
    setBadgeFlag(false);
    auth.setState({ paired: true });
    await resolve();
    return 'paired';
  }
  if (r.error.code === ErrorCode.PAIRING_PENDING) return 'pending';
  if (r.status === 404) return 'gone';
  return 'unreachable';
}

/** Roles that manage the plant (configuration, users, devices). */
export const isLead = (role: Role) => role === Role.ADMIN || role === Role.LEAD;
