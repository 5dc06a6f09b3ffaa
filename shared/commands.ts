// The command table: every command Pullboard accepts, declared once. For each command it
// names the socket event that carries it, the HTTP route that carries it, the fields it
// takes (zod, strict), the answer it gives (zod), who may run it, and the words the
// OpenAPI document uses. The HTTP routes, the socket handlers, the OpenAPI document, the
// client's wire mapping and outbox, and the test doubles are all derived from this
// table; nothing else lists commands. Adding a command: one row here, its rule in
// `decide()` (shared/rules.ts), its reducer case if it emits a new event
// (shared/board.ts), and its tests (docs/architecture.md has the recipe).
import { z } from 'zod';
import type { BoardState } from './board.ts';
import { ErrorCode, Role } from './names.ts';
import {
  CardSchema,
  ClearAndonBody,
  ConsumeCardBody,
  ConsumeLoopBody,
  CreateLoopBody,
  CreateStationBody,
  LoopSchema,
  MoveCardBody,
  RaiseAndonBody,
  Ref,
  RemoveStationBody,
  RetireLoopBody,
  UndoCardBody,
  ScanActionSchema,
  ScanBody,
  StationSchema,
  UpdateLoopBody,
  UpdateStationBody,
} from './schemas.ts';

/** How a command travels over HTTP. */
export interface HttpRoute<Fields extends z.ZodRawShape, Result extends z.ZodRawShape> {
  method: 'post' | 'patch' | 'delete';
  /** Express-style path under /api; `:id` is filled from the field named by `idField`. */
  path: string;
  /** The field the path's `:id` carries (it is not accepted in the body), or null. */
  idField: (keyof Fields & string) | null;
  /** Status of a success: 201 for commands that create something. */
  created: boolean;
  /**
   * Where HTTP and the socket answer differently: HTTP answers with this one field of
   * the result (api.md's bare station or loop); null answers with the whole result, as
   * the socket does (minus its `ok`).
   */
  reply: (keyof Result & string) | null;
}

export interface CommandSpec<
  Type extends string,
  Event extends string,
  Fields extends z.ZodRawShape,
  Result extends z.ZodRawShape,
> {
  type: Type;
  /** Socket.IO event name, `entity:verb`. */
  event: Event;
  /** The command's fields (everything but `type`): strict, so unknown keys are refused. */
  fields: z.ZodObject<Fields, z.core.$strict>;
  /** The answer of a success (over the socket, with `ok: true` added). */
  result: z.ZodObject<Result>;
  http: HttpRoute<Fields, Result>;
  /** Roles allowed to run the command (docs/security.md has the whole table). */
  roles: readonly Role[];
  /**
   * For an operator (bound to stations): the station the command acts at, which must be
   * one of theirs; null when the ids match nothing (the rules then say NOT_FOUND).
   * Null for commands operators may not run at all.
   */
  station: ((state: BoardState, fields: z.output<z.ZodObject<Fields, z.core.$strict>>) => string | null) | null;
  /** One line for the OpenAPI document. */
  summary: string;
  /** The 409 refusals the command can give (the OpenAPI document lists them). */
  refusals: readonly ErrorCode[];
}

function spec<Type extends string, Event extends string, Fields extends z.ZodRawShape, Result extends z.ZodRawShape>(
  s: CommandSpec<Type, Event, Fields, Result>,
): CommandSpec<Type, Event, Fields, Result> {
  return s;
}

const StationResult = z.object({ station: StationSchema });

/** Who configures the plant, and who works the cards (operators at their own stations). */
const CONFIGURE: readonly Role[] = [Role.ADMIN, Role.LEAD];
const WORK: readonly Role[] = [Role.ADMIN, Role.LEAD, Role.OPERATOR];

// Own properties only: an id such as "constructor" must not find Object.prototype.
const own = <T>(map: Readonly<Record<string, T>>, id: string): T | undefined => (Object.hasOwn(map, id) ? map[id] : undefined);
/** The supplying station whose board shows the card (where it is started and finished). */
const cardStation = (s: BoardState, cardId: string) => own(s.cards, cardId)?.stationId ?? null;
/** The station that uses the loop's containers. */
const loopConsumer = (s: BoardState, loopId: string) => own(s.loops, loopId)?.consumerStationId ?? null;
const cardConsumer = (s: BoardState, cardId: string) => {
  const c = own(s.cards, cardId);
  return c ? loopConsumer(s, c.loopId) : null;
};
const CardResult = z.object({ card: CardSchema, seq: z.number().int() });

