// Playwright fixtures: every test gets the real Pullboard server (the same createApp
// the product runs) on a free port with a temporary SQLite file and the built client.
// `server.restart()` stops it and starts it again on the same port and file, as a plant
// PC reboot would. On top of it: the seeded demo plant by name (`plant`) and one page
// object per screen (`leadBoard`, `tv`, `tablet`); the TV and the tablet each run in a
// browser context of their own, like separate devices on the shop floor.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base, expect } from '@playwright/test';
import type { Browser, BrowserContext, BrowserContextOptions, Page, TestInfo } from '@playwright/test';
import { createApp } from '../server/app.ts';
import type { App, AppOptions } from '../server/app.ts';
import { silentLogger } from '../server/logger.ts';
import type { Column } from '../shared/names.ts';
import type { BoardSnapshot, Card, Loop, Station } from '../shared/schemas.ts';
import { LeadBoardPage } from './pages/leadBoard.ts';
import { StationTabletPage } from './pages/stationTablet.ts';
import { WallTvPage } from './pages/wallTv.ts';

// PULLBOARD_E2E_CLIENT_DIR runs the suite against another build of the client (e.g. one
// made from a branch into a temporary folder) without touching dist/.
const clientDir = process.env.PULLBOARD_E2E_CLIENT_DIR
  ? path.resolve(process.env.PULLBOARD_E2E_CLIENT_DIR)
  : path.resolve(import.meta.dirname, '..', 'dist', 'client');

/** The password of the `admin` the test server starts with. */
export const ADMIN_PASSWORD = 'e2e-admin-password';
/** The session cookie (server/http/auth.ts). */
const SESSION_COOKIE = 'pullboard_session';

export interface TestServer {
  url: string;
  port: number;
  dbFile: string;
  app: App;
  /** GET /api/board. */
  board(): Promise<BoardSnapshot>;
  /**
   * JSON to /api as the admin (bearer token of the admin's session; `as` calls with
   * another token, null with none); returns status and parsed body.
   */
  api(method: string, route: string, body?: unknown, as?: string | null): Promise<{ status: number; body: any }>;
  /** Signs in by password (POST /api/auth/login) and returns the session token. */
  login(username: string, password: string): Promise<string>;
  /** The admin's session token (null when the server started without an admin). */
  adminToken: string | null;
  /** Gives a browser context this session cookie (the admin's by default) before its pages open. */
  signIn(context: BrowserContext, token?: string): Promise<void>;
  stop(): Promise<void>;
  /**
   * Starts again on the same port and database file (after stop, or stopping first);
   * `protocolVersion` plays an upgraded server that speaks another protocol.
   */
  restart(opts?: { protocolVersion?: number }): Promise<void>;
}

export interface ServerOptions {
  seed?: 'demo' | 'none';
  /** The admin's password; null starts a server with no user (first run). */
  adminPassword?: string | null;
  accountOptions?: AppOptions['accountOptions'];
}

