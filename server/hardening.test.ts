// What a browser signed in to Pullboard can be tricked into, tried as the browser would
// send it: the session cookie attached to requests and WebSockets that a page on another
// origin starts (Node's fetch and socket.io-client with explicit Origin and Cookie
// headers play that browser), requests under a rebinding Host name, and the security
// headers on the page and the API. Every refusal is checked to have changed nothing.
import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AndonKind, ErrorCode, Role, StationKind } from '../shared/names.ts';
import { createApp } from './app.ts';
import type { App, AppOptions } from './app.ts';
import { silentLogger } from './logger.ts';
import { Api, TEST_ADMIN_PASSWORD, WAIT_MS, disconnectClients, request, signIn, subscribe, userToken } from './testing/harness.ts';
import type { Client, ApiPlant, Reply } from './testing/harness.ts';
import { buildApiPlant } from './testing/harness.ts';

// ---------------------------------------------------------------- servers

const EVIL = 'http://evil.example';
/** Another origin of the plant that is allowed to use the board (PULLBOARD_ALLOWED_ORIGINS). */
const PARTNER = 'http://andon-wall.plant.example';
/** A host name the server is meant to answer to besides 127.0.0.1 (PULLBOARD_ALLOWED_HOSTS). */
const OWN_NAME = 'pullboard.plant.example';
const PAGE = '<!doctype html><title>Pullboard</title><div id="root"></div>';

interface Started {
  url: string;
  port: number;
  app: App;
  close(): Promise<void>;
}
const started: Started[] = [];

