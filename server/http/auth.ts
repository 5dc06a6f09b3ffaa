// Credentials over HTTP, and the account routes. A request carries a bearer token
// (`Authorization: Bearer ...`: API tokens, devices, scripts) or the session cookie (a
// person's browser). A cookie is ambient, so any page the browser opens could send it:
// a request authenticated by the cookie that changes anything must come from one of our
// own origins (the Origin header, which browsers send on every cross-site write,
// including `no-cors` fetches and forms). Bearer tokens are never ambient.
import express from 'express';
import type { NextFunction, Request, Response, Router } from 'express';
import { parse as parseCookies } from 'cookie';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { z } from 'zod';
import {
  ApprovePairingBody,
  BadgeBody,
  CreateTokenBody,
  CreateUserBody,
  LoginBody,
  SetupBody,
  UpdateUserBody,
} from '../../shared/accounts.ts';
import type { AuthStatus, Me } from '../../shared/accounts.ts';
import { withArticle } from '../../shared/access.ts';
import { DomainError, validationError } from '../../shared/errors.ts';
import { ErrorCode, Limits, Role } from '../../shared/names.ts';
import type { AccountService, Principal } from '../auth/accounts.ts';
import { sendError } from './errors.ts';

const SESSION_COOKIE = 'pullboard_session';
const TOKEN_MAX = 200;

export interface HttpAuthOptions {
  accounts: AccountService;
  /** Origins besides the server's own that may send cookie-authenticated writes and sockets. */
  allowedOrigins: readonly string[];
  /** When set, only these Host names are served (DNS rebinding guard). */
  allowedHosts: readonly string[] | null;
}

/** The bearer token or session cookie of a request, if any. */
export function credentialOf(headers: { authorization?: string | undefined; cookie?: string | undefined }):
  | { token: string; via: 'bearer' | 'cookie' }
  | null {
  const auth = headers.authorization;
  if (auth !== undefined) {
    const m = /^Bearer\s+(\S{1,200})\s*$/i.exec(auth);
    return m ? { token: m[1]!, via: 'bearer' } : null;
  }
  if (headers.cookie) {
    const token = parseCookies(headers.cookie)[SESSION_COOKIE];
    if (token && token.length <= TOKEN_MAX) return { token, via: 'cookie' };
  }
  return null;
}

/** Whether `origin` is the server's own (as the request reached it) or an allowed one. */
export function originAllowed(origin: string, ownOrigin: string, allowed: readonly string[]): boolean {
  return origin === ownOrigin || allowed.includes(origin);
}

const principals = new WeakMap<Request, Principal>();

/** The principal a request was authenticated as (set by `requireAuth`). */
export function principalOfRequest(req: Request): Principal {
  const p = principals.get(req);
  if (!p) throw new DomainError(ErrorCode.UNAUTHENTICATED, 'Sign in first');
  return p;
}

