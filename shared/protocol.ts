// The Socket.IO protocol, imported by both the server and the client: event names,
// payload schemas and typed acknowledgements. Type hints are not validation, so the
// server parses every payload with the schemas here.
import { z } from 'zod';
import { CommandType, Limits, SocketEvent } from './names.ts';
import {
  ClearAndonBody,
  ConsumeCardBody,
  ConsumeLoopBody,
  CreateLoopBody,
  CreateStationBody,
  Ref,
  MoveCardBody,
  RaiseAndonBody,
  UpdateLoopBody,
  UpdateStationBody,
} from './schemas.ts';
import type { ApiError, BoardEvent, BoardSnapshot, Card, Loop, Station } from './schemas.ts';

export type Ack<T> = ({ ok: true } & T) | { ok: false; error: ApiError };
export type AckFn<T> = (res: Ack<T>) => void;

export const IdempotencyKey = z.string().min(1).max(Limits.IDEMPOTENCY_KEY);
const withKey = { idempotencyKey: IdempotencyKey.optional() };

export const SubscribePayload = z.strictObject({
  afterSeq: z.number().int().min(0).optional(),
  /**
   * The log identity the client's seq belongs to (from an earlier answer). When it is
   * not this server's log (a restored backup, a reset database), the answer is a snapshot.
   */
  logId: z.string().max(100).optional(),
});
export type SubscribePayload = z.infer<typeof SubscribePayload>;
/** Every answer names the log it belongs to; clients send it back with `afterSeq`. */
export type SubscribeResult = ({ snapshot: BoardSnapshot } | { events: BoardEvent[] }) & { logId?: string };

/** Socket command event -> the command it carries and its payload schema. */
export const SocketCommands = {
  [SocketEvent.STATION_CREATE]: {
    type: CommandType.STATION_CREATE,
    schema: CreateStationBody.extend(withKey),
  },
  [SocketEvent.STATION_UPDATE]: {
    type: CommandType.STATION_UPDATE,
    schema: UpdateStationBody.extend({ stationId: Ref, ...withKey }),
  },
  [SocketEvent.LOOP_CREATE]: {
    type: CommandType.LOOP_CREATE,
    schema: CreateLoopBody.extend(withKey),
  },
  [SocketEvent.LOOP_UPDATE]: {
    type: CommandType.LOOP_UPDATE,
    schema: UpdateLoopBody.extend({ loopId: Ref, ...withKey }),
  },
  [SocketEvent.CARD_MOVE]: {
    type: CommandType.CARD_MOVE,
    schema: MoveCardBody.extend({ cardId: Ref, ...withKey }),
  },
  [SocketEvent.CARD_CONSUME]: {
    type: CommandType.CARD_CONSUME,
    schema: ConsumeCardBody.extend({ cardId: Ref, ...withKey }),
  },
  [SocketEvent.LOOP_CONSUME]: {
    type: CommandType.LOOP_CONSUME,
    schema: ConsumeLoopBody.extend({ loopId: Ref, ...withKey }),
  },
  [SocketEvent.ANDON_RAISE]: {
    type: CommandType.ANDON_RAISE,
    schema: RaiseAndonBody.extend({ stationId: Ref, ...withKey }),
  },
  [SocketEvent.ANDON_CLEAR]: {
    type: CommandType.ANDON_CLEAR,
    schema: ClearAndonBody.extend({ stationId: Ref, ...withKey }),
  },
} as const;
export type SocketCommandEvent = keyof typeof SocketCommands;
export type SocketCommandPayload<E extends SocketCommandEvent> = z.input<
  (typeof SocketCommands)[E]['schema']
>;

export type CardResult = { card: Card; seq: number };
export interface SocketCommandResults {
  'station:create': { station: Station };
  'station:update': { station: Station };
  'loop:create': { loop: Loop; cards: Card[] };
  'loop:update': { loop: Loop };
  'card:move': CardResult;
  'card:consume': CardResult;
  'loop:consume': CardResult;
  'andon:raise': { station: Station };
  'andon:clear': { station: Station };
}

export type ClientToServerEvents = {
  'board:subscribe': (payload: SubscribePayload, ack: AckFn<SubscribeResult>) => void;
} & {
  [E in SocketCommandEvent]: (
    payload: SocketCommandPayload<E>,
    ack: AckFn<SocketCommandResults[E]>,
  ) => void;
};

export interface ServerToClientEvents {
  /** Every committed event, in seq order, to every subscribed client. */
  'board:events': (events: BoardEvent[]) => void;
}

/** Handshake `auth` the client may send. */
export const HandshakeAuth = z.object({
  actor: z.string().trim().min(1).max(Limits.ACTOR).optional(),
  token: z.string().max(512).optional(),
});
