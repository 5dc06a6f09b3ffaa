// Accounts over the real server: password and badge sign-in, the brute-force limits,
// the first admin (setup link, PULLBOARD_ADMIN_PASSWORD), ending sessions (disable,
// new password, sign-out, badge idle time), device pairing and revocation, API tokens,
// who the event log names, and that no secret ever leaves in an answer or a log line.
// Waits for something that takes time (an idle session, an expiring code, a cut socket)
// are bounded polls for the outcome, never assertions on how long it took.
import fs from 'node:fs/promises';
import { PAIRING_STARTS_PER_MINUTE } from './http/auth.ts';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ActorSchema } from '../shared/schemas.ts';
import { AndonKind, ErrorCode, Role, StationKind } from '../shared/names.ts';
import { createApp } from './app.ts';
import type { App, AppOptions } from './app.ts';
import type { Logger } from './logger.ts';
import {
  Api,
  TEST_ADMIN_PASSWORD,
  WAIT_MS,
  apiToken,
  connectClient,
  disconnectClients,
  request,
  sendCommand,
  sendRaw,
  signIn,
  subscribe,
  userToken,
} from './testing/harness.ts';
import type { Client, Reply } from './testing/harness.ts';

// ---------------------------------------------------------------- a server with options

interface Started {
  url: string;
  app: App;
  dbFile: string;
  /** Every line the server logged, at every level, with its extra value. */
  logs: string[];
  /** Closes the app (the database file stays until the test ends). */
  close(): Promise<void>;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/**
 * Starts the real app on port 0 with these options and a logger that keeps every line.
 * With an admin password (the test one by default) it signs in as admin, so the
 * harness's request() acts as admin on this server.
 */
async function start(
  opts: Partial<Pick<AppOptions, 'accountOptions' | 'allowedOrigins'>> & { adminPassword?: string | null; dbFile?: string } = {},
): Promise<Started> {
  let dbFile = opts.dbFile;
  if (dbFile === undefined) {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pullboard-accounts-'));
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    dbFile = path.join(dir, 'board.db');
  }
  const logs: string[] = [];
  const line = (level: string) => (msg: string, extra?: unknown) => {
    const tail = extra instanceof Error ? ` ${extra.stack ?? extra.message}` : extra === undefined ? '' : ` ${JSON.stringify(extra)}`;
    logs.push(`${level} ${msg}${tail}`);
  };
  const logger: Logger = { info: line('info'), warn: line('warn'), error: line('error') };
  const adminPassword = opts.adminPassword === undefined ? TEST_ADMIN_PASSWORD : opts.adminPassword;
  const app = createApp({
    dbFile,
    seed: 'none',
    staticDir: null,
    logger,
    ...(adminPassword === null ? {} : { adminPassword }),
    ...(opts.accountOptions && { accountOptions: opts.accountOptions }),
    ...(opts.allowedOrigins && { allowedOrigins: opts.allowedOrigins }),
  });
  const address = await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${address.port}`;
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= (async () => {
      disconnectClients(url);
      await app.close();
    })();
    return closed;
  };
  cleanups.push(close);
  if (adminPassword !== null) await signIn(url, 'admin', adminPassword);
  return { url, app, dbFile, logs, close };
}

// ---------------------------------------------------------------- small helpers

const ErrorReply = z.object({ error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() }) });
const SignedIn = z.object({ user: z.object({ id: z.string(), username: z.string(), role: z.string() }), token: z.string() });
const Created = z.object({ id: z.string() });

const errorCode = (r: Reply) => ErrorReply.safeParse(r.body).data?.error.code;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

function login(url: string, username: string, password: string): Promise<Reply> {
  return request(url, 'POST', '/api/auth/login', { anonymous: true, json: { username, password } });
}

function badge(url: string, body: { badge: string; pin?: string }): Promise<Reply> {
  return request(url, 'POST', '/api/auth/badge', { anonymous: true, json: body });
}

function me(url: string, token: string): Promise<Reply> {
  return request(url, 'GET', '/api/auth/me', { headers: bearer(token) });
}

async function createUser(url: string, body: Record<string, unknown>): Promise<string> {
  const r = await request(url, 'POST', '/api/users', { json: body });
  if (r.status !== 201) throw new Error(`creating a user: ${r.status} ${r.text}`);
  return Created.parse(r.body).id;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves with the reason once the socket is disconnected; fails after WAIT_MS. */
function disconnection(socket: Client): Promise<string> {
  if (socket.disconnected) return Promise.resolve('already disconnected');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the socket was not disconnected within ${WAIT_MS} ms`)), WAIT_MS);
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

