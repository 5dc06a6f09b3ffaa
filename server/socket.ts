// Socket.IO transport: `board:subscribe` (snapshot, replay, or a change set for callers
// that opt in) and commands with typed acks. Every committed event goes to the `board`
// room in seq order. Because better-sqlite3 is synchronous, the answer and joining the
// room happen in one tick: a subscriber can neither miss nor receive twice an event.
import type { Server, Socket } from 'socket.io';
import { DomainError, validationError } from '../shared/errors.ts';
import { commandTypeOfEvent, parseCommand } from '../shared/commands.ts';
import type { CommandType } from '../shared/commands.ts';
import { ErrorCode, Limits, SocketEvent } from '../shared/names.ts';
import { HandshakeAuth, IdempotencyKey, SubscribePayload } from '../shared/protocol.ts';
import { actorOf } from './auth/accounts.ts';
import type { AccountService, Principal } from './auth/accounts.ts';
import { credentialOf, originAllowed } from './http/auth.ts';
import type { ClientToServerEvents, ServerToClientEvents } from '../shared/protocol.ts';
import type { ApiError } from '../shared/schemas.ts';
import type { Logger } from './logger.ts';
import type { BoardService } from './service.ts';

/** What the server keeps per socket: the credential it was opened with. */
export interface SocketData {
  token: string;
  principal: Principal;
}
export type BoardServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type BoardSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** How often open sockets are checked against their credential (expired, idle, disabled). */
const RECHECK_MS = 30_000;

export interface SocketAuthOptions {
  accounts: AccountService;
  allowedOrigins: readonly string[];
  /** The protocol version this server speaks. */
  protocol: number;
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
  service.onEvents((events) => {
    io.to(ROOM).emit(SocketEvent.BOARD_EVENTS, events);
  });

  /** validate -> submit (group commit) -> the socket answer `{ok: true, ...result}`. */
  async function runCommand(type: CommandType, payload: unknown, socket: BoardSocket): Promise<unknown> {
    // Checked again for every command (the session may have ended or gone idle); the
    // account service answers from memory within the credential's trust time.
    const p = accounts.authenticate(socket.data.token);
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
    const token = (hs.success ? hs.data.token : undefined) ?? credentialOf({ cookie: socket.handshake.headers.cookie })?.token;
    const p = token === undefined ? null : accounts.authenticate(token);
    if (token === undefined || !p) {
      return next(refusal(new DomainError(ErrorCode.UNAUTHENTICATED, token === undefined ? 'Sign in first' : 'Signed out (the session ended or the credential was revoked)')));
    }
    socket.data.token = token;
    socket.data.principal = p;
    next();
  });

  // Revoked credentials (a device, a token, a sign-out, a disabled user) lose their
  // sockets at once; expired and idle sessions within RECHECK_MS.
  const cut = (sockets: Iterable<BoardSocket>, stillValid: (s: BoardSocket) => boolean) => {
    for (const s of sockets) if (!stillValid(s)) s.disconnect(true);
  };
  const offRevoke = accounts.onRevoke((credentials) =>
    cut(io.of('/').sockets.values(), (s) => !credentials.has(s.data.principal.credential)),
  );
  const recheck = setInterval(
    () => cut(io.of('/').sockets.values(), (s) => accounts.authenticate(s.data.token, { touch: false }) !== null),
    RECHECK_MS,
  );
  recheck.unref();

  io.on('connection', (socket: BoardSocket) => {

    socket.on(SocketEvent.BOARD_SUBSCRIBE, (payload, ack) => {
      if (typeof ack !== 'function') return;
      try {
        // Like a command: the board only to a credential that still holds.
        if (!accounts.authenticate(socket.data.token, { touch: false })) {
          setImmediate(() => socket.disconnect(true));
          throw new DomainError(ErrorCode.UNAUTHENTICATED, 'Signed out (the session ended or the credential was revoked)');
        }
        const p = SubscribePayload.safeParse(payload ?? {});
        if (!p.success) throw validationError(p.error.issues);
        const { afterSeq, changes: optedIn } = p.data;
        const logId = service.logId;
        const sameLog = p.data.logId === undefined || p.data.logId === logId;
        const behind = afterSeq !== undefined && sameLog;
        void socket.join(ROOM);
        if (optedIn) {
          const changes = behind ? service.changesSince(afterSeq) : null;
          if (changes === null) ack({ ok: true, snapshot: service.snapshot(), logId });
          else ack({ ok: true, changes, logId });
          return;
        }
        const events = behind ? service.eventsSince(afterSeq) : null;
        if (events === null) ack({ ok: true, snapshot: service.snapshot(), logId });
        else ack({ ok: true, events, logId });
      } catch (err) {
        ack(errorAck(err, log));
      }
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
  };
}