export async function startE2eServer(opts: ServerOptions = {}): Promise<TestServer> {
  if (!fs.existsSync(path.join(clientDir, 'index.html'))) {
    throw new Error(`${clientDir} has no index.html: run \`npm run build\` before the browser tests`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pullboard-e2e-'));
  const dbFile = path.join(dir, 'board.db');
  const adminPassword = opts.adminPassword === null ? undefined : (opts.adminPassword ?? ADMIN_PASSWORD);
  const make = (protocolVersion?: number) =>
    createApp({
      dbFile,
      seed: opts.seed ?? 'demo',
      staticDir: clientDir,
      logger: silentLogger,
      protocolVersion,
      adminPassword,
      ...(opts.accountOptions ? { accountOptions: opts.accountOptions } : {}),
    });
  let app = make();
  let running = true;
  const addr = await app.listen(0, '127.0.0.1');
  const port = addr.port;
  const url = `http://127.0.0.1:${port}`;
  const call = async (method: string, route: string, body: unknown, token: string | null) => {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${url}/api${route}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
  const login = async (username: string, password: string) => {
    const res = await call('POST', '/auth/login', { username, password }, null);
    if (res.status !== 200) throw new Error(`sign-in of ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.token as string;
  };
  const adminToken = adminPassword ? await login('admin', adminPassword) : null;
  const server: TestServer = {
    url,
    port,
    dbFile,
    adminToken,
    get app() {
      return app;
    },
    async board() {
      const res = await call('GET', '/board', undefined, server.adminToken);
      if (res.status !== 200) throw new Error(`GET /api/board: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as BoardSnapshot;
    },
    api(method, route, body, as) {
      return call(method, route, body, as === undefined ? server.adminToken : as);
    },
    login,
    async signIn(context, token) {
      const value = token ?? server.adminToken;
      if (!value) throw new Error('this server has no admin to sign in as');
      await context.addCookies([{ name: SESSION_COOKIE, value, url }]);
    },
    async stop() {
      if (!running) return;
      running = false;
      await app.close();
    },
    async restart(restartOpts = {}) {
      await server.stop();
      app = make(restartOpts.protocolVersion);
      await app.listen(port, '127.0.0.1');
      running = true;
    },
  };
  return server;
}

/** The seeded demo plant, looked up by the names people see (ids are random per run). */
class DemoPlant {
  constructor(readonly board: BoardSnapshot) {}

  station(name: string): Station {
    const s = this.board.stations.find((x) => x.name === name);
    if (!s) throw new Error(`no station named ${name}`);
    return s;
  }

  loop(partNumber: string): Loop {
    const l = this.board.loops.find((x) => x.partNumber === partNumber);
    if (!l) throw new Error(`no loop of part ${partNumber}`);
    return l;
  }

  /** A card by part number and serial ("card 2 of MC-2201"). */
  card(partNumber: string, serial: number): Card {
    const loop = this.loop(partNumber);
    const c = this.board.cards.find((x) => x.loopId === loop.id && x.serial === serial);
    if (!c) throw new Error(`no card ${serial} of ${partNumber}`);
    return c;
  }

  /** What screens call a card: "MC-3105 card 1 / 4" (buttons add a verb in front). */
  cardName(card: Card): string {
    const loop = this.board.loops.find((l) => l.id === card.loopId)!;
    return `${loop.partNumber} card ${card.serial} / ${loop.cardCount}`;
  }
}

/** The cards of one column of a board, in no particular order. */
export function cardsIn(board: BoardSnapshot, stationId: string, column: Column): Card[] {
  return board.cards.filter((c) => c.stationId === stationId && c.column === column);
}

export function cardOf(board: BoardSnapshot, cardId: string): Card {
  const c = board.cards.find((x) => x.id === cardId);
  if (!c) throw new Error(`no card ${cardId} on the server`);
  return c;
}

const LEAD_VIEWPORT = { width: 1920, height: 1080 };
export const TV_VIEWPORT = { width: 1920, height: 1080 };
export const TABLET_VIEWPORT = { width: 1024, height: 768 };

/** A screen in a browser context of its own, as a second device on the shop floor (signed in as the admin). */
async function ownScreen<S>(
  browser: Browser,
  server: TestServer,
  options: BrowserContextOptions,
  make: (page: Page) => S,
  use: (screen: S) => Promise<void>,
): Promise<void> {
  const context = await browser.newContext(options);
  try {
    await server.signIn(context);
    await use(make(await context.newPage()));
  } finally {
    await context.close();
  }
}

export interface Fixtures {
  /** Options of the test's server (`test.use({ serverOptions: {...} })`). */
  serverOptions: ServerOptions;
  server: TestServer;
  /** The demo plant as seeded, read from the server before the test runs. */
  plant: DemoPlant;
  /** The lead board on the test's own page at 1920x1080 (call `open()`). */
  leadBoard: LeadBoardPage;
  /** The wall TV in a second browser context at 1920x1080 (call `open()`). */
  tv: WallTvPage;
  /** A station tablet in a third context: 1024x768, touch (call `open(stationId)`). */
  tablet: StationTabletPage;
}

export const test = base.extend<Fixtures>({
  serverOptions: [{}, { option: true }],
  server: async ({ serverOptions }, use) => {
    const server = await startE2eServer(serverOptions);
    await use(server);
    await server.stop();
  },
  // The test's own page is signed in as the admin (when the server has one).
  context: async ({ context, server }, use) => {
    if (server.adminToken) await server.signIn(context);
    await use(context);
  },
  plant: async ({ server }, use) => {
    await use(new DemoPlant(await server.board()));
  },
  leadBoard: async ({ page, server }, use) => {
    await page.setViewportSize(LEAD_VIEWPORT);
    await use(new LeadBoardPage(page, server.url));
  },
  tv: async ({ browser, server }, use) => {
    await ownScreen(browser, server, { viewport: TV_VIEWPORT }, (p) => new WallTvPage(p, server.url), use);
  },
  tablet: async ({ browser, server }, use) => {
    await ownScreen(
      browser,
      server,
      { viewport: TABLET_VIEWPORT, hasTouch: true },
      (p) => new StationTabletPage(p, server.url),
      use,
    );
  },
});

/**
 * Saves a screenshot in the test's output folder, attaches it to the report, and copies
 * it to test-results/screenshots/ (outside Playwright's output folder, which each run
 * empties) so the run keeps it as an artifact.
 */
export async function keepScreenshot(page: Page, name: string, testInfo: TestInfo): Promise<string> {
  const file = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
  fs.mkdirSync(screenshotsDir, { recursive: true });
  const kept = path.join(screenshotsDir, `${name}.png`);
  fs.copyFileSync(file, kept);
  return kept;
}

const screenshotsDir = path.resolve(import.meta.dirname, '..', 'test-results', 'screenshots');

export { expect };
