// Integration-test harness: starts the real app (createApp) on port 0 with a temporary
// SQLite file and talks to it the way outside clients do, over real HTTP (fetch) and the
// real Socket.IO client. Nothing of the server or the database is mocked.
import type { SocketLimits } from '../socketLimits.ts';
import type { PlantLimits } from '../../shared/limits.ts';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { z } from 'zod';
import { Column, Role, StationKind } from '../../shared/names.ts';
import { eventOf, parseAck } from '../../shared/protocol.ts';
import type { Ack, ClientToServerEvents, CommandPayload, ServerToClientEvents, SubscribeResult } from '../../shared/protocol.ts';
import type { CommandResults, CommandType } from '../../shared/commands.ts';
import {
  BoardEventSchema,
  BoardSnapshotSchema,
  CardSchema,
  LoopSchema,
  StationSchema,
} from '../../shared/schemas.ts';
import type { Actor, BoardEvent, BoardSnapshot, Card, Loop, Station, WipLimits } from '../../shared/schemas.ts';
import { createApp } from '../app.ts';
import type { App, AppOptions } from '../app.ts';
import type { Logger } from '../logger.ts';

/** How long a test waits for an ack or an event before it fails (not a performance bound). */
export const WAIT_MS = 5_000;

// ---------------------------------------------------------------- server

export interface TestServer {
  /** Base URL, e.g. http://127.0.0.1:40123 (the API is under /api). */
  url: string;
  app: App;
  dbFile: string;
  dir: string;
  /** Warnings and errors the server logged: a 500 or a failed handler shows up here. */
  problems: string[];
  /** Disconnects this server's test clients, closes the app and removes its temp folder. */
  stop(): Promise<void>;
}

export interface StartOptions {
  seed?: 'demo' | 'none';
  /** Reopen an existing database (a restart); its folder then belongs to the first server. */
  dbFile?: string;
  /** The protocol version the server speaks (default: the current one). */
  protocolVersion?: number;
  /** How big the plant may grow (default: shared/limits.ts). */
  limits?: PlantLimits;
  /** Socket bounds set low, for the tests of those bounds (default: the shipped ones). */
  socketLimits?: Partial<SocketLimits>;
  /** Express `trust proxy`, for tests of addresses behind a proxy. */
  trustProxy?: AppOptions['trustProxy'];
}

const running = new Set<TestServer>();