/** The data of the handshake's refusal; fails if the socket is let in. */
async function handshakeRefusal(url: string, token: string): Promise<unknown> {
  try {
    const s = await connectClient(url, 'tester', { token });
    s.disconnect();
  } catch (err) {
    return (err as { data?: unknown }).data;
  }
  throw new Error('the socket was let in');
}

/**
 * Tries `probe` after growing pauses (so a probe that keeps something alive cannot keep
 * it alive forever) until it says done; fails after a bounded number of tries.
 */
async function eventually(probe: () => Promise<boolean>, what: string, firstPauseMs = 250, tries = 7): Promise<void> {
  let pause = firstPauseMs;
  for (let i = 0; i < tries; i++) {
    await sleep(pause);
    if (await probe()) return;
    pause *= 2;
  }
  throw new Error(`${what}: not after ${tries} tries`);
}

/** A station (as the admin), for operators and devices to be bound to. */
async function station(url: string, name: string): Promise<string> {
  const s = await new Api(url).station(name, { kind: StationKind.PROCESS });
  return s.id;
}

// ---------------------------------------------------------------- password sign-in

describe('password sign-in', () => {
  it('answers the user and a token, sets an HttpOnly session cookie, and both credentials work', async () => {
    const s = await start();
    await createUser(s.url, { username: 'anna', password: 'anna-password', role: Role.LEAD });
    const r = await login(s.url, 'anna', 'anna-password');
    expect(r.status).toBe(200);
    const out = SignedIn.parse(r.body);
    expect(out.user).toMatchObject({ username: 'anna', role: Role.LEAD });
    expect(out.token).toMatch(/^pbs_/);
    const cookie = r.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^pullboard_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//i);

    const viaBearer = await me(s.url, out.token);
    expect(viaBearer.status).toBe(200);
    expect(viaBearer.body).toMatchObject({ kind: 'user', name: 'anna', role: Role.LEAD });
    const viaCookie = await request(s.url, 'GET', '/api/board', { anonymous: true, headers: { cookie: `pullboard_session=${out.token}` } });
    expect(viaCookie.status).toBe(200);
  });

  it('refuses a wrong password, an unknown user and a disabled user with one and the same answer', async () => {
    const s = await start();
    const id = await createUser(s.url, { username: 'bert', password: 'bert-password', role: Role.VIEWER });
    await createUser(s.url, { username: 'carl', password: 'carl-password', role: Role.VIEWER });
    await request(s.url, 'PATCH', `/api/users/${id}`, { json: { disabled: true } });
    const wrong = await login(s.url, 'carl', 'not-the-password');
    const unknown = await login(s.url, 'nobody-here', 'not-the-password');
    const disabled = await login(s.url, 'bert', 'bert-password');
    for (const r of [wrong, unknown, disabled]) {
      expect(r.status).toBe(401);
      expect(errorCode(r)).toBe(ErrorCode.UNAUTHENTICATED);
      expect(r.body).toEqual(wrong.body);
    }
    expect(r401Message(wrong)).toBe('Wrong username or password');
  });

  it('ends the session and cuts its socket on sign-out', async () => {
    const s = await start();
    const token = await userToken(s.url, 'dora', Role.VIEWER);
    const socket = await connectClient(s.url, 'dora', { token });
    const cut = disconnection(socket);
    const out = await request(s.url, 'POST', '/api/auth/logout', { headers: bearer(token) });
    expect(out.status).toBe(200);
    await cut;
    expect((await me(s.url, token)).status).toBe(401);
    expect(await handshakeRefusal(s.url, token)).toMatchObject({ code: ErrorCode.UNAUTHENTICATED });
  });
});

function r401Message(r: Reply): string | undefined {
  return ErrorReply.safeParse(r.body).data?.error.message;
}

// ---------------------------------------------------------------- brute force

