// Who may use Pullboard, and as whom: users (password, or badge at a station), paired
// devices (a TV, a station tablet) and API tokens (scanners, ERP/MES). Every credential
// resolves to a Principal: the role and stations it acts with, and the actor the event
// log records. Knows nothing of HTTP: the transports call it and map its refusals.
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { DomainError } from '../../shared/errors.ts';
import { ErrorCode, Role } from '../../shared/names.ts';
import type { PublicDevice, PublicUser, TokenInfo } from '../../shared/accounts.ts';
import type { Actor } from '../../shared/schemas.ts';
import type { AccountRepository, DeviceRecord, UserRecord } from '../db/repository.ts';
import { dummyHash, hashBadge, hashSecret, hashToken, newToken, verifySecret } from './secrets.ts';

/** Who is asking: the role and stations a credential acts with, and how the log names it. */
export interface Principal {
  kind: 'user' | 'device' | 'token';
  id: string;
  name: string;
  role: Role;
  /** The stations an operator acts at (empty for the other roles). */
  stationIds: string[];
  /** The hash of the credential, so a sign-out or revocation finds its sockets. */
  credential: string;
  /**
   * How long this answer may be trusted without asking storage again (ms since the
   * epoch): the session's expiry, or sooner for a session that ends when idle. A
   * revocation never waits for it: it cuts the sockets at once (`onRevoke`).
   */
  trustUntil: number;
}

/** A long-lived credential (device, API token) is asked again at least this often. */
const TRUST_MS = 30_000;
/** Credentials remembered at most (a plant has far fewer screens and scripts). */
const TRUSTED_MAX = 10_000;

export const actorOf = (p: Principal): Actor => ({ kind: p.kind, id: p.id, name: p.name });

export interface AccountOptions {
  /** How long a password sign-in lasts. */
  sessionHours: number;
  /** A badge sign-in at a station ends after this many minutes without use. */
  badgeIdleMinutes: number;
  /** Whether a badge sign-in also needs the user's PIN. */
  badgePin: boolean;
  /** How long a pairing code can be approved. */
  pairingMinutes: number;
}

const defaultAccountOptions: AccountOptions = {
  sessionHours: 12,
  badgeIdleMinutes: 15,
  badgePin: false,
  pairingMinutes: 10,
};

/** Something that must end now: the sockets authenticated with these credentials. */
export type RevokeListener = (credentials: ReadonlySet<string>) => void;

const asRole = (r: string): Role => {
  for (const role of Object.values(Role)) if (role === r) return role;
  return Role.VIEWER;
};

const unauthenticated = (message = 'Sign in first') => new DomainError(ErrorCode.UNAUTHENTICATED, message);
const badSignIn = () => unauthenticated('Wrong username or password');

/** Pairing codes: 8 letters and digits without look-alikes (0/O, 1/I/L), shown as XXXX-XXXX. */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
function pairingCode(): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return `${s.slice(0, 4)}-${s.slice(4)}`;
}
/** A code as people type it: case, spaces and dashes do not matter. */
function normalizeCode(code: string): string {
  const c = code.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return c.length === 8 ? `${c.slice(0, 4)}-${c.slice(4)}` : c;
}

export class AccountService {
  private readonly opts: AccountOptions;
  private readonly revokeListeners = new Set<RevokeListener>();
  /** The badge hashes' pepper (read or created in the store at start). */
  private readonly pepper: Promise<string>;
  /** Credentials checked lately, by hash, until their `trustUntil`. */
  private readonly trusted = new Map<string, Principal>();
  /** The one-time setup token while no user exists (printed on the console, never stored). */
  private setupToken: string | null = null;

  constructor(
    private readonly repo: AccountRepository,
    opts: Partial<AccountOptions> = {},
    private readonly now: () => Date = () => new Date(),
  ) {
    this.opts = { ...defaultAccountOptions, ...opts };
    this.pepper = Promise.resolve(repo.installSecret('badge-pepper', () => randomBytes(32).toString('base64url')));
    // Seen by whoever awaits it first (a store that cannot answer fails the first badge use).
    this.pepper.catch(() => {});
  }

  get options(): AccountOptions {
    return this.opts;
  }

  /** Calls `fn` with the credentials that must stop working at once (their sockets are cut). */
  onRevoke(fn: RevokeListener): () => void {
    this.revokeListeners.add(fn);
    return () => this.revokeListeners.delete(fn);
  }

