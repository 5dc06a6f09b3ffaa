// The application factory: builds the repository, service, HTTP routes and Socket.IO
// server from options, so tests start the real thing on port 0 with a temporary file.
// `createApp` is the embedded SQLite server (synchronous start); `openApp` also starts
// on PostgreSQL (PULLBOARD_DATABASE_URL), where several servers share one database.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import { Server } from 'socket.io';
import { Limits } from '../shared/names.ts';
import { PROTOCOL_VERSION } from '../shared/protocol.ts';
import type { ClientToServerEvents, ServerToClientEvents } from '../shared/protocol.ts';
import { SqliteRepository } from './db/sqlite.ts';
import type { BoardRepository } from './db/repository.ts';
import { PostgresRepository } from './db/postgres.ts';
import { PgAccounts } from './db/pgAccounts.ts';
import { errorHandler } from './http/errors.ts';
import { apiRouter } from './http/routes.ts';
import { consoleLogger } from './logger.ts';
import type { Logger } from './logger.ts';
import { seedDemo } from './seed.ts';
import { BoardService } from './service.ts';
import { attachBoardSocket } from './socket.ts';
import { socketParser } from './snapshots.ts';
import { clientAddress, trustOf } from './socketLimits.ts';
import type { SocketLimits } from './socketLimits.ts';
import { AccountService } from './auth/accounts.ts';
import type { AccountOptions } from './auth/accounts.ts';
import { SqliteAccounts } from './db/accounts.ts';
import { hostGuard } from './http/auth.ts';
import { securityHeaders } from './http/headers.ts';
import type { BoardServer } from './socket.ts';
import type { PlantLimits } from '../shared/limits.ts';

export interface AppOptions {
  /** SQLite file (created with its folder if missing). */
  dbFile: string;
  /** A PostgreSQL URL (PULLBOARD_DATABASE_URL): used instead of the SQLite file (openApp only). */
  databaseUrl?: string | undefined;
  /** `demo` seeds the demo plant into an empty database. */
  seed?: 'demo' | 'none';
  /** Folder of the built client; null serves the API only. */
  staticDir?: string | null;
  logger?: Logger;
  /** The protocol version the socket speaks; tests set another one to play an upgraded server. */
  protocolVersion?: number | undefined;
  /** Creates or resets the `admin` user with this password (PULLBOARD_ADMIN_PASSWORD). */
  adminPassword?: string | undefined;
  /** Origins besides the server's own allowed to send cookie-authenticated writes and sockets. */
  allowedOrigins?: readonly string[];
  /** Host names the server answers to (DNS rebinding guard); null or absent = any. */
  allowedHosts?: readonly string[] | null;
  /** Session, badge and pairing settings. */
  accountOptions?: Partial<AccountOptions>;
  /** Express `trust proxy` (behind a TLS-terminating proxy, so cookies are marked Secure). */
  trustProxy?: boolean | string | number;
  /** How big the plant may grow (PULLBOARD_MAX_STATIONS, _LOOPS, _CARDS); defaults in shared/limits.ts. */
  limits?: PlantLimits;
  /** Socket connections per address, subscribes per minute, bytes queued per socket (socketLimits.ts). */
  socketLimits?: Partial<SocketLimits>;
}

export interface App<R extends BoardRepository = SqliteRepository> {
  service: BoardService;
  accounts: AccountService;
  /**
   * The one-time setup token while no user exists (main prints its link), else null.
   * Resolved once the admin of PULLBOARD_ADMIN_PASSWORD is in place.
   */
  ready: Promise<{ setupToken: string | null }>;
  repo: R;
  io: BoardServer;
  httpServer: http.Server;
  listen(port?: number, host?: string): Promise<AddressInfo>;
  /** Stops accepting, closes sockets and the database. Safe to call twice. */
  close(): Promise<void>;
}

/** The embedded server on a SQLite file. */
export function createApp(opts: AppOptions): App<SqliteRepository> {
  const log = opts.logger ?? consoleLogger();
  const repo = new SqliteRepository(opts.dbFile);
  const service = new BoardService(repo, log, { limits: opts.limits });
  if ((opts.seed ?? 'demo') === 'demo') seedDemo(service);
  const accounts = new AccountService(new SqliteAccounts(repo.db), opts.accountOptions);
  return assemble(opts, log, repo, service, accounts);
}

/**
 * The server on PostgreSQL when `databaseUrl` is set (the board and log loaded from it,
 * other servers' commits followed), else the embedded one.
 */
export async function openApp(opts: AppOptions): Promise<App<BoardRepository>> {
  if (!opts.databaseUrl) return createApp(opts);
  const log = opts.logger ?? consoleLogger();
  const repo = await PostgresRepository.open(opts.databaseUrl);
  try {
    if ((opts.seed ?? 'demo') === 'demo') await seedDemoInto(repo);
    const service = await BoardService.openShared(repo, log, { limits: opts.limits });
    const accounts = new AccountService(new PgAccounts(repo.pool), opts.accountOptions);
    return assemble(opts, log, repo, service, accounts);
  } catch (err) {
    await repo.close();
    throw err;
  }
}