async function start(opts: Partial<Pick<AppOptions, 'allowedHosts' | 'allowedOrigins' | 'trustProxy'>> = {}): Promise<Started> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pullboard-hardening-'));
  const staticDir = path.join(dir, 'client');
  await fs.mkdir(staticDir);
  await fs.writeFile(path.join(staticDir, 'index.html'), PAGE);
  const app = createApp({ dbFile: path.join(dir, 'board.db'), seed: 'none', staticDir, logger: silentLogger, adminPassword: TEST_ADMIN_PASSWORD, ...opts });
  const address = await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${address.port}`;
  await signIn(url);
  const s: Started = {
    url,
    port: address.port,
    app,
    async close() {
      disconnectClients(url);
      await app.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
  started.push(s);
  return s;
}
afterAll(async () => {
  for (const s of started.splice(0).reverse()) await s.close();
});

// ---------------------------------------------------------------- the browser, played

/** A request as a browser would send it: explicit Origin, Cookie, Referer, no bearer. */
async function browser(
  url: string,
  method: string,
  pathname: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Reply> {
  return request(url, method, pathname, { anonymous: true, headers, ...(body !== undefined && { raw: body }) });
}

/** A request with any Host header (fetch does not let a caller choose it). */
function withHost(port: number, host: string, method: string, pathname: string, headers: Record<string, string> = {}, body?: string) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: pathname, headers: { ...headers, host } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

type Outcome = { connected: true; socket: Client } | { connected: false; data: unknown };

/** Opens a Socket.IO connection the way a page would: its Origin and the cookie in the headers. */
function openSocket(url: string, headers: Record<string, string>, transport: 'websocket' | 'polling' = 'websocket'): Promise<Outcome> {
  const socket: Client = io(url, {
    transports: [transport],
    forceNew: true,
    reconnection: false,
    extraHeaders: headers,
    // No token in the handshake: a page on another site has only the cookie.
    auth: {},
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.disconnect();
      reject(new Error(`neither connected nor refused within ${WAIT_MS} ms`));
    }, WAIT_MS);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve({ connected: true, socket });
    });
    socket.once('connect_error', (err: Error & { data?: unknown }) => {
      clearTimeout(timer);
      socket.disconnect();
      resolve({ connected: false, data: err.data });
    });
  });
}

const ErrorReply = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
const codeOf = (body: unknown) => ErrorReply.safeParse(body).data?.error.code;

// ---------------------------------------------------------------- cross-site with the cookie

describe('a page on another origin, with the signed-in browser', () => {
  let s: Started;
  let api: Api;
  let plant: ApiPlant;
  let cookie: string;
  /** The board and the log as they stand; a refusal leaves both exactly so. */
  const snapshot = async () => ({ board: await api.boardText(), lastSeq: await api.lastSeq() });

  beforeAll(async () => {
    s = await start({ allowedOrigins: [PARTNER] });
    api = new Api(s.url);
    plant = await buildApiPlant(api);
    // A lead's browser: the cookie could do anything a lead may.
    const token = await userToken(s.url, 'lead-lisa', Role.LEAD);
    cookie = `pullboard_session=${token}`;
  });

  it.each(['websocket', 'polling'] as const)('cannot open a socket with the cookie (%s), so it reads nothing and changes nothing', async (transport) => {
    const before = await snapshot();
    for (const origin of [EVIL, 'null', `http://127.0.0.1:${s.port + 1}`]) {
      const out = await openSocket(s.url, { origin, cookie }, transport);
      if (out.connected) {
        out.socket.disconnect();
        throw new Error(`a socket from ${origin} was let in`);
      }
      expect(out.data, origin).toMatchObject({ code: ErrorCode.FORBIDDEN });
    }
    expect(await snapshot()).toEqual(before);

    // The cookie itself is good: from our own page (and an allowed one) the same socket opens.
    for (const origin of [s.url, PARTNER]) {
      const ok = await openSocket(s.url, { origin, cookie }, transport);
      expect(ok.connected, origin).toBe(true);
      if (ok.connected) {
        expect((await subscribe(ok.socket)).ok).toBe(true);
        ok.socket.disconnect();
      }
    }
  });

  it('cannot use the socket to raise a line stop or change a loop: commands never leave a refused handshake', async () => {
    const before = await snapshot();
    const socket: Socket = io(s.url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { origin: EVIL, cookie }, auth: {} });
    const refused = new Promise<void>((resolve) => socket.once('connect_error', () => resolve()));
    // Queued at once, as a hostile page would: Socket.IO sends nothing before it is connected.
    socket.emit('andon:raise', { stationId: plant.machining.id, kind: AndonKind.STOP });
    socket.emit('loop:update', { loopId: plant.blank.loop.id, cardCount: 9 });
    socket.emit('board:subscribe', {});
    await refused;
    socket.disconnect();
    expect(await snapshot()).toEqual(before);
    expect((await api.board()).stations.find((st) => st.id === plant.machining.id)?.andon).toBeNull();
  });

  it("refuses a no-cors style POST with the cookie to /api/loops/:id/consume, and changes nothing", async () => {
    const before = await snapshot();
    const target = `/api/loops/${plant.blank.loop.id}/consume`;
    // fetch(url, {method: 'POST', mode: 'no-cors', credentials: 'include'}): no body, or a text/plain one.
    const attempts = [
      await browser(s.url, 'POST', target, { origin: EVIL, cookie }),
      await browser(s.url, 'POST', target, { origin: EVIL, cookie, 'content-type': 'text/plain;charset=UTF-8' }, '{}'),
      await browser(s.url, 'POST', target, { origin: EVIL, cookie, 'content-type': 'application/x-www-form-urlencoded' }, 'a=1'),
      // A same-site neighbour on another port is another origin too.
      await browser(s.url, 'POST', target, { origin: `http://127.0.0.1:${s.port + 1}`, cookie }),
    ];
    for (const r of attempts) {
      expect(r.status, r.text).toBe(403);
      expect(codeOf(r.body)).toBe(ErrorCode.FORBIDDEN);
    }
    expect(await snapshot()).toEqual(before);

    // The same request from our own page goes through: the refusal was the origin's.
    const own = await browser(s.url, 'POST', target, { origin: s.url, cookie });
    expect(own.status, own.text).toBe(200);
  });

  it('refuses a field-less text/plain form POST with the cookie to /api/stations/:id/andon/clear, and changes nothing', async () => {
    const at = plant.assembly.id;
    expect((await api.request('POST', `/api/stations/${at}/andon`, { json: { kind: AndonKind.STOP } })).status).toBe(200);
    const before = await snapshot();
    const target = `/api/stations/${at}/andon/clear`;
    // <form method="post" enctype="text/plain" action="…/andon/clear"></form>, submitted.
    const form = { cookie, 'content-type': 'text/plain' };
    const attempts = [
      await browser(s.url, 'POST', target, { ...form, origin: EVIL }, ''),
      // A browser that leaves Origin out still sends the page as Referer.
      await browser(s.url, 'POST', target, { ...form, referer: `${EVIL}/lure.html` }, ''),
      // Sandboxed frames and some redirects send Origin: null.
      await browser(s.url, 'POST', target, { ...form, origin: 'null' }, ''),
      // Neither: not provably ours, so refused.
      await browser(s.url, 'POST', target, form, ''),
    ];
    for (const r of attempts) {
      expect(r.status, r.text).toBe(403);
      expect(codeOf(r.body)).toBe(ErrorCode.FORBIDDEN);
    }
    expect(await snapshot()).toEqual(before);
    expect((await api.board()).stations.find((st) => st.id === at)?.andon).toMatchObject({ kind: AndonKind.STOP });

    // From the partner origin the plant allowed, the same form is accepted.
    const allowed = await browser(s.url, 'POST', target, { ...form, origin: PARTNER }, '');
    expect(allowed.status, allowed.text).toBe(200);
    expect((await api.board()).stations.find((st) => st.id === at)?.andon).toBeNull();
  });

  it('refuses PATCH and DELETE with the cookie from another origin too', async () => {
    const before = await snapshot();
    const patch = await browser(s.url, 'PATCH', `/api/loops/${plant.shaft.loop.id}`, { origin: EVIL, cookie, 'content-type': 'application/json' }, '{"cardCount":7}');
    expect(patch.status).toBe(403);
    const del = await browser(s.url, 'DELETE', '/api/devices/dv_anything', { origin: EVIL, cookie });
    expect(del.status).toBe(403);
    expect(await snapshot()).toEqual(before);
  });

  it('cannot sign the browser out from another origin', async () => {
    const own = await userToken(s.url, 'lead-lars', Role.LEAD);
    const larsCookie = `pullboard_session=${own}`;
    const r = await browser(s.url, 'POST', '/api/auth/logout', { origin: EVIL, cookie: larsCookie });
    expect(r.status).toBe(403);
    expect((await browser(s.url, 'GET', '/api/auth/me', { cookie: larsCookie })).status).toBe(200);
    const ours = await browser(s.url, 'POST', '/api/auth/logout', { origin: s.url, cookie: larsCookie });
    expect(ours.status).toBe(200);
    expect((await browser(s.url, 'GET', '/api/auth/me', { cookie: larsCookie })).status).toBe(401);
  });

  it('gives another origin no CORS permission to read any answer', async () => {
    const preflight = await browser(s.url, 'OPTIONS', '/api/stations', {
      origin: EVIL,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    const read = await browser(s.url, 'GET', '/api/board', { origin: EVIL, cookie });
    expect(read.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('takes a bearer token from anywhere: a browser never attaches one by itself', async () => {
    const token = await signIn(s.url, 'admin', TEST_ADMIN_PASSWORD, false);
    const r = await request(s.url, 'POST', `/api/stations/${plant.steel.id}/andon`, {
      headers: { authorization: `Bearer ${token}`, origin: EVIL },
      json: { kind: AndonKind.MATERIAL },
    });
    expect(r.status, r.text).toBe(200);
  });
});

// ---------------------------------------------------------------- Host names

describe('the allowed Host list', () => {
  it('compares host names without case, as DNS does', async () => {
    const upper = await start({ allowedHosts: ['127.0.0.1', OWN_NAME.toUpperCase()] });
    expect((await withHost(upper.port, `${OWN_NAME}:${upper.port}`, 'GET', '/api/health')).status).toBe(200);
    expect((await withHost(upper.port, `rebind.evil.example:${upper.port}`, 'GET', '/api/health')).status).toBe(403);
  });
});

describe('with PULLBOARD_ALLOWED_HOSTS set', () => {
  let s: Started;
  let bearer: string;
  beforeAll(async () => {
    s = await start({ allowedHosts: ['127.0.0.1', OWN_NAME] });
    bearer = await signIn(s.url, 'admin', TEST_ADMIN_PASSWORD, false);
  });

  it('refuses a request under a rebinding Host name, for the API and the page alike', async () => {
    const rebound = `rebind.evil.example:${s.port}`;
    const auth = { authorization: `Bearer ${bearer}` };
    const before = await new Api(s.url).boardText();
    const tries = [
      await withHost(s.port, rebound, 'GET', '/api/board', auth),
      await withHost(s.port, rebound, 'GET', '/api/health'),
      await withHost(s.port, rebound, 'POST', '/api/auth/login', { 'content-type': 'application/json' }, JSON.stringify({ username: 'admin', password: TEST_ADMIN_PASSWORD })),
      await withHost(s.port, rebound, 'POST', '/api/stations', { ...auth, 'content-type': 'application/json' }, JSON.stringify({ name: 'Rebound' })),
      await withHost(s.port, rebound, 'GET', '/'),
      await withHost(s.port, rebound, 'GET', '/index.html'),
      await withHost(s.port, rebound, 'GET', '/station/st_anything'),
    ];
    for (const r of tries) {
      expect(r.status, r.text).toBe(403);
      expect(r.text).not.toContain('<div id="root">');
      expect(codeOf(JSON.parse(r.text))).toBe(ErrorCode.FORBIDDEN);
    }
    expect(await new Api(s.url).boardText()).toBe(before);
  });

  it('refuses the socket handshake under a rebinding Host name, even with a valid credential', async () => {
    const handshake = (host: string) =>
      withHost(s.port, host, 'GET', '/socket.io/?EIO=4&transport=polling', { origin: `http://${host}`, cookie: `pullboard_session=${bearer}` });
    const rebound = await handshake(`rebind.evil.example:${s.port}`);
    expect(rebound.status).toBe(403);
    expect(rebound.text).not.toMatch(/"sid"/);
    // Under our own name the same handshake is answered (Engine.IO's open packet, with a session id).
    const own = await handshake(`${OWN_NAME}:${s.port}`);
    expect(own.status).toBe(200);
    expect(own.text).toMatch(/"sid"/);
  });

  it('answers the host names on the list, with or without the port', async () => {
    for (const host of [`127.0.0.1:${s.port}`, `${OWN_NAME}:${s.port}`, OWN_NAME]) {
      const page = await withHost(s.port, host, 'GET', '/');
      expect(page.status, host).toBe(200);
      expect(page.text).toContain('<div id="root">');
      expect((await withHost(s.port, host, 'GET', '/api/health')).status, host).toBe(200);
    }
  });
});

// ---------------------------------------------------------------- headers

describe('security headers', () => {
  let s: Started;
  beforeAll(async () => {
    s = await start();
    await buildApiPlant(new Api(s.url));
  });

  function expectHardened(headers: Headers, what: string): void {
    const csp = headers.get('content-security-policy') ?? '';
    expect(csp, what).toMatch(/(^|;)\s*frame-ancestors 'none'\s*(;|$)/);
    expect(csp, what).toMatch(/(^|;)\s*default-src 'self'/);
    expect(csp, what).toMatch(/(^|;)\s*script-src 'self'\s*(;|$)/);
    expect(csp, what).toMatch(/(^|;)\s*object-src 'none'/);
    expect(headers.get('x-content-type-options'), what).toBe('nosniff');
    expect(headers.get('x-frame-options'), what).toBe('DENY');
    expect(headers.get('referrer-policy'), what).toBe('same-origin');
    expect(headers.get('x-powered-by'), what).toBeNull();
  }

  it('are on the HTML page and its client-side routes', async () => {
    for (const p of ['/', '/tv', '/station/st_anything', '/index.html']) {
      const r = await request(s.url, 'GET', p, { anonymous: true });
      expect(r.status, p).toBe(200);
      expect(r.contentType, p).toMatch(/^text\/html/);
      expect(r.text).toContain('<div id="root">');
      expectHardened(r.headers, p);
    }
  });

  it('are on API answers: successes, refusals and errors', async () => {
    const answers: Array<[string, Reply]> = [
      ['GET /api/health', await request(s.url, 'GET', '/api/health', { anonymous: true })],
      ['GET /api/board', await request(s.url, 'GET', '/api/board')],
      ['GET /api/board without credential', await request(s.url, 'GET', '/api/board', { anonymous: true })],
      ['POST /api/stations as a viewer', await request(s.url, 'POST', '/api/stations', { headers: { authorization: `Bearer ${await userToken(s.url, 'watcher', Role.VIEWER)}` }, json: { name: 'X', kind: StationKind.PROCESS } })],
      ['POST /api/stations bad JSON', await request(s.url, 'POST', '/api/stations', { raw: '{', headers: { 'content-type': 'application/json' } })],
      ['GET /api/nothing', await request(s.url, 'GET', '/api/nothing')],
      ['GET /api/openapi.json', await request(s.url, 'GET', '/api/openapi.json', { anonymous: true })],
    ];
    expect(answers.map(([, r]) => r.status)).toEqual([200, 200, 401, 403, 400, 404, 200]);
    for (const [what, r] of answers) {
      expectHardened(r.headers, what);
      expect(r.contentType, what).toMatch(/^application\/json/);
    }
  });
});

// ---------------------------------------------------------------- the cookie behind a proxy

describe('the session cookie', () => {
  const login = (url: string, headers: Record<string, string> = {}) =>
    request(url, 'POST', '/api/auth/login', { anonymous: true, headers, json: { username: 'admin', password: TEST_ADMIN_PASSWORD } });

  it('is HttpOnly and SameSite=Lax, and Secure only when HTTPS reached a trusted proxy', async () => {
    const direct = await start();
    const plain = (await login(direct.url)).headers.get('set-cookie') ?? '';
    expect(plain).toMatch(/HttpOnly/i);
    expect(plain).toMatch(/SameSite=Lax/i);
    expect(plain).not.toMatch(/Secure/i);
    // Without PULLBOARD_TRUST_PROXY a client cannot claim HTTPS.
    expect((await login(direct.url, { 'x-forwarded-proto': 'https' })).headers.get('set-cookie') ?? '').not.toMatch(/Secure/i);

    const proxied = await start({ trustProxy: 1 });
    const secure = (await login(proxied.url, { 'x-forwarded-proto': 'https' })).headers.get('set-cookie') ?? '';
    expect(secure).toMatch(/;\s*Secure/i);
    expect(secure).toMatch(/HttpOnly/i);
  });
});