  private revoke(credentials: string[]): void {
    if (credentials.length === 0) return;
    const set = new Set(credentials);
    for (const h of set) this.trusted.delete(h);
    for (const fn of this.revokeListeners) fn(set);
  }

  // ------------------------------------------------------------ first run

  /** Whether any user exists (until then, only the setup link works). */
  async hasUsers(): Promise<boolean> {
    return (await this.repo.countUsers()) > 0;
  }

  /** A new one-time setup token when no user exists (the console prints its link), else null. */
  async beginSetup(): Promise<string | null> {
    if (await this.hasUsers()) return null;
    this.setupToken = newToken('setup');
    return this.setupToken;
  }

  /** Creates the first admin with the setup token; the token then stops working. */
  async completeSetup(token: string, username: string, password: string): Promise<{ user: PublicUser; token: string }> {
    if (this.setupToken === null || (await this.hasUsers()) || !safeEqual(token, this.setupToken)) {
      throw unauthenticated('This setup link is no longer valid (an admin already exists, or the server restarted)');
    }
    this.setupToken = null;
    await this.createUser({ username, password, role: Role.ADMIN, stationIds: [] });
    return this.login(username, password);
  }

  /** Creates or resets `admin` with this password (PULLBOARD_ADMIN_PASSWORD). */
  async ensureAdmin(password: string): Promise<void> {
    const existing = await this.repo.findUserByName('admin');
    if (!existing) {
      await this.createUser({ username: 'admin', password, role: Role.ADMIN, stationIds: [] });
      return;
    }
    if (existing.passwordHash && (await verifySecret(password, existing.passwordHash)) && existing.role === Role.ADMIN && !existing.disabled) return;
    await this.repo.updateUser({
      ...existing,
      role: Role.ADMIN,
      disabled: false,
      passwordHash: await hashSecret(password),
      updatedAt: this.now().toISOString(),
    });
    await this.endSessions(existing.id);
  }

  // ------------------------------------------------------------ users

  async listUsers(): Promise<PublicUser[]> {
    return (await this.repo.listUsers()).map(publicUser);
  }

  async createUser(input: {
    username: string;
    password?: string | undefined;
    badge?: string | undefined;
    pin?: string | undefined;
    role: Role;
    stationIds?: string[] | undefined;
  }): Promise<PublicUser> {
    if (await this.repo.findUserByName(input.username)) {
      throw new DomainError(ErrorCode.CONFLICT, `A user named "${input.username}" already exists`, { username: input.username });
    }
    const badgeHash = input.badge ? await this.badgeHash(input.badge) : null;
    if (badgeHash && await this.repo.findUserByBadge(badgeHash)) {
      throw new DomainError(ErrorCode.CONFLICT, 'That badge is already given to another user');
    }
    const at = this.now().toISOString();
    const u: UserRecord = {
      id: `us_${randomBytes(9).toString('base64url')}`,
      username: input.username,
      role: input.role,
      stationIds: input.role === Role.OPERATOR ? [...new Set(input.stationIds ?? [])] : [],
      passwordHash: input.password ? await hashSecret(input.password) : null,
      badgeHash,
      pinHash: input.pin ? await hashSecret(input.pin) : null,
      disabled: false,
      createdAt: at,
      updatedAt: at,
    };
    await this.repo.insertUser(u);
    return publicUser(u);
  }

  async updateUser(
    id: string,
    patch: {
      role?: Role | undefined;
      stationIds?: string[] | undefined;
      password?: string | undefined;
      badge?: string | null | undefined;
      pin?: string | null | undefined;
      disabled?: boolean | undefined;
    },
  ): Promise<PublicUser> {
    const u = await this.repo.findUser(id);
    if (!u) throw new DomainError(ErrorCode.NOT_FOUND, `No user with id "${id.slice(0, 80)}"`, { userId: id });
    const role = patch.role ?? asRole(u.role);
    let badgeHash = u.badgeHash;
    if (patch.badge !== undefined) {
      badgeHash = patch.badge === null ? null : await this.badgeHash(patch.badge);
      const holder = badgeHash ? await this.repo.findUserByBadge(badgeHash) : undefined;
      if (holder && holder.id !== u.id) throw new DomainError(ErrorCode.CONFLICT, 'That badge is already given to another user');
    }
    const next: UserRecord = {
      ...u,
      role,
      stationIds: role === Role.OPERATOR ? [...new Set(patch.stationIds ?? u.stationIds)] : [],
      passwordHash: patch.password !== undefined ? await hashSecret(patch.password) : u.passwordHash,
      badgeHash,
      pinHash: patch.pin === undefined ? u.pinHash : patch.pin === null ? null : await hashSecret(patch.pin),
      disabled: patch.disabled ?? u.disabled,
      updatedAt: this.now().toISOString(),
    };
    await this.repo.updateUser(next);
    // A new password, a new role or stations, or a disabled account: every session of the
    // user ends now (they sign in again with what is true now).
    const changedWho = next.role !== u.role || JSON.stringify(next.stationIds) !== JSON.stringify(u.stationIds);
    if (patch.password !== undefined || next.disabled || changedWho || patch.badge !== undefined) await this.endSessions(u.id);
    return publicUser(next);
  }

