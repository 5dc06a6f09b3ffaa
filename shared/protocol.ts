// The Socket.IO protocol, imported by both the server and the client: event names,
// payload schemas and typed acknowledgements. Type hints are not validation, so the
// server parses every payload with the schemas here.
import { z } from 'zod';
import { ErrorCode, Limits } from './names.ts';
import { COMMANDS, parseResult } from './commands.ts';
import type { CommandInput, CommandResults, CommandType, SocketCommandEvent } from './commands.ts';
import { ApiErrorSchema } from './schemas.ts';
import type { ApiError, BoardEvent, BoardSnapshot } from './schemas.ts';
import type { BoardChanges } from './changes.ts';

export type { SocketCommandEvent } from './commands.ts';

export type Ack<T> = ({ ok: true } & T) | { ok: false; error: ApiError };
export type AckFn<T> = (res: Ack<T>) => void;

export const IdempotencyKey = z.string().min(1).max(Limits.IDEMPOTENCY_KEY);

export const SubscribePayload = z.strictObject({
  afterSeq: z.number().int().min(0).optional(),
  /**
   * The log identity the client's seq belongs to (from an earlier answer). When it is
   * not this server's log (a restored backup, a reset database), the answer is a snapshot.
   */
  logId: z.string().max(100).optional(),
  /**
   * Opt in to compacted catch-up: with `afterSeq`, answer `{changes}` (shared/changes.ts:
   * the current state of everything changed since, and the ids removed) instead of
   * `{events}`. Pullboard's own screens send it; callers that leave it out keep getting
   * events (or a snapshot) as before.
   */
  changes: z.boolean().optional(),
});
export type SubscribePayload = z.infer<typeof SubscribePayload>;
/**
 * The answer to `board:subscribe` without `changes: true` (what outside tools get). Every
 * answer names the log it belongs to; clients send it back with `afterSeq`.
 */
export type SubscribeResult = ({ snapshot: BoardSnapshot } | { events: BoardEvent[] }) & { logId?: string };
/** The answer with `changes: true`: a snapshot, or changes (empty when up to date). */
export type SubscribeChangesResult = ({ snapshot: BoardSnapshot } | { changes: BoardChanges }) & { logId?: string };
/**
 * Any answer to `board:subscribe`: `SubscribeResult` for callers that do not opt in,
 * `SubscribeChangesResult` for one that sends `changes: true`.
 */
export type SubscribeAnswer = SubscribeResult | SubscribeChangesResult;

/** The socket payload of a command: its fields and an optional idempotency key. */
export type CommandPayload<K extends CommandType> = CommandInput[K] & { idempotencyKey?: string };

/**
 * Commands on the wire. Every command event carries an object and is answered with an
 * `Ack`; the answer is read with the command table's result schema (`parseAck`), so
 * its type is checked, not assumed. One signature for all of them lets a caller send
 * any command of the table through one typed `emit`.
 */
type CommandEmit = (payload: object, ack: (res: unknown) => void) => void;

export type ClientToServerEvents = {
  'board:subscribe': (payload: SubscribePayload, ack: AckFn<SubscribeAnswer>) => void;
} & { [E in SocketCommandEvent]: CommandEmit };

export interface ServerToClientEvents {
  /** Every committed event, in seq order, to every subscribed client. */
  'board:events': (events: BoardEvent[]) => void;
}

/**
 * The version of this protocol (event names, payloads, answers). Bump it whenever a
 * change would make an older screen misread the server or send commands it no longer
 * means: a screen that sends another version is refused at the handshake
 * (PROTOCOL_MISMATCH) and reloads itself to get the matching client.
 * 2: the command table; 3: events name their actor as {kind, id, name}, sockets need a
 * credential, and catch-up may answer a change set; 4: cards carry their printable
 * `code`, and `card:scan`.
 */
export const PROTOCOL_VERSION = 4;

/** Handshake `auth` the client may send. */
export const HandshakeAuth = z.object({
  token: z.string().max(512).optional(),
  /**
   * The protocol version the client speaks. Pullboard's own screens always send it;
   * an integration that does not is taken to speak the current one.
   */
  protocol: z.number().int().optional(),
});

/** The `data` of a handshake refusal (Socket.IO `connect_error`). */
export const HandshakeRefusal = z.object({
  code: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});

/** The socket event a command travels on. */
export function eventOf(type: CommandType): SocketCommandEvent {
  return COMMANDS[type].event;
}

/** Reads a command's answer off the wire: a refusal, or the table's result with `ok`. */
export function parseAck<K extends CommandType>(type: K, raw: unknown): Ack<CommandResults[K]> {
  if (typeof raw === 'object' && raw !== null && 'ok' in raw && raw.ok === false && 'error' in raw) {
    const e = ApiErrorSchema.safeParse(raw.error);
    if (e.success) return { ok: false, error: e.data };
  } else {
    const result = parseResult(type, raw);
    if (result !== undefined) return { ok: true, ...result };
  }
  return { ok: false, error: { code: ErrorCode.INTERNAL, message: 'The server sent an answer this screen cannot read' } };
}