function ownOrigin(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? ''}`;
}

/** The Origin of a browser request (or of its Referer when a browser left Origin out). */
function requestOrigin(req: Request): string | null {
  const origin = req.get('origin');
  if (origin !== undefined && origin !== 'null') return origin;
  if (origin === 'null') return 'null';
  const referer = req.get('referer');
  if (!referer) return null;
  try {
    return new URL(referer).origin;
  } catch {
    return 'null';
  }
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether a browser request comes from our own origin or an allowed one (no Origin: no). */
function fromAllowedOrigin(req: Request, allowed: readonly string[]): boolean {
  const origin = requestOrigin(req);
  return origin !== null && originAllowed(origin, ownOrigin(req), allowed);
}

const crossSite = () => new DomainError(ErrorCode.FORBIDDEN, 'Refused: this change was sent from another site');

/** Refuses requests for a Host not on the list (when a list is set). */
export function hostGuard(allowedHosts: readonly string[] | null) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (allowedHosts === null) return next();
    const host = (req.get('host') ?? '').toLowerCase();
    const name = host.replace(/:\d+$/, '');
    if (allowedHosts.includes(host) || allowedHosts.includes(name)) return next();
    sendError(res, new DomainError(ErrorCode.FORBIDDEN, 'This server is not served under that host name'));
  };
}

/**
 * Authenticates every request that reaches it; no credential is 401. A write carried by
 * the session cookie must come from an allowed origin.
 */
export function requireAuth(opts: HttpAuthOptions) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const cred = credentialOf({ authorization: req.get('authorization'), cookie: req.get('cookie') });
    const p = cred ? await opts.accounts.authenticate(cred.token) : null;
    if (!cred || !p) {
      return sendError(res, new DomainError(ErrorCode.UNAUTHENTICATED, cred ? 'Signed out (the session ended or the credential was revoked)' : 'Sign in first'));
    }
    if (cred.via === 'cookie' && !SAFE.has(req.method) && !fromAllowedOrigin(req, opts.allowedOrigins)) {
      return sendError(res, crossSite());
    }
    principals.set(req, p);
    next();
  };
}

/** Refuses unless the principal's role is one of these. */
function requireRole(req: Request, roles: readonly Role[], what: string): Principal {
  const p = principalOfRequest(req);
  if (!roles.includes(p.role)) {
    throw new DomainError(ErrorCode.FORBIDDEN, `${withArticle(p.role)} may not ${what}`, { role: p.role });
  }
  return p;
}

function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const r = schema.safeParse(value ?? {});
  if (!r.success) throw validationError(r.error.issues);
  return r.data;
}

/** Sign-in attempts: per username and per address, so neither guessing nor spraying goes fast. */
class SignInLimiter {
  private readonly byName = new RateLimiterMemory({ points: 10, duration: 15 * 60, blockDuration: 15 * 60 });
  private readonly byAddress = new RateLimiterMemory({ points: 50, duration: 60 * 60, blockDuration: 15 * 60 });

  /** Throws RATE_LIMITED while either is blocked. */
  async check(name: string, address: string): Promise<void> {
    const [n, a] = await Promise.all([this.byName.get(name), this.byAddress.get(address)]);
    const wait = Math.max(blockedFor(n, 10), blockedFor(a, 50));
    if (wait > 0) {
      throw new DomainError(ErrorCode.RATE_LIMITED, `Too many failed sign-ins: try again in ${Math.ceil(wait / 1000)} s`, {
        retryAfterSeconds: Math.ceil(wait / 1000),
      });
    }
  }

  async failed(name: string, address: string): Promise<void> {
    await Promise.all([this.byName.penalty(name, 1), this.byAddress.penalty(address, 1)]);
  }

  async succeeded(name: string): Promise<void> {
    await this.byName.delete(name);
  }
}

function blockedFor(r: RateLimiterRes | null, points: number): number {
  return r !== null && r.consumedPoints >= points ? r.msBeforeNext : 0;
}

function setSessionCookie(req: Request, res: Response, token: string, hours: number): void {
  res.cookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: req.secure,
    path: '/',
    maxAge: hours * 3_600_000,
  });
}

const LEADS: readonly Role[] = [Role.ADMIN, Role.LEAD];
/** Pairing codes one address may ask for per minute. */
export const PAIRING_STARTS_PER_MINUTE = 60;
const ADMINS: readonly Role[] = [Role.ADMIN];

/**
 * The public account routes (sign-in, setup, pairing start and poll) and, behind
 * `requireAuth`, the rest. Mount before the board routes.
 */
export function accountRouter(opts: HttpAuthOptions): { publicRoutes: Router; privateRoutes: Router } {
  const { accounts } = opts;
  const limiter = new SignInLimiter();
  const pub = express.Router();
  const priv = express.Router();

  pub.get('/auth/status', async (_req, res) => {
    const status: AuthStatus = {
      setupRequired: !(await accounts.hasUsers()),
      badgePin: accounts.options.badgePin,
      badgeIdleMinutes: accounts.options.badgeIdleMinutes,
    };
    res.json(status);
  });

  pub.post('/auth/setup', async (req, res) => {
    const body = parse(SetupBody, req.body);
    const out = await accounts.completeSetup(body.token, body.username, body.password);
    setSessionCookie(req, res, out.token, accounts.options.sessionHours);
    res.status(201).json(out);
  });

  pub.post('/auth/login', async (req, res) => {
    const body = parse(LoginBody, req.body);
    const name = body.username.toLowerCase();
    const address = req.ip ?? 'unknown';
    await limiter.check(name, address);
    try {
      const out = await accounts.login(body.username, body.password);
      await limiter.succeeded(name);
      setSessionCookie(req, res, out.token, accounts.options.sessionHours);
      res.json(out);
    } catch (err) {
      if (err instanceof DomainError && err.code === ErrorCode.UNAUTHENTICATED) await limiter.failed(name, address);
      throw err;
    }
  });

  pub.post('/auth/badge', async (req, res) => {
    const body = parse(BadgeBody, req.body);
    const address = req.ip ?? 'unknown';
    // A badge is a name and a secret at once: limit by address (a reader sits at one tablet).
    // The key cannot be a username (':' is not allowed in one), so failed password
    // sign-ins as a user called "badge" cannot lock every badge reader out.
    const reader = `badge:${address}`;
    await limiter.check(reader, address);
    try {
      const out = await accounts.badgeLogin(body.badge, body.pin);
      setSessionCookie(req, res, out.token, accounts.options.sessionHours);
      res.json(out);
    } catch (err) {
      if (err instanceof DomainError && err.code === ErrorCode.UNAUTHENTICATED) await limiter.failed(reader, address);
      throw err;
    }
  });

  pub.post('/auth/logout', async (req, res) => {
    const cred = credentialOf({ authorization: req.get('authorization'), cookie: req.get('cookie') });
    // Like any write carried by the cookie: another site may not sign the browser out.
    if (cred?.via === 'cookie' && !fromAllowedOrigin(req, opts.allowedOrigins)) {
      return sendError(res, crossSite());
    }
    if (cred) await accounts.logout(cred.token);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.json({ ok: true });
  });

  // Anyone may ask for a code (that is how a new TV starts), but not without end: one a
  // second per address is far more than real screens need, and bounds the table.
  const pairingStarts = new RateLimiterMemory({ points: PAIRING_STARTS_PER_MINUTE, duration: 60 });
  pub.post('/devices/pairings', async (req, res) => {
    try {
      await pairingStarts.consume(req.ip ?? 'unknown');
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      const wait = Math.ceil(err.msBeforeNext / 1000);
      throw new DomainError(ErrorCode.RATE_LIMITED, `Too many pairing codes asked for: try again in ${wait} s`, {
        retryAfterSeconds: wait,
      });
    }
    res.status(201).json(await accounts.startPairing());
  });

  pub.post('/devices/pairings/:pairingId/token', async (req, res) => {
    const id = String(req.params.pairingId ?? '').slice(0, Limits.ID * 2);
    res.json(await accounts.pollPairing(id));
  });

  // ------------------------------------------------------------ signed in

  priv.get('/auth/me', async (req, res) => {
    const p = principalOfRequest(req);
    const me: Me = { kind: p.kind, id: p.id, name: p.name, role: p.role, stationIds: p.stationIds, user: await accounts.userOf(p) };
    res.json(me);
  });

  priv.get('/users', async (req, res) => {
    requireRole(req, ADMINS, 'list users');
    res.json({ users: await accounts.listUsers() });
  });
  priv.post('/users', async (req, res) => {
    requireRole(req, ADMINS, 'create users');
    res.status(201).json(await accounts.createUser(parse(CreateUserBody, req.body)));
  });
  priv.patch('/users/:id', async (req, res) => {
    requireRole(req, ADMINS, 'change users');
    res.json(await accounts.updateUser(String(req.params.id), parse(UpdateUserBody, req.body)));
  });

  priv.post('/devices/pairings/approve', async (req, res) => {
    const p = requireRole(req, LEADS, 'pair devices');
    const body = parse(ApprovePairingBody, req.body);
    res.status(201).json({ device: await accounts.approvePairing(body.code, { ...body, stationIds: body.stationIds ?? [] }, p) });
  });
  priv.get('/devices', async (req, res) => {
    requireRole(req, LEADS, 'list devices');
    res.json({ devices: await accounts.listDevices() });
  });
  priv.delete('/devices/:id', async (req, res) => {
    requireRole(req, LEADS, 'revoke devices');
    res.json({ device: await accounts.revokeDevice(String(req.params.id)) });
  });

  priv.post('/tokens', async (req, res) => {
    const p = requireRole(req, ADMINS, 'create API tokens');
    const body = parse(CreateTokenBody, req.body);
    res.status(201).json(await accounts.createToken({ ...body, stationIds: body.stationIds ?? [] }, p));
  });
  priv.get('/tokens', async (req, res) => {
    requireRole(req, ADMINS, 'list API tokens');
    res.json({ tokens: await accounts.listTokens() });
  });
  priv.delete('/tokens/:id', async (req, res) => {
    requireRole(req, ADMINS, 'revoke API tokens');
    await accounts.revokeToken(String(req.params.id));
    res.json({ ok: true });
  });

  return { publicRoutes: pub, privateRoutes: priv };
}
