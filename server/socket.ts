// Socket.IO transport: `board:subscribe` (snapshot, replay, or a change set for callers
// that opt in) and commands with typed acks. Every committed event goes to the `board`
// room in seq order. Because better-sqlite3 is synchronous, the answer and joining the
// room happen in one tick: a subscriber can neither miss nor receive twice an event.
//
// Bounds (socketLimits.ts): sockets per address (refused at the handshake), subscribes
// per socket and per address (RATE_LIMITED), and bytes queued for a socket that does not
// take them (it is disconnected, reconnects and catches up). A snapshot answer is the one
// shared snapshot of its seq (snapshots.ts), never a copy per subscriber.
import type { IncomingMessage } from 'node:http';
import type { Server, Socket } from 'socket.io';
import { DomainError, validationError } from '../shared/errors.ts';
import { commandTypeOfEvent, parseCommand } from '../shared/commands.ts';
import type { CommandType } from '../shared/commands.ts';
import { ErrorCode, Limits, SocketEvent } from '../shared/names.ts';
import { HandshakeAuth, IdempotencyKey, SubscribePayload } from '../shared/protocol.ts';
import { actorOf } from './auth/accounts.ts';
import type { AccountService, Principal } from './auth/accounts.ts';
import { credentialOf, originAllowed } from './http/auth.ts';
import type { AckFn, ClientToServerEvents, ServerToClientEvents, SubscribeAnswer } from '../shared/protocol.ts';
import type { ApiError } from '../shared/schemas.ts';
import type { Logger } from './logger.ts';
import type { BoardService } from './service.ts';
import { attachSharedFrame, sharedSnapshots } from './snapshots.ts';
import { ConnectionCounter, SubscribeLimiter, dropConnection, queuedBytes, socketLimits } from './socketLimits.ts';
import type { SocketLimits } from './socketLimits.ts';

/** What the server keeps per socket: the credential it was opened with, and where from. */
export interface SocketData {
  token: string;
  principal: Principal;
  /** The client's address (through trusted proxies), for the per-address limits. */
  address: string;
}
export type BoardServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type BoardSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** How often open sockets are checked against their credential (expired, idle, disabled). */
const RECHECK_MS = 30_000;
/** How often open sockets are checked for bytes they do not take (besides at every subscribe). */
const SLOW_CHECK_MS = 2_000;

export interface SocketAuthOptions {
  accounts: AccountService;
  allowedOrigins: readonly string[];
  /** The protocol version this server speaks. */
  protocol: number;
  /** Connections, subscribes and queued bytes (socketLimits.ts); unset ones take the defaults. */
  limits?: Partial<SocketLimits>;
  /** The client's address of a handshake (app.ts honours `trust proxy`); default: the TCP peer. */
  addressOf?: (req: IncomingMessage) => string;
}

const ROOM = 'board';

function errorAck(err: unknown, log: Logger): { ok: false; error: ApiError } {
  if (err instanceof DomainError) return { ok: false, error: err.toJSON() };
  log.error('socket handler failed', err);
  return { ok: false, error: { code: ErrorCode.INTERNAL, message: 'Internal error; nothing was changed' } };
}

/** A handshake refusal: Socket.IO hands `data` to the client's connect_error. */
function refusal(e: DomainError): Error {
  return Object.assign(new Error(e.message), { data: e.toJSON() });
}

/** Splits a socket payload into the command's fields and its idempotency key. */
function splitKey(payload: unknown): { fields: unknown; key: string | undefined } {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload) || !Object.hasOwn(payload, 'idempotencyKey')) {
    return { fields: payload, key: undefined };
  }
  const fields = Object.fromEntries(Object.entries(payload).filter(([k]) => k !== 'idempotencyKey'));
  const k = IdempotencyKey.safeParse(Object.getOwnPropertyDescriptor(payload, 'idempotencyKey')?.value);
  if (!k.success) {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, `idempotencyKey must be 1 to ${Limits.IDEMPOTENCY_KEY} characters`);
  }
  return { fields, key: k.data };
}

