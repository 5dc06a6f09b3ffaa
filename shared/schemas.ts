// zod schemas for everything that crosses a boundary; the TypeScript types are derived
// from them (`z.infer`), so a type can never promise more than validation checks.
import { z } from 'zod';
import { AndonKind, Column, EventType, Limits, StationKind } from './names.ts';
import { freeText, nameText } from './text.ts';

const values = <T extends Record<string, string>>(o: T) =>
  Object.values(o) as [T[keyof T], ...T[keyof T][]];

export const Id = z.string().min(1).max(Limits.ID);
/**
 * A reference to a station, loop or card in a request. Any string: one that matches
 * nothing, whatever its form (empty, too long, odd characters), is NOT_FOUND (api.md),
 * decided by the lookup, not by validation. The body size limit bounds its length.
 */
export const Ref = z.string();
const ColumnSchema = z.enum(values(Column));
export const StationKindSchema = z.enum(values(StationKind));
const Name = nameText(Limits.NAME);
const Count = (max: number) => z.number().int().min(0).max(max);
const Timestamp = z.string();

// ---------------------------------------------------------------- entities

const WipLimitsSchema = z.object({
  inProgress: Count(Limits.MAX_WIP_LIMIT).nullable(),
  done: Count(Limits.MAX_WIP_LIMIT).nullable(),
});
export type WipLimits = z.infer<typeof WipLimitsSchema>;

/** A soft limit is allowed to be exceeded; the column is only flagged. */
const SoftLimitsSchema = z.object({ inProgress: z.boolean(), done: z.boolean() });
export type SoftLimits = z.infer<typeof SoftLimitsSchema>;

const AndonKindSchema = z.enum(values(AndonKind));

/** An andon call in force at a station, shown on every screen until it is cleared. */
const AndonSchema = z.object({
  kind: AndonKindSchema,
  note: z.string(),
  raisedAt: Timestamp,
  raisedBy: z.string(),
});
export type Andon = z.infer<typeof AndonSchema>;

export const StationSchema = z.object({
  id: Id,
  name: Name,
  kind: StationKindSchema,
  position: z.number().int().min(0),
  wipLimits: WipLimitsSchema,
  softLimits: SoftLimitsSchema,
  /** The andon call in force, or null. */
  andon: AndonSchema.nullable(),
});
export type Station = z.infer<typeof StationSchema>;

export const LoopSchema = z.object({
  id: Id,
  partNumber: z.string(),
  partName: z.string(),
  supplierStationId: Id,
  consumerStationId: Id,
  cardCount: z.number().int(),
  containerQty: z.number().int(),
  leadTimeMinutes: z.number(),
  inputLoopIds: z.array(Id),
});
export type Loop = z.infer<typeof LoopSchema>;

export const CardSchema = z.object({
  id: Id,
  /** The printable code its QR code holds (shared/cardCode.ts), unique in the plant. */
  code: z.string(),
  loopId: Id,
  /** 1-based number of the card in its loop: "card 3 of 5". */
  serial: z.number().int().min(1),
  /** The supplying station whose board shows the card. */
  stationId: Id,
  column: ColumnSchema,
  /** Increases by one with every change to the card (optimistic concurrency). */
  version: z.number().int().min(1),
  /** Replenishment cycles completed: increases by one at each consumption. */
  cycle: z.number().int().min(0),
  /** Fractional ordering key inside its column (plain string comparison). */
  rank: z.string(),
  /** When and at which event seq the card entered its current column. */
  enteredAt: Timestamp,
  enteredSeq: z.number().int().min(0),
  /** When the current cycle's replenishment signal was emitted (null while never consumed). */
  requestedAt: Timestamp.nullable(),
});
export type Card = z.infer<typeof CardSchema>;

// ---------------------------------------------------------------- command bodies (HTTP)

/** A limit a person sets: 0 would lock the column for good, so it is refused; null is "no limit". */
const WipLimitInput = z
  .number()
  .int()
  .min(1, { message: 'a WIP limit of 0 would lock the column: leave it empty for no limit' })
  .max(Limits.MAX_WIP_LIMIT);
const WipLimitsPatch = z.strictObject({
  inProgress: WipLimitInput.nullable().optional(),
  done: WipLimitInput.nullable().optional(),
});
const SoftLimitsPatch = z.strictObject({
  inProgress: z.boolean().optional(),
  done: z.boolean().optional(),
});

export const CreateStationBody = z.strictObject({
  name: Name,
  kind: StationKindSchema.optional(),
  wipLimits: WipLimitsPatch.optional(),
  softLimits: SoftLimitsPatch.optional(),
});
export const UpdateStationBody = z.strictObject({
  name: Name.optional(),
  /** A station created with the wrong kind is corrected; it moves to where that kind stands. */
  kind: StationKindSchema.optional(),
  wipLimits: WipLimitsPatch.optional(),
  softLimits: SoftLimitsPatch.optional(),
  /** New 0-based place in the value stream; the others shift to make room. */
  position: z.number().int().min(0).max(Limits.MAX_STATIONS).optional(),
});

const LeadTime = z.number().min(Limits.MIN_LEAD_TIME_MINUTES).max(Limits.MAX_LEAD_TIME_MINUTES);
const CardCount = z.number().int().min(1).max(Limits.MAX_CARDS_PER_LOOP);
const ContainerQty = z.number().int().min(1).max(Limits.MAX_CONTAINER_QTY);
const InputLoopIds = z.array(Ref).max(Limits.MAX_INPUT_LOOPS);