/** Every command, keyed by its type. */
export const COMMANDS = {
  'station.create': spec({
    type: 'station.create',
    event: 'station:create',
    fields: CreateStationBody,
    result: StationResult,
    http: { method: 'post', path: '/stations', idField: null, created: true, reply: 'station' },
    roles: CONFIGURE,
    station: null,
    summary: 'Create a station (placed before the customer end)',
    refusals: [],
  }),
  'station.update': spec({
    type: 'station.update',
    event: 'station:update',
    fields: UpdateStationBody.extend({ stationId: Ref }),
    result: StationResult,
    http: { method: 'patch', path: '/stations/:id', idField: 'stationId', created: false, reply: 'station' },
    roles: CONFIGURE,
    station: null,
    summary: 'Update a station (name, kind, WIP limits, position)',
    refusals: [],
  }),
  'station.remove': spec({
    type: 'station.remove',
    event: 'station:remove',
    fields: RemoveStationBody.extend({ stationId: Ref }),
    result: StationResult,
    http: { method: 'delete', path: '/stations/:id', idField: 'stationId', created: false, reply: 'station' },
    roles: CONFIGURE,
    station: null,
    summary: 'Remove a station no loop uses any more (the others move up); its history stays in the log',
    refusals: [ErrorCode.INVALID_TRANSITION],
  }),
  'loop.create': spec({
    type: 'loop.create',
    event: 'loop:create',
    fields: CreateLoopBody,
    result: z.object({
      loop: LoopSchema,
      cards: z.array(CardSchema),
      /** Said but not refused: e.g. the same part already flows between the same two stations. */
      warnings: z.array(z.string()),
    }),
    http: { method: 'post', path: '/loops', idField: null, created: true, reply: null },
    roles: CONFIGURE,
    station: null,
    summary: 'Create a loop; it starts full (all cards Done)',
    refusals: [],
  }),
  'loop.update': spec({
    type: 'loop.update',
    event: 'loop:update',
    fields: UpdateLoopBody.extend({ loopId: Ref }),
    result: z.object({ loop: LoopSchema }),
    http: { method: 'patch', path: '/loops/:id', idField: 'loopId', created: false, reply: 'loop' },
    roles: CONFIGURE,
    station: null,
    summary: 'Update a loop (card count, lead time, inputs...)',
    refusals: [ErrorCode.INVALID_TRANSITION],
  }),
  'loop.retire': spec({
    type: 'loop.retire',
    event: 'loop:retire',
    fields: RetireLoopBody.extend({ loopId: Ref }),
    result: z.object({ loop: LoopSchema }),
    http: { method: 'delete', path: '/loops/:id', idField: 'loopId', created: false, reply: 'loop' },
    roles: CONFIGURE,
    station: null,
    summary: 'Retire a loop: it and its cards leave the board, their history stays in the log',
    refusals: [ErrorCode.INVALID_TRANSITION],
  }),
  'card.move': spec({
    type: 'card.move',
    event: 'card:move',
    fields: MoveCardBody.extend({ cardId: Ref }),
    result: CardResult,
    http: { method: 'post', path: '/cards/:id/move', idField: 'cardId', created: false, reply: null },
    roles: WORK,
    station: (s, c) => cardStation(s, c.cardId),
    summary: 'Move a card one column (start, finish, step back) or reorder it in its column',
    refusals: [ErrorCode.WIP_LIMIT_REACHED, ErrorCode.INVALID_TRANSITION, ErrorCode.STARVED, ErrorCode.VERSION_CONFLICT],
  }),
  'card.consume': spec({
    type: 'card.consume',
    event: 'card:consume',
    fields: ConsumeCardBody.extend({ cardId: Ref }),
    result: CardResult,
    http: { method: 'post', path: '/cards/:id/consume', idField: 'cardId', created: false, reply: null },
    roles: WORK,
    station: (s, c) => cardConsumer(s, c.cardId),
    summary: "Use a full container: its card returns to the supplier's Requested",
    refusals: [ErrorCode.INVALID_TRANSITION, ErrorCode.VERSION_CONFLICT],
  }),
  'loop.consume': spec({
    type: 'loop.consume',
    event: 'loop:consume',
    fields: ConsumeLoopBody.extend({ loopId: Ref }),
    result: CardResult,
    http: { method: 'post', path: '/loops/:id/consume', idField: 'loopId', created: false, reply: null },
    roles: WORK,
    station: (s, c) => loopConsumer(s, c.loopId),
    summary: "Use the loop's oldest full container",
    refusals: [ErrorCode.STARVED],
  }),
  'card.scan': spec({
    type: 'card.scan',
    event: 'card:scan',
    fields: ScanBody,
    result: CardResult.extend({ action: ScanActionSchema }),
    http: { method: 'post', path: '/scan', idField: null, created: false, reply: null },
    roles: WORK,
    station: (s, c) => (own(s.stations, c.stationId) ? c.stationId : null),
    summary:
      "A card's code scanned at a station does that station's next step: at the consuming station a full container is used; at the supplying station a requested card is started, one in progress finished",
    refusals: [ErrorCode.INVALID_TRANSITION, ErrorCode.WIP_LIMIT_REACHED, ErrorCode.STARVED],
  }),
  'card.undo': spec({
    type: 'card.undo',
    event: 'card:undo',
    fields: UndoCardBody.extend({ cardId: Ref }),
    result: CardResult,
    http: { method: 'post', path: '/cards/:id/undo', idField: 'cardId', created: false, reply: null },
    roles: WORK,
    // An undone Use leaves the card in Requested (the consumer undoes it); an undone
    // Start or Finish leaves it In Progress or Done (the supplier undoes it).
    station: (s, c) => {
      const x = own(s.cards, c.cardId);
      if (!x) return null;
      return x.column === 'requested' ? loopConsumer(s, x.loopId) : x.stationId;
    },
    summary:
      'Undo a Use, Start or Finish: the same person or device, within a minute, while the card is as the step left it; logged as card.undone',
    refusals: [ErrorCode.INVALID_TRANSITION, ErrorCode.WIP_LIMIT_REACHED],
  }),
  'andon.raise': spec({
    type: 'andon.raise',
    event: 'andon:raise',
    fields: RaiseAndonBody.extend({ stationId: Ref }),
    result: StationResult,
    http: { method: 'post', path: '/stations/:id/andon', idField: 'stationId', created: false, reply: 'station' },
    roles: WORK,
    station: (s, c) => (own(s.stations, c.stationId) ? c.stationId : null),
    summary: 'Raise an andon call (line stop, help, material) at a station; another kind replaces the one in force',
    refusals: [ErrorCode.INVALID_TRANSITION],
  }),
  'andon.clear': spec({
    type: 'andon.clear',
    event: 'andon:clear',
    fields: ClearAndonBody.extend({ stationId: Ref }),
    result: StationResult,
    http: { method: 'post', path: '/stations/:id/andon/clear', idField: 'stationId', created: false, reply: 'station' },
    roles: WORK,
    station: (s, c) => (own(s.stations, c.stationId) ? c.stationId : null),
    summary: 'Clear the andon call in force; the event log records its duration',
    refusals: [ErrorCode.INVALID_TRANSITION],
  }),
} as const;

