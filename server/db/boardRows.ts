// The board's tables as both backends read them: rows into stations, loops, cards and
// events. SQLite stores a flag as 0/1 and PostgreSQL as a boolean (see accountRows.ts).
import { cardCode } from '../../shared/cardCode.ts';
import { BoardEventSchema } from '../../shared/schemas.ts';
import type { BoardEvent, Card, Loop, Station } from '../../shared/schemas.ts';
import type { Flag } from './accountRows.ts';

export interface StationRow<F extends Flag> {
  id: string;
  name: string;
  kind: Station['kind'];
  position: number;
  wip_in_progress: number | null;
  wip_done: number | null;
  soft_in_progress: F;
  soft_done: F;
  andon: string | null;
}
export interface LoopRow {
  id: string;
  part_number: string;
  part_name: string;
  supplier_station_id: string;
  consumer_station_id: string;
  card_count: number;
  container_qty: number;
  lead_time_minutes: number;
}
export interface CardRow {
  id: string;
  loop_id: string;
  serial: number;
  station_id: string;
  col: Card['column'];
  version: number;
  cycle: number;
  rank: string;
  entered_at: string;
  entered_seq: number;
  requested_at: string | null;
}
export interface EventRow {
  seq: number;
  type: string;
  at: string;
  actor: string;
  data: string;
}

export function stationFromRow(r: StationRow<Flag>): Station {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    position: r.position,
    wipLimits: { inProgress: r.wip_in_progress, done: r.wip_done },
    softLimits: { inProgress: r.soft_in_progress === true || r.soft_in_progress === 1, done: r.soft_done === true || r.soft_done === 1 },
    andon: r.andon === null ? null : (JSON.parse(r.andon) as Station['andon']),
  };
}

export function loopFromRow(r: LoopRow, inputLoopIds: string[]): Loop {
  return {
    id: r.id,
    partNumber: r.part_number,
    partName: r.part_name,
    supplierStationId: r.supplier_station_id,
    consumerStationId: r.consumer_station_id,
    cardCount: r.card_count,
    containerQty: r.container_qty,
    leadTimeMinutes: r.lead_time_minutes,
    inputLoopIds,
  };
}

export function cardFromRow(r: CardRow): Card {
  return {
    id: r.id,
    code: cardCode(r.id),
    loopId: r.loop_id,
    serial: r.serial,
    stationId: r.station_id,
    column: r.col,
    version: r.version,
    cycle: r.cycle,
    rank: r.rank,
    enteredAt: r.entered_at,
    enteredSeq: r.entered_seq,
    requestedAt: r.requested_at,
  };
}

/**
 * Event rows keep the envelope in columns and the rest as JSON; the actor column holds
 * the actor as JSON. A row is read back through the event schema, so what leaves the
 * log is what the types say (a damaged row throws instead of travelling on).
 */
export function eventFromRow(r: EventRow): BoardEvent {
  const data: unknown = JSON.parse(r.data);
  const fields = typeof data === 'object' && data !== null ? data : {};
  return BoardEventSchema.parse(withCardCodes({ ...fields, seq: r.seq, type: r.type, at: r.at, actor: JSON.parse(r.actor) }));
}

/**
 * Events logged before cards had codes carry cards without one: each gets its code,
 * which is a function of its id (shared/cardCode.ts), so the event reads as if it had
 * been written today.
 */
function withCardCodes(e: Record<string, unknown>): Record<string, unknown> {
  const coded = (c: unknown): unknown =>
    typeof c === 'object' && c !== null && !('code' in c) && 'id' in c && typeof c.id === 'string' ? { ...c, code: cardCode(c.id) } : c;
  const out = { ...e };
  if ('card' in out) out.card = coded(out.card);
  for (const key of ['cards', 'addedCards'] as const) {
    const list = out[key];
    if (Array.isArray(list)) out[key] = list.map(coded);
  }
  return out;
}