/** Starts the real app on 127.0.0.1, port 0, with a fresh temporary SQLite file. */
export async function startTestServer(opts: StartOptions = {}): Promise<TestServer> {
  const owned = opts.dbFile === undefined;
  const dir = owned ? await fs.mkdtemp(path.join(os.tmpdir(), 'pullboard-test-')) : path.dirname(opts.dbFile!);
  const dbFile = opts.dbFile ?? path.join(dir, 'board.db');
  const problems: string[] = [];
  const record = (level: string) => (msg: string, extra?: unknown) => {
    problems.push(`${level}: ${msg}${extra instanceof Error ? ` ${extra.message}` : ''}`);
  };
  const logger: Logger = { info() {}, warn: record('warn'), error: record('error') };
  const app = createApp({
    dbFile,
    seed: opts.seed ?? 'none',
    staticDir: null,
    logger,
    protocolVersion: opts.protocolVersion,
    limits: opts.limits,
    ...(opts.socketLimits ? { socketLimits: opts.socketLimits } : {}),
    ...(opts.trustProxy !== undefined ? { trustProxy: opts.trustProxy } : {}),
    adminPassword: TEST_ADMIN_PASSWORD,
  });
  const address = await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${address.port}`;
  await signIn(url);
  let stopped: Promise<void> | undefined;
  const server: TestServer = {
    url,
    app,
    dbFile,
    dir,
    problems,
    stop() {
      stopped ??= (async () => {
        running.delete(server);
        disconnectClients(url);
        await app.close();
        if (owned) await fs.rm(dir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
  running.add(server);
  return server;
}

/**
 * Stops every server still running (for afterEach/afterAll), newest first, so a restarted
 * server is closed before the first one removes the folder they share.
 */
export async function stopAllServers(): Promise<void> {
  for (const s of [...running].reverse()) await s.stop();
}

/**
 * A restart: closes the app but keeps its database, then starts a new app on the same file.
 * The old server's stop() later removes the folder.
 */
export async function restartServer(old: TestServer, opts: { seed?: 'demo' | 'none' } = {}): Promise<TestServer> {
  disconnectClients(old.url);
  await old.app.close();
  return startTestServer({ ...opts, dbFile: old.dbFile });
}

// ---------------------------------------------------------------- Socket.IO clients

export type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

const clients = new Map<Client, string>();

/** Connects a real Socket.IO client (websocket only) and resolves once it is connected. */
export function connectClient(url: string, actor = 'tester', auth: Record<string, unknown> = {}): Promise<Client> {
  const socket: Client = io(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth: { actor, ...(tokens.has(url) ? { token: tokens.get(url) } : {}), ...auth },
  });
  clients.set(socket, url);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => reject(err));
  });
}

/** Disconnects the test clients (of one server, or all of them). */
export function disconnectClients(url?: string): void {
  for (const [socket, of] of clients) {
    if (url !== undefined && of !== url) continue;
    socket.disconnect();
    clients.delete(socket);
  }
}

/** `board:subscribe`, resolving with the ack. */
export function subscribe(socket: Client, afterSeq?: number, logId?: string): Promise<Ack<SubscribeResult>> {
  const payload = afterSeq === undefined ? {} : { afterSeq, ...(logId === undefined ? {} : { logId }) };
  return socket.timeout(WAIT_MS).emitWithAck('board:subscribe', payload);
}

/** Sends a typed command over the socket and resolves with its ack. */
export async function sendCommand<K extends CommandType>(
  socket: Client,
  type: K,
  payload: CommandPayload<K>,
): Promise<Ack<CommandResults[K]>> {
  // The answer is read with the command table's result schema, as the client does.
  const raw: unknown = await socket.timeout(WAIT_MS).emitWithAck(eventOf(type), payload);
  return parseAck(type, raw);
}

/** Emits anything at all, as a misbehaving client would, and resolves with the ack. */
export async function sendRaw(socket: Client, event: string, ...args: unknown[]): Promise<unknown> {
  // The typed maps refuse unknown events and payloads, which is the point here: call
  // the untyped method as such.
  const timed = socket.timeout(WAIT_MS);
  const answer: unknown = await Reflect.apply(timed.emitWithAck, timed, [event, ...args]);
  return answer;
}

/** Emits without an acknowledgement callback. */
export function emitWithoutAck(socket: Client, event: string, ...args: unknown[]): void {
  Reflect.apply(socket.emit, socket, [event, ...args]);
}

/** Everything a client received as `board:events`, in arrival order. */
export interface EventCollector {
  readonly events: BoardEvent[];
  readonly batches: BoardEvent[][];
  /** Resolves once an event with this seq (or later) has arrived. */
  waitForSeq(seq: number): Promise<void>;
  stop(): void;
}

/** Starts collecting `board:events`; attach it before subscribing so nothing is missed. */
export function collectEvents(socket: Client): EventCollector {
  const events: BoardEvent[] = [];
  const batches: BoardEvent[][] = [];
  let waiters: Array<{ seq: number; resolve: () => void }> = [];
  const lastSeq = () => events.at(-1)?.seq ?? 0;
  const onEvents = (batch: BoardEvent[]) => {
    batches.push(batch);
    events.push(...batch);
    const done = waiters.filter((w) => lastSeq() >= w.seq);
    waiters = waiters.filter((w) => lastSeq() < w.seq);
    for (const w of done) w.resolve();
  };
  socket.on('board:events', onEvents);
  return {
    events,
    batches,
    waitForSeq(seq) {
      if (lastSeq() >= seq) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error(`no board:events up to seq ${seq} within ${WAIT_MS} ms (last seen ${lastSeq()})`));
        }, WAIT_MS);
        waiters.push({
          seq,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
    stop() {
      socket.off('board:events', onEvents);
    },
  };
}

// ---------------------------------------------------------------- HTTP

export interface Reply {
  status: number;
  contentType: string;
  headers: Headers;
  /** The body as received. */
  text: string;
  /** The body parsed as JSON when it is JSON, otherwise undefined. */
  body: unknown;
}

export interface RequestOptions {
  /** Sent as JSON (Content-Type: application/json). */
  json?: unknown;
  /** Sent exactly as given (set Content-Type yourself through `headers`). */
  raw?: string | Uint8Array;
  headers?: Record<string, string>;
  /** Sent without the test admin's credential. */
  anonymous?: boolean;
}

// ---------------------------------------------------------------- credentials

/** The password of the `admin` every test server starts with. */
export const TEST_ADMIN_PASSWORD = 'test-admin-password';
/** Base URL -> the token the tests act with there (the admin's, unless a test signs in otherwise). */
const tokens = new Map<string, string>();

/** Signs in over HTTP and returns the session token (and, by default, acts with it for this URL). */
export async function signIn(url: string, username = 'admin', password = TEST_ADMIN_PASSWORD, remember = true): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const body: unknown = await res.json();
  const token = z.object({ token: z.string() }).safeParse(body);
  if (!token.success) throw new Error(`sign-in as ${username} failed: ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
  if (remember) tokens.set(url, token.data.token);
  return token.data.token;
}