/** Wires the board protocol onto a Socket.IO server. */
export function attachBoardSocket(io: BoardServer, service: BoardService, log: Logger, auth: SocketAuthOptions): () => void {
  const { accounts, protocol } = auth;
  const limits = socketLimits(auth.limits);
  const addressOf = auth.addressOf ?? ((req: IncomingMessage) => req.socket.remoteAddress ?? 'unknown');
  const connections = new ConnectionCounter(limits.maxConnectionsPerAddress);
  const subscribes = new SubscribeLimiter(limits);
  const snapshots = sharedSnapshots(service);
  service.onEvents((events) => {
    io.to(ROOM).emit(SocketEvent.BOARD_EVENTS, events);
  });
  // A snapshot answer goes out as a frame around the shared bytes (snapshots.ts).
  io.engine.on('connection', (conn: { on(event: 'packetCreate', fn: (packet: unknown) => void): void }) => {
    conn.on('packetCreate', attachSharedFrame);
  });

  /**
   * Bytes a socket may have queued: the bound, plus one snapshot of the board (the
   * largest answer a screen is sent, which a slow link may take a while to take in).
   */
  const sendLimit = () => limits.maxSendBufferBytes + snapshots.lastBytes;

  /** A socket that does not take what it is sent: disconnected, and what it was queued dropped. */
  function cutIfSlow(socket: BoardSocket): boolean {
    const queued = queuedBytes(socket.conn);
    const limit = sendLimit();
    if (queued <= limit) return false;
    log.warn(
      `disconnected a socket from ${socket.data.address}: ${(queued / 1048576).toFixed(1)} MiB waiting to be sent, ` +
        `more than ${(limit / 1048576).toFixed(1)} MiB (a slow or stalled client; it may reconnect and catch up)`,
    );
    socket.disconnect(true);
    dropConnection(socket.conn);
    return true;
  }

  /** validate -> submit (group commit) -> the socket answer `{ok: true, ...result}`. */
  async function runCommand(type: CommandType, payload: unknown, socket: BoardSocket): Promise<unknown> {
    // Checked again for every command (the session may have ended or gone idle); the
    // account service answers from memory within the credential's trust time.
    const p = await accounts.authenticate(socket.data.token);
    if (!p) {
      setImmediate(() => socket.disconnect(true));
      throw new DomainError(ErrorCode.UNAUTHENTICATED, 'Signed out (the session ended or the credential was revoked)');
    }
    const { fields, key } = splitKey(payload);
    const parsed = parseCommand(type, fields);
    if (!parsed.success) throw validationError(parsed.error.issues);
    const out = await service.submit(parsed.command, { actor: actorOf(p), role: p.role, stationIds: p.stationIds, idempotencyKey: key });
    return out.ok ? { ok: true, ...out.result } : { ok: false, error: out.error.toJSON() };
  }

  // A screen built for another protocol version would misread answers or send commands
  // that mean something else now: refuse it at the handshake, and it reloads.
  io.use((socket, next) => {
    const hs = HandshakeAuth.safeParse(socket.handshake.auth ?? {});
    const version = hs.success ? hs.data.protocol : undefined;
    if (version !== undefined && version !== protocol) {
      return next(
        refusal(
          new DomainError(ErrorCode.PROTOCOL_MISMATCH, `This screen speaks protocol ${version}, the server ${protocol}: it needs reloading`, {
            client: version,
            server: protocol,
          }),
        ),
      );
    }
    // A browser opens a socket with its cookie from any page: only our own origins may.
    const origin = socket.handshake.headers.origin;
    const own = `${socket.handshake.secure ? 'https' : 'http'}://${socket.handshake.headers.host ?? ''}`;
    if (origin !== undefined && !originAllowed(origin, own, auth.allowedOrigins)) {
      return next(refusal(new DomainError(ErrorCode.FORBIDDEN, 'Refused: this connection was opened from another site')));
    }
    // Before the credential is looked up: a refused address costs no lookup.
    const address = addressOf(socket.request);
    let release: () => void;
    try {
      release = connections.take(address);
    } catch (err) {
      return next(err instanceof DomainError ? refusal(err) : err instanceof Error ? err : new Error('refused'));
    }
    const token = (hs.success ? hs.data.token : undefined) ?? credentialOf({ cookie: socket.handshake.headers.cookie })?.token;
    void (token === undefined ? Promise.resolve(null) : accounts.authenticate(token)).then(
      (p) => {
        if (token === undefined || !p) {
          release();
          return next(refusal(new DomainError(ErrorCode.UNAUTHENTICATED, token === undefined ? 'Sign in first' : 'Signed out (the session ended or the credential was revoked)')));
        }
        socket.data.token = token;
        socket.data.principal = p;
        socket.data.address = address;
        // The place is given back when the socket leaves, or when its connection closes
        // before the socket was ever connected (either may come first; once is once).
        socket.once('disconnect', release);
        socket.conn.once('close', release);
        next();
      },
      (err: unknown) => {
        release();
        next(err instanceof Error ? err : new Error('refused'));
      },
    );
  });

  // Revoked credentials (a device, a token, a sign-out, a disabled user) lose their
  // sockets at once; expired and idle sessions within RECHECK_MS.
  const cut = (sockets: Iterable<BoardSocket>, stillValid: (s: BoardSocket) => boolean) => {
    for (const s of sockets) if (!stillValid(s)) s.disconnect(true);
  };
  const offRevoke = accounts.onRevoke((credentials) =>
    cut(io.of('/').sockets.values(), (s) => !credentials.has(s.data.principal.credential)),
  );
  const recheck = setInterval(() => {
    for (const s of io.of('/').sockets.values()) {
      void accounts.authenticate(s.data.token, { touch: false }).then(
        (p) => {
          if (p === null) s.disconnect(true);
        },
        (err: unknown) => log.warn('credential recheck failed', err instanceof Error ? err.message : err),
      );
    }
  }, RECHECK_MS);
  recheck.unref();
  // Events pile up for a socket that stopped reading; subscribes are checked as they come.
  const slowCheck = setInterval(() => {
    for (const s of io.of('/').sockets.values()) cutIfSlow(s);
  }, SLOW_CHECK_MS);
  slowCheck.unref();

  /**
   * `board:subscribe`: counted against the socket's and the address's rate, then
   * answered, unless the socket has more queued than it may (then it is cut instead).
   * The answer and joining the room happen in one synchronous stretch (see the top).
   */
  async function answerSubscribe(socket: BoardSocket, payload: unknown, ack: AckFn<SubscribeAnswer>): Promise<void> {
    // Like a command: the board only to a credential that still holds.
    if (!(await accounts.authenticate(socket.data.token, { touch: false }))) {
      setImmediate(() => socket.disconnect(true));
      throw new DomainError(ErrorCode.UNAUTHENTICATED, 'Signed out (the session ended or the credential was revoked)');
    }
    const p = SubscribePayload.safeParse(payload ?? {});
    if (!p.success) throw validationError(p.error.issues);
    await subscribes.take(socket.id, socket.data.address);
    if (!socket.connected || cutIfSlow(socket)) return;
    const { afterSeq, changes: optedIn } = p.data;
    const logId = service.logId;
    const sameLog = p.data.logId === undefined || p.data.logId === logId;
    const behind = afterSeq !== undefined && sameLog;
    void socket.join(ROOM);
    if (optedIn) {
      const changes = behind ? service.changesSince(afterSeq) : null;
      if (changes === null) ack(snapshots.answer(logId));
      else ack({ ok: true, changes, logId });
    } else {
      const events = behind ? service.eventsSince(afterSeq) : null;
      if (events === null) ack(snapshots.answer(logId));
      else ack({ ok: true, events, logId });
    }
    cutIfSlow(socket);
  }

  io.on('connection', (socket: BoardSocket) => {
    socket.on('disconnect', () => subscribes.forget(socket.id));

    socket.on(SocketEvent.BOARD_SUBSCRIBE, (payload, ack) => {
      if (typeof ack !== 'function') return;
      // A second call of an ack is ignored by Socket.IO, so an error after the answer is harmless.
      answerSubscribe(socket, payload, ack).catch((err: unknown) => ack(errorAck(err, log)));
    });

    // Every command of the table, by its event name. One listener for all of them: the
    // payload is unknown until the table's schema has parsed it.
    socket.onAny((event: string, payload: unknown, ack: unknown) => {
      const type = commandTypeOfEvent(event);
      if (type === undefined) return;
      const reply = typeof ack === 'function' ? (res: unknown) => void ack(res) : () => {};
      void runCommand(type, payload, socket).then(reply, (err: unknown) => reply(errorAck(err, log)));
    });
  });

  return () => {
    offRevoke();
    clearInterval(recheck);
    clearInterval(slowCheck);
  };
}