  // ------------------------------------------------------------ sessions

  /** Signs in with username and password. */
  async login(username: string, password: string): Promise<{ user: PublicUser; token: string }> {
    const u = await this.repo.findUserByName(username);
    // The same work whether or not the user exists, so timing does not tell.
    const ok = await verifySecret(password, u?.passwordHash ?? (await dummyHash()));
    if (!u || !u.passwordHash || !ok || u.disabled) throw badSignIn();
    return { user: publicUser(u), token: await this.openSession(u, 'password', null) };
  }

  /** Signs an operator in with a badge (and PIN when the plant requires one). */
  async badgeLogin(badge: string, pin: string | undefined): Promise<{ user: PublicUser; token: string }> {
    const u = await this.repo.findUserByBadge(await this.badgeHash(badge));
    const pinOk = this.opts.badgePin ? await verifySecret(pin ?? '', u?.pinHash ?? (await dummyHash())) : true;
    if (!u || u.disabled || !pinOk || (this.opts.badgePin && !u.pinHash)) {
      throw unauthenticated(this.opts.badgePin ? 'Unknown badge or wrong PIN' : 'Unknown badge');
    }
    return { user: publicUser(u), token: await this.openSession(u, 'badge', this.opts.badgeIdleMinutes) };
  }

  private async openSession(u: UserRecord, method: string, idleMinutes: number | null): Promise<string> {
    const token = newToken('session');
    const now = this.now();
    await this.repo.insertSession({
      tokenHash: hashToken(token),
      userId: u.id,
      method,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.opts.sessionHours * 3_600_000).toISOString(),
      lastSeenAt: now.toISOString(),
      idleMinutes,
    });
    return token;
  }

  /** Ends the session of this token (sign-out); its sockets are cut. */
  async logout(token: string): Promise<void> {
    // Only a session ends by signing out: a device or API token is revoked by a lead.
    if (!token.startsWith('pbs_')) return;
    const h = hashToken(token);
    await this.repo.deleteSession(h);
    this.revoke([h]);
  }

  private async endSessions(userId: string): Promise<void> {
    // The hashes are needed to cut the sockets; the table is small per user.
    const hashes = await this.repo.listSessionHashes(userId);
    await this.repo.deleteUserSessions(userId);
    this.revoke(hashes);
  }

  // ------------------------------------------------------------ any credential

  /**
   * The principal of a bearer token (session, device or API token), or null when it is
   * unknown, expired, idle too long, disabled or revoked. Marks it as used.
   */
  async authenticate(token: string, opts: { touch?: boolean } = {}): Promise<Principal | null> {
    const h = hashToken(token);
    const nowDate = this.now();
    // Within its trust time a credential is not looked up again (every request would
    // otherwise cost two lookups); anything that ends it goes through revoke(), which
    // forgets it here too.
    const known = this.trusted.get(h);
    if (known && nowDate.getTime() < known.trustUntil) return known;
    this.trusted.delete(h);
    const p = await this.lookUp(token, h, nowDate, opts.touch ?? true);
    if (p && opts.touch !== false) {
      if (this.trusted.size >= TRUSTED_MAX) this.trusted.clear();
      this.trusted.set(h, p);
    }
    return p;
  }

  private async lookUp(token: string, h: string, nowDate: Date, touch: boolean): Promise<Principal | null> {
    const now = nowDate.toISOString();
    if (token.startsWith('pbs_')) {
      const s = await this.repo.findSession(h);
      if (!s) return null;
      const idleEnd = s.idleMinutes === null ? Infinity : Date.parse(s.lastSeenAt) + s.idleMinutes * 60_000;
      if (s.expiresAt <= now || idleEnd <= nowDate.getTime()) {
        await this.repo.deleteSession(h);
        return null;
      }
      const u = await this.repo.findUser(s.userId);
      if (!u || u.disabled) return null;
      // A write per command would cost an fsync each: note use at most every so often
      // (a quarter of the idle time, at most a minute), which is all the idle rule needs.
      const every = Math.min(60_000, s.idleMinutes === null ? 60_000 : (s.idleMinutes * 60_000) / 4);
      if (touch && nowDate.getTime() - Date.parse(s.lastSeenAt) >= every) await this.repo.touchSession(h, now);
      const trustUntil = Math.min(Date.parse(s.expiresAt), nowDate.getTime() + Math.min(TRUST_MS, every));
      return { kind: 'user', id: u.id, name: u.username, role: asRole(u.role), stationIds: u.stationIds, credential: h, trustUntil };
    }
    if (token.startsWith('pbd_')) {
      const d = await this.repo.findDeviceByToken(h);
      if (!d || d.revokedAt !== null) return null;
      if (touch && stale(d.lastSeenAt, nowDate)) await this.repo.updateDevice({ ...d, lastSeenAt: now });
      return { kind: 'device', id: d.id, name: d.name, role: asRole(d.role), stationIds: d.stationIds, credential: h, trustUntil: nowDate.getTime() + TRUST_MS };
    }
    if (token.startsWith('pbt_')) {
      const t = await this.repo.findTokenByHash(h);
      if (!t || t.revokedAt !== null) return null;
      if (touch && stale(t.lastUsedAt, nowDate)) await this.repo.updateToken({ ...t, lastUsedAt: now });
      return { kind: 'token', id: t.id, name: t.name, role: asRole(t.role), stationIds: t.stationIds, credential: h, trustUntil: nowDate.getTime() + TRUST_MS };
    }
    return null;
  }

  /** The user of a principal, for GET /auth/me. */
  async userOf(p: Principal): Promise<PublicUser | null> {
    if (p.kind !== 'user') return null;
    const u = await this.repo.findUser(p.id);
    return u ? publicUser(u) : null;
  }

  // ------------------------------------------------------------ devices (RFC 8628-style pairing)

  /** A device asks to be paired: it shows the code (and a QR of the approval page). */
  async startPairing(): Promise<{ pairingId: string; code: string; expiresAt: string }> {
    const now = this.now();
    await this.repo.deleteExpiredPairings(now.toISOString());
    let code = pairingCode();
    while (await this.repo.findPairingByCode(code)) code = pairingCode();
    const p = {
      id: `pr_${randomUUID()}`,
      code,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.opts.pairingMinutes * 60_000).toISOString(),
      deviceId: null,
      delivered: false,
    };
    await this.repo.insertPairing(p);
    return { pairingId: p.id, code: p.code, expiresAt: p.expiresAt };
  }

  /** A lead approves a code: the device it belongs to becomes a viewer or an operator device. */
  async approvePairing(
    code: string,
    input: { name: string; role: Role; stationIds: string[] },
    by: Principal,
  ): Promise<PublicDevice> {
    const p = await this.repo.findPairingByCode(normalizeCode(code));
    if (!p || p.expiresAt <= this.now().toISOString() || p.deviceId !== null) {
      throw new DomainError(ErrorCode.NOT_FOUND, 'No device is waiting with this code (it may have expired or been used)');
    }
    const d: DeviceRecord = {
      id: `dv_${randomBytes(9).toString('base64url')}`,
      name: input.name,
      role: input.role,
      stationIds: input.role === Role.OPERATOR ? [...new Set(input.stationIds)] : [],
      tokenHash: null,
      createdAt: this.now().toISOString(),
      createdBy: by.name,
      lastSeenAt: null,
      revokedAt: null,
    };
    await this.repo.insertDevice(d);
    await this.repo.updatePairing({ ...p, deviceId: d.id });
    return publicDevice(d);
  }

  /**
   * The device polls: PAIRING_PENDING until approved, then its token, once. An unknown,
   * expired or already delivered pairing is NOT_FOUND.
   */
  async pollPairing(pairingId: string): Promise<{ token: string; device: PublicDevice }> {
    const p = await this.repo.findPairing(pairingId);
    const gone = () => new DomainError(ErrorCode.NOT_FOUND, 'This pairing is unknown, expired or already completed');
    if (!p || p.delivered) throw gone();
    if (p.deviceId === null) {
      if (p.expiresAt <= this.now().toISOString()) throw gone();
      throw new DomainError(ErrorCode.PAIRING_PENDING, 'Waiting for a team lead to approve this code');
    }
    const d = await this.repo.findDevice(p.deviceId);
    if (!d || d.revokedAt !== null) throw gone();
    // The token is made now and handed out once: only its hash is ever stored.
    const token = newToken('device');
    await this.repo.updateDevice({ ...d, tokenHash: hashToken(token) });
    await this.repo.updatePairing({ ...p, delivered: true });
    return { token, device: publicDevice(d) };
  }

  async listDevices(): Promise<PublicDevice[]> {
    return (await this.repo.listDevices()).filter((d) => d.revokedAt === null).map(publicDevice);
  }

  /** Revokes a device: its token is refused from now on and its sockets are cut. */
  async revokeDevice(id: string): Promise<PublicDevice> {
    const d = await this.repo.findDevice(id);
    if (!d || d.revokedAt !== null) throw new DomainError(ErrorCode.NOT_FOUND, `No device with id "${id.slice(0, 80)}"`, { deviceId: id });
    const next = { ...d, revokedAt: this.now().toISOString() };
    await this.repo.updateDevice(next);
    if (d.tokenHash) this.revoke([d.tokenHash]);
    return publicDevice(next);
  }

  // ------------------------------------------------------------ API tokens

  async createToken(input: { name: string; role: Role; stationIds: string[] }, by: Principal): Promise<{ id: string; token: string }> {
    const token = newToken('api');
    const id = `tk_${randomBytes(9).toString('base64url')}`;
    await this.repo.insertToken({
      id,
      name: input.name,
      role: input.role,
      stationIds: input.role === Role.OPERATOR ? [...new Set(input.stationIds)] : [],
      tokenHash: hashToken(token),
      createdAt: this.now().toISOString(),
      createdBy: by.name,
      lastUsedAt: null,
      revokedAt: null,
    });
    return { id, token };
  }

  async listTokens(): Promise<TokenInfo[]> {
    return (await this.repo.listTokens())
      .filter((t) => t.revokedAt === null)
      .map((t) => ({ id: t.id, name: t.name, role: asRole(t.role), stationIds: t.stationIds, createdAt: t.createdAt, createdBy: t.createdBy, lastUsedAt: t.lastUsedAt }));
  }

  async revokeToken(id: string): Promise<void> {
    const t = await this.repo.findToken(id);
    if (!t || t.revokedAt !== null) throw new DomainError(ErrorCode.NOT_FOUND, `No token with id "${id.slice(0, 80)}"`, { tokenId: id });
    await this.repo.updateToken({ ...t, revokedAt: this.now().toISOString() });
    this.revoke([t.tokenHash]);
  }

  // ------------------------------------------------------------ housekeeping

  async prune(): Promise<{ sessions: number; pairings: number }> {
    const now = this.now().toISOString();
    return { sessions: await this.repo.deleteExpiredSessions(now), pairings: await this.repo.deleteExpiredPairings(now) };
  }

  private async badgeHash(badge: string): Promise<string> {
    return hashBadge(badge, await this.pepper);
  }
}

function publicUser(u: UserRecord): PublicUser {
  return {
    id: u.id,
    username: u.username,
    role: asRole(u.role),
    stationIds: u.stationIds,
    disabled: u.disabled,
    hasBadge: u.badgeHash !== null,
    hasPassword: u.passwordHash !== null,
  };
}

function publicDevice(d: DeviceRecord): PublicDevice {
  return {
    id: d.id,
    name: d.name,
    role: asRole(d.role),
    stationIds: d.stationIds,
    createdAt: d.createdAt,
    createdBy: d.createdBy,
    lastSeenAt: d.lastSeenAt,
    revokedAt: d.revokedAt,
  };
}

/** Whether a last-seen time is old enough to be written again (once a minute is plenty). */
function stale(at: string | null, now: Date): boolean {
  return at === null || now.getTime() - Date.parse(at) >= 60_000;
}

function safeEqual(a: string, b: string): boolean {
  return a.length === b.length && hashToken(a) === hashToken(b);
}

