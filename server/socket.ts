// Socket.IO transport: `board:subscribe` (snapshot, replay, or a change set for callers
// that opt in) and commands with typed acks. Every committed event goes to the `board`
// room in seq order. Because better-sqlite3 is synchronous, the answer and joining the
// room happen in one tick: a subscriber can neither miss nor receive twice an event.
import type { Server, Socket } from 'socket.io';
import { DomainError, validationError } from '../shared/errors.ts';
import { commandTypeOfEvent, parseCommand } from '../shared/commands.ts';
import type { CommandType } from '../shared/commands.ts';
import { ErrorCode, Limits, SocketEvent } from '../shared/names.ts';
import { HandshakeAuth, IdempotencyKey, PROTOCOL_VERSION, SubscribePayload } from '../shared/protocol.ts';
import type { AckFn, ClientToServerEvents, ServerToClientEvents, SubscribeAnswer } from '../shared/protocol.ts';
import type { ApiError } from '../shared/schemas.ts';
import type { Logger } from './logger.ts';
import type { BoardService } from './service.ts';

export type BoardServer = Server<ClientToServerEvents, ServerToClientEvents>;
type BoardSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

const ROOM = 'board';

function errorAck(err: unknown, log: Logger): { ok: false; error: ApiError } {
  if (err instanceof DomainError) return { ok: false, error: err.toJSON() };
  log.error('socket handler failed', err);
  return { ok: false, error: { code: ErrorCode.INTERNAL, message: 'Internal error; nothing was changed' } };
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
export function attachBoardSocket(io: BoardServer, service: BoardService, log: Logger, protocol = PROTOCOL_VERSION): void {
  service.onEvents((events) => {
    io.to(ROOM).emit(SocketEvent.BOARD_EVENTS, events);
  });

  /** validate -> submit (group commit) -> the socket answer `{ok: true, ...result}`. */
  async function runCommand(type: CommandType, payload: unknown, actor: string): Promise<unknown> {
    const { fields, key } = splitKey(payload);
    const parsed = parseCommand(type, fields);
    if (!parsed.success) throw validationError(parsed.error.issues);
    const out = await service.submit(parsed.command, { actor, idempotencyKey: key });
    return out.ok ? { ok: true, ...out.result } : { ok: false, error: out.error.toJSON() };
  }

  // A screen built for another protocol version would misread answers or send commands
  // that mean something else now: refuse it at the handshake, and it reloads.
  io.use((socket, next) => {
    const auth = HandshakeAuth.safeParse(socket.handshake.auth ?? {});
    const version = auth.success ? auth.data.protocol : undefined;
    if (version === undefined || version === protocol) return next();
    const refusal = new DomainError(
      ErrorCode.PROTOCOL_MISMATCH,
      `This screen speaks protocol ${version}, the server ${protocol}: it needs reloading`,
      { client: version, server: protocol },
    );
    next(Object.assign(new Error(refusal.message), { data: refusal.toJSON() }));
  });

  io.on('connection', (socket: BoardSocket) => {
    const auth = HandshakeAuth.safeParse(socket.handshake.auth ?? {});
    const actor = (auth.success && auth.data.actor) || 'socket';

    socket.on(SocketEvent.BOARD_SUBSCRIBE, (payload, ack) => {
      if (typeof ack !== 'function') return;
      try {
        const p = SubscribePayload.safeParse(payload ?? {});
        if (!p.success) throw validationError(p.error.issues);
        const { afterSeq, changes: optedIn } = p.data;
        const logId = service.logId;
        const sameLog = p.data.logId === undefined || p.data.logId === logId;
        const behind = afterSeq !== undefined && sameLog;
        void socket.join(ROOM);
        if (optedIn) {
          // The event map types the answer for callers that do not opt in; this one asked
          // for changes (SubscribeAnswer in shared/protocol.ts).
          const answer = ack as AckFn<SubscribeAnswer>;
          const changes = behind ? service.changesSince(afterSeq) : null;
          if (changes === null) answer({ ok: true, snapshot: service.snapshot(), logId });
          else answer({ ok: true, changes, logId });
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
      void runCommand(type, payload, actor).then(reply, (err: unknown) => reply(errorAck(err, log)));
    });
  });
}