export const CreateLoopBody = z.strictObject({
  partNumber: nameText(Limits.PART_NUMBER),
  partName: freeText(Limits.PART_NAME).optional(),
  supplierStationId: Ref,
  consumerStationId: Ref,
  cardCount: CardCount,
  containerQty: ContainerQty,
  leadTimeMinutes: LeadTime,
  inputLoopIds: InputLoopIds.optional(),
});
export const UpdateLoopBody = z.strictObject({
  partName: freeText(Limits.PART_NAME).optional(),
  cardCount: CardCount.optional(),
  containerQty: ContainerQty.optional(),
  leadTimeMinutes: LeadTime.optional(),
  inputLoopIds: InputLoopIds.optional(),
});

export const MoveCardBody = z.strictObject({
  to: ColumnSchema,
  /** Place the card just before this card of the target column; absent = at the end. */
  beforeCardId: Ref.nullable().optional(),
  expectedVersion: z.number().int().min(1).optional(),
});
export const ConsumeCardBody = z.strictObject({
  expectedVersion: z.number().int().min(1).optional(),
});
export const ConsumeLoopBody = z.strictObject({});
/** Undo of a Use, Start or Finish: the card's version that the action left. */
export const UndoCardBody = z.strictObject({
  version: z.number().int().min(1),
});
export const RetireLoopBody = z.strictObject({});
export const RemoveStationBody = z.strictObject({});
export const RaiseAndonBody = z.strictObject({
  kind: AndonKindSchema,
  note: freeText(Limits.ANDON_NOTE).optional(),
});
export const ClearAndonBody = z.strictObject({});
/** A scanned card code at a station (POST /api/scan). */
export const ScanBody = z.strictObject({
  /** As the scanner typed it: case, spaces and dashes do not matter. */
  code: z.string().max(64),
  stationId: Ref,
});
export const ScanActionSchema = z.enum(['consume', 'start', 'finish']);
export type ScanAction = z.infer<typeof ScanActionSchema>;

export const EventsQuery = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).default(500).transform((n) => Math.min(n, 1000)),
});

// ---------------------------------------------------------------- events

/** Who caused an event: a user, a paired device, an API token, or the system itself. */
export const ActorSchema = z.object({
  kind: z.enum(['user', 'device', 'token', 'system']),
  id: z.string(),
  name: z.string(),
});
export type Actor = z.infer<typeof ActorSchema>;

const EventBase = {
  seq: z.number().int().min(1),
  at: Timestamp,
  actor: ActorSchema,
};

export const BoardEventSchema = z.discriminatedUnion('type', [
  z.object({ ...EventBase, type: z.literal(EventType.STATION_CREATED), station: StationSchema }),
  z.object({ ...EventBase, type: z.literal(EventType.STATION_UPDATED), station: StationSchema }),
  z.object({
    ...EventBase,
    type: z.literal(EventType.LOOP_CREATED),
    loop: LoopSchema,
    cards: z.array(CardSchema),
  }),
  z.object({
    ...EventBase,
    type: z.literal(EventType.LOOP_UPDATED),
    loop: LoopSchema,
    addedCards: z.array(CardSchema),
    removedCardIds: z.array(Id),
  }),
  z.object({
    ...EventBase,
    type: z.literal(EventType.CARD_MOVED),
    cardId: Id,
    loopId: Id,
    from: ColumnSchema,
    to: ColumnSchema,
    card: CardSchema,
  }),
  z.object({
    ...EventBase,
    type: z.literal(EventType.CARD_CONSUMED),
    cardId: Id,
    loopId: Id,
    /** The station that used the container. */
    consumerStationId: Id,
    /** Set when the consumption was caused by starting this card downstream (cascade). */
    causedByCardId: Id.nullable(),
    card: CardSchema,
  }),
  z.object({
    ...EventBase,
    type: z.literal(EventType.CARD_RETURNED),
    cardId: Id,
    loopId: Id,
    /** The card whose start used this container and was stepped back. */
    returnedByCardId: Id,
    card: CardSchema,
  }),
  z.object({
    ...EventBase,
    type: z.literal(EventType.CARD_UNDONE),
    cardId: Id,
    loopId: Id,
    /** The seq of the Use, Start or Finish this undoes. */
    undoneSeq: z.number().int().min(1),
    from: ColumnSchema,
    to: ColumnSchema,
    card: CardSchema,
  }),
  z.object({
    ...EventBase,
    type: z.literal(EventType.LOOP_RETIRED),
    /** The loop as it was; it and its cards leave the board, their history stays in the log. */
    loop: LoopSchema,
    removedCardIds: z.array(Id),
  }),
  z.object({
    ...EventBase,
    type: z.literal(EventType.STATION_REMOVED),
    /** The station as it was (it had no loops left). */
    station: StationSchema,
  }),
  z.object({
    ...EventBase,
    type: z.literal(EventType.ANDON_RAISED),
    stationId: Id,
    andon: AndonSchema,
  }),
  z.object({
    ...EventBase,
    type: z.literal(EventType.ANDON_CLEARED),
    stationId: Id,
    /** The call that ended, and how long it was in force. */
    andon: AndonSchema,
    durationSeconds: z.number().min(0),
  }),
]);
export type BoardEvent = z.infer<typeof BoardEventSchema>;
export type BoardEventOf<T extends BoardEvent['type']> = Extract<BoardEvent, { type: T }>;

export const BoardSnapshotSchema = z.object({
  seq: z.number().int().min(0),
  stations: z.array(StationSchema),
  loops: z.array(LoopSchema),
  cards: z.array(CardSchema),
});
export type BoardSnapshot = z.infer<typeof BoardSnapshotSchema>;

export const ApiErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type ApiError = z.infer<typeof ApiErrorSchema>;