describe('brute force', () => {
  it('locks a username after 10 failed sign-ins, even for the right password, and no other user', async () => {
    const s = await start();
    await createUser(s.url, { username: 'emil', password: 'emil-password', role: Role.VIEWER });
    await createUser(s.url, { username: 'frida', password: 'frida-password', role: Role.VIEWER });
    for (let i = 0; i < 10; i++) expect((await login(s.url, 'emil', `guess-${i}-password`)).status).toBe(401);

    const locked = await login(s.url, 'emil', 'emil-password');
    expect(locked.status).toBe(429);
    expect(errorCode(locked)).toBe(ErrorCode.RATE_LIMITED);
    expect(ErrorReply.parse(locked.body).error.details?.retryAfterSeconds).toBeGreaterThan(0);
    // Another spelling of the same name is the same name.
    expect((await login(s.url, 'EMIL', 'emil-password')).status).toBe(429);
    // Other users are not locked out by it.
    expect((await login(s.url, 'frida', 'frida-password')).status).toBe(200);
  });

  it('a successful sign-in clears the count of its username', async () => {
    const s = await start();
    await createUser(s.url, { username: 'gus', password: 'gus-password', role: Role.VIEWER });
    for (let i = 0; i < 9; i++) expect((await login(s.url, 'gus', `guess-${i}-password`)).status).toBe(401);
    expect((await login(s.url, 'gus', 'gus-password')).status).toBe(200);
    for (let i = 0; i < 9; i++) expect((await login(s.url, 'gus', `again-${i}-password`)).status).toBe(401);
    expect((await login(s.url, 'gus', 'gus-password')).status).toBe(200);
  });

  it('locks an address after 50 failed sign-ins over many usernames (password spraying)', async () => {
    const s = await start();
    await createUser(s.url, { username: 'hanna', password: 'hanna-password', role: Role.VIEWER });
    for (let i = 0; i < 50; i++) expect((await login(s.url, `sprayed-${i}`, 'Summer2026!')).status).toBe(401);
    const r = await login(s.url, 'hanna', 'hanna-password');
    expect(r.status).toBe(429);
    expect(errorCode(r)).toBe(ErrorCode.RATE_LIMITED);
  });

  it('locks a badge reader after 10 failed scans, and failed password sign-ins as "badge" do not', async () => {
    const s = await start();
    await createUser(s.url, { username: 'badge', password: 'badge-password', role: Role.VIEWER });
    await createUser(s.url, { username: 'ivan', badge: 'B-0001', role: Role.OPERATOR });
    for (let i = 0; i < 10; i++) expect((await login(s.url, 'badge', `guess-${i}-password`)).status).toBe(401);
    expect((await badge(s.url, { badge: 'B-0001' })).status).toBe(200);

    for (let i = 0; i < 10; i++) expect((await badge(s.url, { badge: `B-9${i}` })).status).toBe(401);
    const locked = await badge(s.url, { badge: 'B-0001' });
    expect(locked.status).toBe(429);
    expect(errorCode(locked)).toBe(ErrorCode.RATE_LIMITED);
  });
});

// ---------------------------------------------------------------- the first admin

describe('the first admin', () => {
  it('is made once through the setup link while no user exists', async () => {
    const s = await start({ adminPassword: null });
    const { setupToken } = await s.app.ready;
    expect(setupToken).toMatch(/^pbx_/);
    expect((await request(s.url, 'GET', '/api/auth/status', { anonymous: true })).body).toMatchObject({ setupRequired: true });
    // Nothing but the sign-in routes answers before.
    expect((await request(s.url, 'GET', '/api/board', { anonymous: true })).status).toBe(401);

    const setup = (token: string, username: string) =>
      request(s.url, 'POST', '/api/auth/setup', { anonymous: true, json: { token, username, password: 'first-admin-password' } });
    const forged = await setup(`pbx_${'A'.repeat(43)}`, 'mallory');
    expect(forged.status).toBe(401);
    const made = await setup(setupToken!, 'boss');
    expect(made.status).toBe(201);
    expect(SignedIn.parse(made.body).user).toMatchObject({ username: 'boss', role: Role.ADMIN });
    const again = await setup(setupToken!, 'mallory');
    expect(again.status).toBe(401);
    expect(errorCode(again)).toBe(ErrorCode.UNAUTHENTICATED);

    expect((await request(s.url, 'GET', '/api/auth/status', { anonymous: true })).body).toMatchObject({ setupRequired: false });
    expect(await s.app.accounts.beginSetup()).toBeNull();
    expect((await login(s.url, 'boss', 'first-admin-password')).status).toBe(200);
    expect((await login(s.url, 'mallory', 'first-admin-password')).status).toBe(401);
  });

  it('PULLBOARD_ADMIN_PASSWORD resets the admin at start: new password, enabled again, old sessions ended', async () => {
    const first = await start({ adminPassword: 'first-admin-password' });
    const old = await signIn(first.url, 'admin', 'first-admin-password', false);
    // Another admin disables `admin` (as if it had been locked out).
    const other = await userToken(first.url, 'deputy', Role.ADMIN);
    const list = z.object({ users: z.array(z.object({ id: z.string(), username: z.string() })) });
    const adminId = list.parse((await request(first.url, 'GET', '/api/users')).body).users.find((u) => u.username === 'admin')!.id;
    expect((await request(first.url, 'PATCH', `/api/users/${adminId}`, { headers: bearer(other), json: { disabled: true } })).status).toBe(200);
    await first.close();

    const second = await start({ adminPassword: 'second-admin-password', dbFile: first.dbFile });
    expect((await me(second.url, old)).status).toBe(401);
    expect((await login(second.url, 'admin', 'first-admin-password')).status).toBe(401);
    const signedIn = await login(second.url, 'admin', 'second-admin-password');
    expect(signedIn.status).toBe(200);
    expect(SignedIn.parse(signedIn.body).user.role).toBe(Role.ADMIN);
  });
});