/**
 * The demo plant into an empty PostgreSQL database: seeded on an in-memory SQLite board
 * (the seed runs commands one after another) and imported with its log. Servers starting
 * together race harmlessly: the import refuses a database that already holds a board.
 */
async function seedDemoInto(repo: PostgresRepository): Promise<void> {
  if ((await repo.lastSeq()) > 0) return;
  const mem = new SqliteRepository(':memory:');
  try {
    const seeding = new BoardService(mem, consoleLogger());
    if (!seedDemo(seeding)) return;
    const state = mem.loadState();
    await repo.importBoard(state, [mem.eventsAfter(0, state.seq)]);
  } catch (err) {
    if (!(err instanceof Error && /already holds a board/.test(err.message))) throw err;
  } finally {
    mem.close();
  }
}

function assemble<R extends BoardRepository>(
  opts: AppOptions,
  log: Logger,
  repo: R,
  service: BoardService,
  accounts: AccountService,
): App<R> {
  const ready = (async () => {
    if (opts.adminPassword) await accounts.ensureAdmin(opts.adminPassword);
    return { setupToken: await accounts.beginSetup() };
  })();
  const allowedOrigins = opts.allowedOrigins ?? [];
  // Host names compare without case (the request's Host is lowered too).
  const allowedHosts = opts.allowedHosts?.map((h) => h.toLowerCase()) ?? null;

  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.set('trust proxy', opts.trustProxy ?? false);
  app.use(securityHeaders());
  app.use('/api', apiRouter(service, { accounts, allowedOrigins, allowedHosts }));
  if (allowedHosts !== null) app.use(hostGuard(allowedHosts));
  const staticDir = opts.staticDir;
  if (staticDir && fs.existsSync(path.join(staticDir, 'index.html'))) {
    app.use(express.static(staticDir, { index: false, maxAge: '1h' }));
    // Client-side routes (/, /tv, /station/:id) all load the single page.
    app.get(/^\/(?!api\/|socket\.io\/).*/, (_req, res) => {
      res.set('Cache-Control', 'no-cache').sendFile(path.join(staticDir, 'index.html'));
    });
  } else {
    app.get('/', (_req, res) => {
      res.type('text/plain').send('Pullboard API is running. The client is not built: run `npm run build`.');
    });
  }
  app.use((req, res) => {
    res.status(404).json({ error: { code: 'NOT_FOUND', message: `Nothing at ${req.method} ${req.path}` } });
  });
  app.use(errorHandler(log));

  const httpServer = http.createServer(app);
  const io: BoardServer = new Server<ClientToServerEvents, ServerToClientEvents>(httpServer, {
    maxHttpBufferSize: Limits.BODY_BYTES,
    serveClient: false,
    // Writes a shared snapshot answer without serializing it again (snapshots.ts).
    parser: socketParser,
    pingInterval: 10_000,
    pingTimeout: 10_000,
    connectionStateRecovery: undefined,
    // The Host guard of the HTTP routes, for the socket's handshake too.
    allowRequest: (req, callback) => {
      const host = (req.headers.host ?? '').toLowerCase();
      callback(null, allowedHosts === null || allowedHosts.includes(host) || allowedHosts.includes(host.replace(/:\d+$/, '')));
    },
  });
  // The socket's per-address limits see the client's address as req.ip does.
  const trust = trustOf(app.get('trust proxy fn'));
  const detachSocket = attachBoardSocket(io, service, log, {
    accounts,
    allowedOrigins,
    protocol: opts.protocolVersion ?? PROTOCOL_VERSION,
    limits: opts.socketLimits ?? {},
    addressOf: (req) => clientAddress(req, trust),
  });

  let closing: Promise<void> | undefined;
  return {
    service,
    accounts,
    ready,
    repo,
    io,
    httpServer,
    async listen(port = 0, host = '127.0.0.1') {
      await ready;
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          resolve(httpServer.address() as AddressInfo);
        });
      });
    },
    close() {
      closing ??= (async () => {
        // Drain: stop accepting connections, commit and answer every command already
        // queued (later ones get SERVICE_UNAVAILABLE: nothing changed, send again), let
        // replies in flight be written, then close sockets and the file.
        httpServer.close();
        detachSocket();
        await service.close();
        await new Promise((r) => setImmediate(r));
        await new Promise<void>((resolve) => {
          // io.close() disconnects every socket and closes the HTTP server.
          io.close(() => resolve());
          httpServer.closeIdleConnections?.();
          setTimeout(() => httpServer.closeAllConnections?.(), 2000).unref();
        });
        await repo.close();
      })();
      return closing;
    },
  };
}