/** The Authorization header the tests send to this server. */
export function authHeader(url: string): Record<string, string> {
  const token = tokens.get(url);
  return token === undefined ? {} : { authorization: `Bearer ${token}` };
}

/** One HTTP request; never throws for an error status. */
export async function request(url: string, method: string, pathname: string, opts: RequestOptions = {}): Promise<Reply> {
  const given = Object.keys(opts.headers ?? {}).some((k) => k.toLowerCase() === 'authorization');
  const headers: Record<string, string> = { ...(opts.anonymous || given ? {} : authHeader(url)), ...opts.headers };
  // A copy gives fetch the plain ArrayBuffer-backed bytes its types ask for.
  let body: string | Uint8Array<ArrayBuffer> | undefined =
    opts.raw === undefined || typeof opts.raw === 'string' ? opts.raw : new Uint8Array(opts.raw);
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(url + pathname, { method, headers, ...(body !== undefined && { body }) });
  const text = await res.text();
  const contentType = res.headers.get('content-type') ?? '';
  let parsed: unknown;
  if (contentType.includes('json')) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  return { status: res.status, contentType, headers: res.headers, text, body: parsed };
}

/** The exact error shape of api.md: {"error": {code, message, details?}} and nothing else. */
export const ErrorBody = z.strictObject({
  error: z.strictObject({
    code: z.string(),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export const CardResultSchema = z.object({ card: CardSchema, seq: z.number().int().min(1) });
const EventsPageSchema = z.object({ events: z.array(BoardEventSchema), lastSeq: z.number().int().min(0) });
export const LoopCreatedSchema = z.object({ loop: LoopSchema, cards: z.array(CardSchema) });

/** A small API client for arranging a plant; setup calls fail loudly when refused. */
export class Api {
  constructor(readonly url: string) {}

  request(method: string, pathname: string, opts?: RequestOptions): Promise<Reply> {
    return request(this.url, method, pathname, opts);
  }

  private async expect<T>(schema: z.ZodType<T>, status: number, reply: Promise<Reply>): Promise<T> {
    const r = await reply;
    if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${r.text.slice(0, 300)}`);
    return schema.parse(r.body);
  }

  board(): Promise<BoardSnapshot> {
    return this.expect(BoardSnapshotSchema, 200, this.request('GET', '/api/board'));
  }

  /** The board exactly as the server serialises it (for byte-for-byte comparison). */
  async boardText(): Promise<string> {
    const r = await this.request('GET', '/api/board');
    if (r.status !== 200) throw new Error(`GET /api/board: ${r.status}`);
    return r.text;
  }

  events(after = 0, limit?: number): Promise<z.infer<typeof EventsPageSchema>> {
    const q = limit === undefined ? `after=${after}` : `after=${after}&limit=${limit}`;
    return this.expect(EventsPageSchema, 200, this.request('GET', `/api/events?${q}`));
  }

  async lastSeq(): Promise<number> {
    return (await this.events(0, 1)).lastSeq;
  }

  /** The board as served and the newest seq: what a refusal must leave as it was. */
  async everything(): Promise<{ board: string; seq: number }> {
    return { board: await this.boardText(), seq: await this.lastSeq() };
  }

  station(
    name: string,
    opts: { kind?: StationKind; wipLimits?: Partial<WipLimits> } = {},
  ): Promise<Station> {
    return this.expect(StationSchema, 201, this.request('POST', '/api/stations', { json: { name, ...opts } }));
  }

  loop(
    partNumber: string,
    supplier: Station,
    consumer: Station,
    cardCount: number,
    inputs: Loop[] = [],
  ): Promise<z.infer<typeof LoopCreatedSchema>> {
    return this.expect(
      LoopCreatedSchema,
      201,
      this.request('POST', '/api/loops', {
        json: {
          partNumber,
          supplierStationId: supplier.id,
          consumerStationId: consumer.id,
          cardCount,
          containerQty: 10,
          leadTimeMinutes: 60,
          inputLoopIds: inputs.map((l) => l.id),
        },
      }),
    );
  }

  move(cardId: string, to: Column, extra: { beforeCardId?: string; expectedVersion?: number } = {}) {
    return this.expect(
      CardResultSchema,
      200,
      this.request('POST', `/api/cards/${encodeURIComponent(cardId)}/move`, { json: { to, ...extra } }),
    );
  }

  consumeCard(cardId: string) {
    return this.expect(CardResultSchema, 200, this.request('POST', `/api/cards/${encodeURIComponent(cardId)}/consume`));
  }

  consumeLoop(loopId: string) {
    return this.expect(CardResultSchema, 200, this.request('POST', `/api/loops/${encodeURIComponent(loopId)}/consume`));
  }

  async card(cardId: string): Promise<Card> {
    const c = (await this.board()).cards.find((x) => x.id === cardId);
    if (!c) throw new Error(`no card ${cardId} on the board`);
    return c;
  }
}

/**
 * A small value stream built through the API, every card starting full (Done):
 *
 *   blank   Steel -> Machining      2 cards
 *   shaft   Machining -> Assembly   2 cards, input: blank
 *   housing Steel -> Assembly       1 card
 *
 * Machining has a hard In Progress limit of 1; no other limits.
 */
export async function buildApiPlant(api: Api) {
  const steel = await api.station('Steel', { kind: StationKind.SUPPLIER });
  const machining = await api.station('Machining', { wipLimits: { inProgress: 1 } });
  const assembly = await api.station('Assembly');
  const blank = await api.loop('BLK-100', steel, machining, 2);
  const shaft = await api.loop('SHF-200', machining, assembly, 2, [blank.loop]);
  const housing = await api.loop('HSG-300', steel, assembly, 1);
  return { steel, machining, assembly, blank, shaft, housing };
}
export type ApiPlant = Awaited<ReturnType<typeof buildApiPlant>>;

/** A team lead, for tests that run commands on the service directly. */
export const AS_LEAD = { actor: { kind: 'user', id: 'us_test', name: 'tester' }, role: Role.LEAD } as const satisfies {
  actor: Actor;
  role: Role;
};

/** Creates a user (as the test admin) and signs them in; returns their session token. */
export async function userToken(url: string, username: string, role: Role, stationIds: string[] = []): Promise<string> {
  const password = `${username}-password`;
  const r = await request(url, 'POST', '/api/users', { json: { username, password, role, stationIds } });
  if (r.status !== 201) throw new Error(`creating user ${username}: ${r.status} ${r.text.slice(0, 200)}`);
  return signIn(url, username, password, false);
}

/** Creates an API token (as the test admin); returns the token. */
export async function apiToken(url: string, name: string, role: Role, stationIds: string[] = []): Promise<string> {
  const r = await request(url, 'POST', '/api/tokens', { json: { name, role, stationIds } });
  const body = z.object({ token: z.string() }).safeParse(r.body);
  if (r.status !== 201 || !body.success) throw new Error(`creating token ${name}: ${r.status} ${r.text.slice(0, 200)}`);
  return body.data.token;
}

/** The token the tests act with on this server (for raw Socket.IO clients). */
export function tokenFor(url: string): string | undefined {
  return tokens.get(url);
}