// ---------------------------------------------------------------- ending a user's sessions

describe("ending a user's sessions", () => {
  it('disabling a user ends every session (401), cuts every socket and refuses sign-in', async () => {
    const s = await start();
    const id = await createUser(s.url, { username: 'jon', password: 'jon-password', role: Role.LEAD });
    const a = await signIn(s.url, 'jon', 'jon-password', false);
    const b = await signIn(s.url, 'jon', 'jon-password', false);
    const socket = await connectClient(s.url, 'jon', { token: a });
    expect((await subscribe(socket)).ok).toBe(true);
    const cut = disconnection(socket);

    expect((await request(s.url, 'PATCH', `/api/users/${id}`, { json: { disabled: true } })).status).toBe(200);
    await cut;
    expect((await me(s.url, a)).status).toBe(401);
    expect((await me(s.url, b)).status).toBe(401);
    expect((await login(s.url, 'jon', 'jon-password')).status).toBe(401);
    expect(await handshakeRefusal(s.url, a)).toMatchObject({ code: ErrorCode.UNAUTHENTICATED });
  });

  it('a new password ends the old sessions; only the new password signs in', async () => {
    const s = await start();
    const id = await createUser(s.url, { username: 'kim', password: 'kim-old-password', role: Role.VIEWER });
    const old = await signIn(s.url, 'kim', 'kim-old-password', false);
    const socket = await connectClient(s.url, 'kim', { token: old });
    const cut = disconnection(socket);
    expect((await request(s.url, 'PATCH', `/api/users/${id}`, { json: { password: 'kim-new-password' } })).status).toBe(200);
    await cut;
    expect((await me(s.url, old)).status).toBe(401);
    expect((await login(s.url, 'kim', 'kim-old-password')).status).toBe(401);
    expect((await login(s.url, 'kim', 'kim-new-password')).status).toBe(200);
  });
});

// ---------------------------------------------------------------- badges

