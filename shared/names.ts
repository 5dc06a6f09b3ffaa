// Every name that crosses a boundary (columns, kinds, error codes, event and command
// types, socket event names) is declared once here as an `as const` object, with the
// union type derived from it, so client, server and tests cannot drift apart.

export const Column = {
  REQUESTED: 'requested',
  IN_PROGRESS: 'in_progress',
  DONE: 'done',
} as const;
export type Column = (typeof Column)[keyof typeof Column];
/** Columns in board order, upstream work first. */
export const COLUMNS: readonly Column[] = [Column.REQUESTED, Column.IN_PROGRESS, Column.DONE];
export const COLUMN_LABELS: Record<Column, string> = {
  requested: 'Requested',
  in_progress: 'In Progress',
  done: 'Done',
};

export const StationKind = {
  PROCESS: 'process',
  SUPPLIER: 'supplier',
  CUSTOMER: 'customer',
} as const;
export type StationKind = (typeof StationKind)[keyof typeof StationKind];

/** Andon calls a station can raise: a line stop, a call for help, a call for material. */
export const AndonKind = {
  STOP: 'stop',
  HELP: 'help',
  MATERIAL: 'material',
} as const;
export type AndonKind = (typeof AndonKind)[keyof typeof AndonKind];
export const ANDON_LABELS: Record<AndonKind, string> = {
  stop: 'Line stop',
  help: 'Help needed',
  material: 'Material call',
};

export const ErrorCode = {
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  WIP_LIMIT_REACHED: 'WIP_LIMIT_REACHED',
  INVALID_TRANSITION: 'INVALID_TRANSITION',
  STARVED: 'STARVED',
  VERSION_CONFLICT: 'VERSION_CONFLICT',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** The server is shutting down (or cannot commit now): nothing changed, retry. */
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  /** A name or badge already taken (a user, for instance). */
  CONFLICT: 'CONFLICT',
  /** A paired device polls before a lead approved its code. */
  PAIRING_PENDING: 'PAIRING_PENDING',
  /** Too many attempts (sign-in): wait and try again. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** The screen speaks another protocol version than the server (it must reload). */
  PROTOCOL_MISMATCH: 'PROTOCOL_MISMATCH',
  /** A plant-wide limit (stations, loops, cards) would be exceeded; details: what, limit, count. */
  LIMIT_REACHED: 'LIMIT_REACHED',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const EventType = {
  STATION_CREATED: 'station.created',
  STATION_UPDATED: 'station.updated',
  LOOP_CREATED: 'loop.created',
  LOOP_UPDATED: 'loop.updated',
  CARD_MOVED: 'card.moved',
  CARD_CONSUMED: 'card.consumed',
  CARD_RETURNED: 'card.returned',
  ANDON_RAISED: 'andon.raised',
  ANDON_CLEARED: 'andon.cleared',
  CARD_UNDONE: 'card.undone',
  LOOP_RETIRED: 'loop.retired',
  STATION_REMOVED: 'station.removed',
} as const;
export type EventType = (typeof EventType)[keyof typeof EventType];

/** Who a user, device or token acts as. */
export const Role = { ADMIN: 'admin', LEAD: 'lead', OPERATOR: 'operator', VIEWER: 'viewer' } as const;
export type Role = (typeof Role)[keyof typeof Role];

/** Why a card moved; derived from the columns it left and entered. */
export const MoveKind = {
  START: 'start',
  FINISH: 'finish',
  STEP_BACK: 'step_back',
  REORDER: 'reorder',
} as const;
export type MoveKind = (typeof MoveKind)[keyof typeof MoveKind];

/** Socket.IO event names, `entity:verb`, other than commands (the command table names those). */
export const SocketEvent = {
  BOARD_SUBSCRIBE: 'board:subscribe',
  BOARD_EVENTS: 'board:events',
} as const;
export type SocketEvent = (typeof SocketEvent)[keyof typeof SocketEvent];

/** Length limits for free text (over them is VALIDATION_FAILED). */
export const Limits = {
  NAME: 80,
  PART_NUMBER: 40,
  PART_NAME: 120,
  ANDON_NOTE: 200,
  IDEMPOTENCY_KEY: 128,
  USERNAME: 64,
  PASSWORD_MIN: 8,
  PASSWORD_MAX: 256,
  BADGE: 128,
  MAX_STATIONS_PER_ACCOUNT: 200,
  ID: 64,
  MAX_CARDS_PER_LOOP: 500,
  MAX_CONTAINER_QTY: 1_000_000,
  /** A lead time under a minute would make every card overdue at once. */
  MIN_LEAD_TIME_MINUTES: 1,
  MAX_LEAD_TIME_MINUTES: 60 * 24 * 365,
  MAX_WIP_LIMIT: 10_000,
  MAX_INPUT_LOOPS: 32,
  /** The highest station position a request may name (a plant's station limit is lower). */
  MAX_STATIONS: 10_000,
  /** An ordering key longer than this makes the rules re-space the whole column. */
  RANK_LENGTH: 16,
  BODY_BYTES: 1024 * 1024,
  /**
   * How long after a Use, Start or Finish the same person or device may undo it. The
   * screens offer Undo for a few seconds; the server allows a minute, so a tablet whose
   * Undo waited in its outbox through a short network outage is still heard.
   */
  UNDO_WINDOW_SECONDS: 60,
} as const;