type Table = typeof COMMANDS;
export type CommandType = keyof Table;
/** Command types in table order. */
export const COMMAND_TYPES = Object.keys(COMMANDS) as CommandType[];

/** The fields of each command (validated, after defaults). */
export type CommandFields = { [K in CommandType]: z.infer<Table[K]['fields']> };
/** What a caller may send for each command (before defaults). */
export type CommandInput = { [K in CommandType]: z.input<Table[K]['fields']> };
/** The answer of each command. */
export type CommandResults = { [K in CommandType]: z.infer<Table[K]['result']> };

/**
 * A command: its `type` and its fields. Written as an indexed mapped type so that a
 * function generic in K (`run<K>(c: Command<K>): CommandResults[K]`) keeps the pairing
 * of a command and its answer without casts.
 */
export type Command<K extends CommandType = CommandType> = { [P in K]: { type: P } & CommandFields[P] }[K];
/** The command of one type. */
export type CommandOf<K extends CommandType> = Command<K>;

/** Socket.IO event name -> command type. */
export type SocketCommandEvent = Table[CommandType]['event'];
export type CommandOfEvent<E extends SocketCommandEvent> = {
  [K in CommandType]: Table[K]['event'] extends E ? K : never;
}[CommandType];

/** Builds a command from its type and fields. */
function commandOf<K extends CommandType>(type: K, fields: CommandFields[K]): Command<K> {
  return { type, ...fields };
}

/** The table seen per key, so a function generic in K gets K's schema with K's type. */
const FIELDS: { [K in CommandType]: { fields: z.ZodType<CommandFields[K]> } } = COMMANDS;

const byEvent = new Map<string, CommandType>(COMMAND_TYPES.map((t) => [COMMANDS[t].event, t]));

/** The command an event name carries, or undefined (own table entries only). */
export function commandTypeOfEvent(event: string): CommandType | undefined {
  return byEvent.get(event);
}

/** Parses a command's fields with the table's schema; the result is typed for that command. */
export function parseCommand<K extends CommandType>(
  type: K,
  fields: unknown,
): { success: true; command: Command<K> } | { success: false; error: z.ZodError } {
  const r = FIELDS[type].fields.safeParse(fields);
  return r.success ? { success: true, command: commandOf(type, r.data) } : { success: false, error: r.error };
}

/** The table's result schemas seen per key, so K's schema comes with K's type. */
const RESULTS: { [K in CommandType]: { result: z.ZodType<CommandResults[K]> } } = COMMANDS;

/** Parses a command's answer (a stored one, or one off the wire) with the table's result schema. */
export function parseResult<K extends CommandType>(type: K, value: unknown): CommandResults[K] | undefined {
  const r = RESULTS[type].result.safeParse(value);
  return r.success ? r.data : undefined;
}