describe('badge sign-in', () => {
  it('signs an operator in with the badge alone when no PIN is required', async () => {
    const s = await start();
    const here = await station(s.url, 'Welding');
    await createUser(s.url, { username: 'lena', badge: '04:A2:19:7F', role: Role.OPERATOR, stationIds: [here] });
    const r = await badge(s.url, { badge: ' 04:A2:19:7F ' });
    expect(r.status).toBe(200);
    const out = SignedIn.parse(r.body);
    expect(out.user).toMatchObject({ username: 'lena', role: Role.OPERATOR });
    expect(r.text).not.toContain('04:A2:19:7F');
    expect((await me(s.url, out.token)).body).toMatchObject({ kind: 'user', name: 'lena', stationIds: [here] });

    const unknown = await badge(s.url, { badge: '04:A2:19:80' });
    expect(unknown.status).toBe(401);
    expect(errorCode(unknown)).toBe(ErrorCode.UNAUTHENTICATED);
  });

  it('needs the PIN as well when PULLBOARD_BADGE_PIN is required', async () => {
    const s = await start({ accountOptions: { badgePin: true } });
    await createUser(s.url, { username: 'mia', badge: 'B-2001', pin: '4711', role: Role.OPERATOR });
    await createUser(s.url, { username: 'nils', badge: 'B-2002', role: Role.OPERATOR });
    expect((await request(s.url, 'GET', '/api/auth/status', { anonymous: true })).body).toMatchObject({ badgePin: true });
    const noPin = await badge(s.url, { badge: 'B-2001' });
    const wrongPin = await badge(s.url, { badge: 'B-2001', pin: '1234' });
    const unknown = await badge(s.url, { badge: 'B-2999', pin: '4711' });
    const userWithoutPin = await badge(s.url, { badge: 'B-2002', pin: '0000' });
    for (const r of [noPin, wrongPin, unknown, userWithoutPin]) {
      expect(r.status).toBe(401);
      expect(r.body).toEqual(noPin.body);
    }
    expect((await badge(s.url, { badge: 'B-2001', pin: '4711' })).status).toBe(200);
  });

  it('a badge session ends once it is not used for the idle time; its socket is refused then', async () => {
    // 0.02 minutes: a badge session lapses after 1.2 s without use.
    const s = await start({ accountOptions: { badgeIdleMinutes: 0.02 } });
    const here = await station(s.url, 'Paint');
    await createUser(s.url, { username: 'olga', badge: 'B-3001', password: 'olga-password', role: Role.OPERATOR, stationIds: [here] });
    const badgeToken = SignedIn.parse((await badge(s.url, { badge: 'B-3001' })).body).token;
    const passwordToken = SignedIn.parse((await login(s.url, 'olga', 'olga-password')).body).token;
    const socket = await connectClient(s.url, 'olga', { token: badgeToken });
    expect((await me(s.url, badgeToken)).status).toBe(200);

    await eventually(async () => (await me(s.url, badgeToken)).status === 401, 'the idle badge session ended');

    // The socket opened with it is refused its next command, and dropped.
    const cut = disconnection(socket);
    const ack = await sendCommand(socket, 'andon.raise', { stationId: here, kind: AndonKind.HELP });
    expect(ack).toMatchObject({ ok: false, error: { code: ErrorCode.UNAUTHENTICATED } });
    await cut;
    // A password session of the same user is not subject to the idle time.
    expect((await me(s.url, passwordToken)).status).toBe(200);
  });
});

// ---------------------------------------------------------------- devices

const Pairing = z.object({ pairingId: z.string(), code: z.string().regex(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/), expiresAt: z.string() });
const Delivered = z.object({ token: z.string(), device: z.object({ id: z.string(), name: z.string(), role: z.string() }) });

async function startPairing(url: string): Promise<z.infer<typeof Pairing>> {
  const r = await request(url, 'POST', '/api/devices/pairings', { anonymous: true });
  expect(r.status).toBe(201);
  return Pairing.parse(r.body);
}
const poll = (url: string, pairingId: string) =>
  request(url, 'POST', `/api/devices/pairings/${encodeURIComponent(pairingId)}/token`, { anonymous: true });
const approve = (url: string, token: string, body: Record<string, unknown>) =>
  request(url, 'POST', '/api/devices/pairings/approve', { headers: bearer(token), json: body });

