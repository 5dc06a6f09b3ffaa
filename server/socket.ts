// Socket.IO transport: `board:subscribe` (snapshot or replay) and commands with typed
// acks. Every committed event goes to the `board` room in seq order. Because
// better-sqlite3 is synchronous, the snapshot/replay and joining the room happen in
// one tick: a subscriber can neither miss nor receive twice an event.
import type { Server, Socket } from 'socket.io';
import { DomainError, validationError } from '../shared/errors.ts';
import { ErrorCode, SocketEvent } from '../shared/names.ts';
import { HandshakeAuth, IdempotencyKey, SocketCommands, SubscribePayload } from '../shared/protocol.ts';
import type { ClientToServerEvents, ServerToClientEvents, SocketCommandEvent } from '../shared/protocol.ts';
import type { ApiError, Command } from '../shared/schemas.ts';
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

/** Wires the board protocol onto a Socket.IO server. */
export function attachBoardSocket(io: BoardServer, service: BoardService, log: Logger): void {
  service.onEvents((events) => {
    io.to(ROOM).emit(SocketEvent.BOARD_EVENTS, events);
  });

  io.on('connection', (socket: BoardSocket) => {
    const auth = HandshakeAuth.safeParse(socket.handshake.auth ?? {});
    const actor = (auth.success && auth.data.actor) || 'socket';

    socket.on(SocketEvent.BOARD_SUBSCRIBE, (payload, ack) => {
      if (typeof ack !== 'function') return;
      try {
        const p = SubscribePayload.safeParse(payload ?? {});
        if (!p.success) throw validationError(p.error.issues);
        const logId = service.logId;
        const sameLog = p.data.logId === undefined || p.data.logId === logId;
        const events = p.data.afterSeq === undefined || !sameLog ? null : service.eventsSince(p.data.afterSeq);
        void socket.join(ROOM);
        if (events === null) ack({ ok: true, snapshot: service.snapshot(), logId });
        else ack({ ok: true, events, logId });
      } catch (err) {
        ack(errorAck(err, log));
      }
    });

    for (const name of Object.keys(SocketCommands) as SocketCommandEvent[]) {
      const spec = SocketCommands[name];
      // The handler is the same for every command; the maps in shared/ type the acks.
      socket.on(name, (async (payload: unknown, ack: unknown) => {
        const reply = typeof ack === 'function' ? (ack as (r: unknown) => void) : () => {};
        try {
          const key = (payload as { idempotencyKey?: unknown } | null)?.idempotencyKey;
          if (key !== undefined && !IdempotencyKey.safeParse(key).success) {
            throw new DomainError(ErrorCode.VALIDATION_FAILED, 'idempotencyKey must be 1 to 128 characters');
          }
          const p = spec.schema.safeParse(payload);
          if (!p.success) throw validationError(p.error.issues);
          const { idempotencyKey, ...fields } = p.data as { idempotencyKey?: string };
          const command = { ...fields, type: spec.type } as Command;
          const out = await service.submit(command, { actor, idempotencyKey });
          reply(out.ok ? { ok: true, ...out.result } : { ok: false, error: out.error.toJSON() });
        } catch (err) {
          reply(errorAck(err, log));
        }
      }) as never);
    }
  });
}