describe('device pairing', () => {
  it('hands out codes to any screen, but not without end (429 RATE_LIMITED per address)', async () => {
    const s = await start();
    const answers: number[] = [];
    const n = PAIRING_STARTS_PER_MINUTE;
    for (let i = 0; i < n + 2; i++) answers.push((await request(s.url, 'POST', '/api/devices/pairings', { anonymous: true })).status);
    expect(answers.slice(0, n)).toEqual(Array(n).fill(201));
    expect(answers.slice(n)).toEqual([429, 429]);
  });

  it('pending until a lead approves, then the token once; the code works once', async () => {
    const s = await start();
    const lead = await userToken(s.url, 'petra', Role.LEAD);
    const p = await startPairing(s.url);

    const pending = await poll(s.url, p.pairingId);
    expect(pending.status).toBe(428);
    expect(errorCode(pending)).toBe(ErrorCode.PAIRING_PENDING);

    // Typed by a person: case and the dash do not matter.
    const approved = await approve(s.url, lead, { code: p.code.replace('-', ' ').toLowerCase(), name: 'Hall TV', role: Role.VIEWER });
    expect(approved.status).toBe(201);

    const delivered = await poll(s.url, p.pairingId);
    expect(delivered.status).toBe(200);
    const out = Delivered.parse(delivered.body);
    expect(out.token).toMatch(/^pbd_/);
    expect(out.device).toMatchObject({ name: 'Hall TV', role: Role.VIEWER });

    const second = await poll(s.url, p.pairingId);
    expect(second.status).toBe(404);
    expect(second.text).not.toContain(out.token);
    const reused = await approve(s.url, lead, { code: p.code, name: 'Rogue TV', role: Role.OPERATOR });
    expect(reused.status).toBe(404);
    expect(errorCode(reused)).toBe(ErrorCode.NOT_FOUND);
  });

  it('refuses an expired code', async () => {
    // 0.01 minutes: a code can be approved for 0.6 s.
    const s = await start({ accountOptions: { pairingMinutes: 0.01 } });
    const lead = await userToken(s.url, 'quinn', Role.LEAD);
    const p = await startPairing(s.url);
    await eventually(async () => (await poll(s.url, p.pairingId)).status === 404, 'the pairing expired', 200);
    const late = await approve(s.url, lead, { code: p.code, name: 'Late TV', role: Role.VIEWER });
    expect(late.status).toBe(404);
    expect(errorCode(late)).toBe(ErrorCode.NOT_FOUND);
    expect((await request(s.url, 'GET', '/api/devices')).body).toEqual({ devices: [] });
  });

  it("a device token reads the board and opens a socket; revoking it cuts the socket and refuses the token", async () => {
    const s = await start();
    const here = await station(s.url, 'Assembly');
    const lead = await userToken(s.url, 'rita', Role.LEAD);
    const p = await startPairing(s.url);
    expect((await approve(s.url, lead, { code: p.code, name: 'Assembly tablet', role: Role.OPERATOR, stationIds: [here] })).status).toBe(201);
    const { token, device } = Delivered.parse((await poll(s.url, p.pairingId)).body);

    expect((await request(s.url, 'GET', '/api/board', { headers: bearer(token) })).status).toBe(200);
    expect((await me(s.url, token)).body).toMatchObject({ kind: 'device', id: device.id, name: 'Assembly tablet', role: Role.OPERATOR, stationIds: [here], user: null });
    const socket = await connectClient(s.url, 'tablet', { token });
    expect((await subscribe(socket)).ok).toBe(true);
    expect((await sendCommand(socket, 'andon.raise', { stationId: here, kind: AndonKind.MATERIAL })).ok).toBe(true);

    const listed = z.object({ devices: z.array(z.object({ id: z.string() })) }).parse((await request(s.url, 'GET', '/api/devices', { headers: bearer(lead) })).body);
    expect(listed.devices.map((d) => d.id)).toEqual([device.id]);

    const cut = disconnection(socket);
    expect((await request(s.url, 'DELETE', `/api/devices/${device.id}`, { headers: bearer(lead) })).status).toBe(200);
    await cut;
    expect((await request(s.url, 'GET', '/api/board', { headers: bearer(token) })).status).toBe(401);
    expect(await handshakeRefusal(s.url, token)).toMatchObject({ code: ErrorCode.UNAUTHENTICATED });
    expect((await request(s.url, 'GET', '/api/devices', { headers: bearer(lead) })).body).toEqual({ devices: [] });
    expect((await request(s.url, 'DELETE', `/api/devices/${device.id}`, { headers: bearer(lead) })).status).toBe(404);
  });
});

// ---------------------------------------------------------------- API tokens

describe('API tokens', () => {
  it('is shown once, listed without the token, and refused once revoked (its socket cut)', async () => {
    const s = await start();
    const made = await request(s.url, 'POST', '/api/tokens', { json: { name: 'ERP bridge', role: Role.LEAD } });
    expect(made.status).toBe(201);
    const { id, token } = z.object({ id: z.string(), token: z.string().regex(/^pbt_/) }).parse(made.body);

    const listed = await request(s.url, 'GET', '/api/tokens');
    expect(listed.status).toBe(200);
    expect(listed.text).not.toContain(token);
    const tokens = z.object({ tokens: z.array(z.record(z.string(), z.unknown())) }).parse(listed.body).tokens;
    expect(tokens.map((t) => t.id)).toEqual([id]);
    expect(Object.keys(tokens[0]!).sort()).toEqual(['createdAt', 'createdBy', 'id', 'lastUsedAt', 'name', 'role', 'stationIds']);

    expect((await request(s.url, 'GET', '/api/board', { headers: bearer(token) })).status).toBe(200);
    const socket = await connectClient(s.url, 'erp', { token });
    const cut = disconnection(socket);
    expect((await request(s.url, 'DELETE', `/api/tokens/${id}`)).status).toBe(200);
    await cut;
    const after = await request(s.url, 'GET', '/api/board', { headers: bearer(token) });
    expect(after.status).toBe(401);
    expect(errorCode(after)).toBe(ErrorCode.UNAUTHENTICATED);
    expect((await request(s.url, 'GET', '/api/tokens')).body).toEqual({ tokens: [] });
  });
});

// ---------------------------------------------------------------- idempotency keys

describe('an Idempotency-Key', () => {
  it("belongs to its caller: another caller's same key is a request of its own", async () => {
    const s = await start();
    const here = await station(s.url, 'Press');
    const lead = await userToken(s.url, 'lena', Role.LEAD);
    const send = (token: string | undefined, kind: string) =>
      // No token: the test admin's (the harness default).
      request(s.url, 'POST', `/api/stations/${here}/andon`, {
        headers: { ...(token === undefined ? {} : bearer(token)), 'idempotency-key': 'k-1' },
        json: { kind },
      });
    const mine = await send(undefined, AndonKind.HELP);
    const theirs = await send(lead, AndonKind.STOP);
    expect([mine.status, theirs.status]).toEqual([200, 200]);
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();
    // The same caller again: the first answer, nothing run.
    const again = await send(lead, AndonKind.STOP);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(theirs.body);
    // The same caller, the same key, another request: refused, and not called a replay.
    const reused = await send(lead, AndonKind.MATERIAL);
    expect(reused.status).toBe(400);
    expect(reused.headers.get('idempotent-replayed')).toBeNull();
    expect(reused.body).toMatchObject({ error: { details: { idempotencyKey: 'k-1' } } });
  });
});

// ---------------------------------------------------------------- actors

describe('who the event log names', () => {
  it('is the user, device or token that acted, never a name the client sent', async () => {
    const s = await start();
    const api = new Api(s.url);
    const here = await station(s.url, 'Press');
    const userId = await createUser(s.url, { username: 'sven', password: 'sven-password', role: Role.OPERATOR, stationIds: [here] });
    const user = await signIn(s.url, 'sven', 'sven-password', false);
    const made = z.object({ id: z.string(), token: z.string() }).parse(
      (await request(s.url, 'POST', '/api/tokens', { json: { name: 'andon button', role: Role.OPERATOR, stationIds: [here] } })).body,
    );
    const p = await startPairing(s.url);
    await approve(s.url, await signIn(s.url, 'admin', TEST_ADMIN_PASSWORD, false), { code: p.code, name: 'Press tablet', role: Role.OPERATOR, stationIds: [here] });
    const device = Delivered.parse((await poll(s.url, p.pairingId)).body);

    const seq = await api.lastSeq();
    const spoof = { 'x-pullboard-actor': 'mallory' };
    expect((await request(s.url, 'POST', `/api/stations/${here}/andon`, { headers: { ...bearer(user), ...spoof }, json: { kind: AndonKind.HELP } })).status).toBe(200);
    expect((await request(s.url, 'POST', `/api/stations/${here}/andon/clear`, { headers: { ...bearer(made.token), ...spoof } })).status).toBe(200);
    const socket = await connectClient(s.url, 'mallory', { token: device.token });
    expect((await sendCommand(socket, 'andon.raise', { stationId: here, kind: AndonKind.STOP })).ok).toBe(true);

    const actors = (await api.events(seq)).events.map((e) => ActorSchema.parse(e.actor));
    expect(actors).toEqual([
      { kind: 'user', id: userId, name: 'sven' },
      { kind: 'token', id: made.id, name: 'andon button' },
      { kind: 'device', id: device.device.id, name: 'Press tablet' },
    ]);
  });
});

// ---------------------------------------------------------------- no secrets out

/** Keys an answer must never carry (hasBadge and hasPassword are booleans, and fine). */
const SECRET_KEY = /password|badge|pin|hash|secret|pepper/i;
function secretKeys(value: unknown, where = '$'): string[] {
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => [
    ...(SECRET_KEY.test(k) && !(k === 'hasBadge' || k === 'hasPassword') ? [`${where}.${k}`] : []),
    ...secretKeys(v, `${where}.${k}`),
  ]);
}

describe('no secret in answers or logs', () => {
  it('answers never carry a password, badge, PIN or hash, and the log holds no credential', async () => {
    const s = await start();
    const here = await station(s.url, 'Cutting');
    const secrets = {
      password: 'tove-secret-password',
      badge: 'BADGE-77-SECRET',
      pin: '918273',
      newPassword: 'tove-second-password',
    };
    const answers: Reply[] = [];
    const keep = async (r: Promise<Reply>) => {
      const reply = await r;
      answers.push(reply);
      return reply;
    };

    const created = await keep(request(s.url, 'POST', '/api/users', {
      json: { username: 'tove', password: secrets.password, badge: secrets.badge, pin: secrets.pin, role: Role.OPERATOR, stationIds: [here] },
    }));
    const id = Created.parse(created.body).id;
    expect(created.body).toMatchObject({ hasBadge: true, hasPassword: true });
    const signedIn = await login(s.url, 'tove', secrets.password);
    const session = SignedIn.parse(signedIn.body).token;
    const cookie = `pullboard_session=${session}`;
    // The sign-in answer hands out the token, and nothing else secret.
    expect(signedIn.text).not.toContain(secrets.password);
    expect(secretKeys(signedIn.body)).toEqual([]);
    const badged = await badge(s.url, { badge: secrets.badge });
    expect(badged.status).toBe(200);
    expect(badged.text).not.toContain(secrets.badge);
    const badgeSession = SignedIn.parse(badged.body).token;
    const token = await apiToken(s.url, 'scanner', Role.OPERATOR, [here]);

    // Failures too: a wrong password, an unknown badge, bad JSON, a refused socket.
    await keep(login(s.url, 'tove', `${secrets.password}-typo`));
    await keep(badge(s.url, { badge: `${secrets.badge}-X` }));
    await keep(request(s.url, 'POST', '/api/auth/login', { anonymous: true, raw: `{"username":"tove","password":"${secrets.password}"`, headers: { 'content-type': 'application/json' } }));
    await keep(request(s.url, 'POST', `/api/stations/${here}/andon`, { anonymous: true, headers: { cookie, origin: 'http://evil.example' }, json: { kind: 'stop' } }));
    await handshakeRefusal(s.url, `${token}x`);

    await keep(request(s.url, 'POST', `/api/stations/${here}/andon`, { headers: bearer(session), json: { kind: AndonKind.HELP } }));
    await keep(request(s.url, 'GET', '/api/users'));
    await keep(request(s.url, 'GET', '/api/tokens'));
    await keep(request(s.url, 'GET', '/api/devices'));
    await keep(me(s.url, session));
    await keep(me(s.url, badgeSession));
    await keep(me(s.url, token));
    await keep(request(s.url, 'GET', '/api/events?after=0'));
    await keep(request(s.url, 'GET', '/api/board'));
    await keep(request(s.url, 'PATCH', `/api/users/${id}`, { json: { password: secrets.newPassword, pin: '554433', badge: 'BADGE-78-SECRET' } }));
    await keep(request(s.url, 'GET', '/api/users'));
    const socket = await connectClient(s.url, 'scanner', { token });
    const sub = await sendRaw(socket, 'board:subscribe', {});

    const values = [secrets.password, secrets.badge, secrets.pin, secrets.newPassword, '554433', 'BADGE-78-SECRET', session, badgeSession, token];
    for (const r of answers) {
      expect(secretKeys(r.body), r.text.slice(0, 200)).toEqual([]);
      for (const v of values) expect(r.text, `an answer carries "${v.slice(0, 8)}…"`).not.toContain(v);
    }
    const subText = JSON.stringify(sub);
    for (const v of values) expect(subText).not.toContain(v);

    await s.close();
    const log = s.logs.join('\n');
    for (const v of values) expect(log, `the log holds "${v.slice(0, 8)}…"`).not.toContain(v);
    expect(log).not.toMatch(/pb[sdt]_[A-Za-z0-9_-]{20,}/);
  });
});
