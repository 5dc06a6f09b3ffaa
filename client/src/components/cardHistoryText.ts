// A card's history in words: what an event did to the card ("Started", "Used by Weld")
// and who did it ("Anna, person"). Pure, so the dialog only lays it out.
import { COLUMN_LABELS, EventType, MoveKind } from '../../../shared/names.ts';
import { moveKind } from '../../../shared/rules.ts';
import type { Actor, BoardEvent } from '../../../shared/schemas.ts';

/** One line of a card's history: what happened, and an optional second line. */
export interface HistoryText {
  what: string;
  detail: string | null;
}

/** Station names for the sentences; undefined when the station is not known here. */
export type StationNames = (stationId: string) => string | undefined;

const stationName = (names: StationNames, id: string) => names(id) ?? `station ${id}`;

/** What `event` did to the card `cardId`, in plain words. */
export function describeCardEvent(event: BoardEvent, cardId: string, names: StationNames): HistoryText {
  switch (event.type) {
    case EventType.CARD_MOVED: {
      const from = COLUMN_LABELS[event.from];
      const to = COLUMN_LABELS[event.to];
      switch (moveKind(event.from, event.to)) {
        case MoveKind.START:
          return { what: 'Started', detail: `${from} → ${to}` };
        case MoveKind.FINISH:
          return { what: 'Finished', detail: `${from} → ${to}` };
        case MoveKind.STEP_BACK:
          return { what: `Stepped back to ${to}`, detail: `${from} → ${to}` };
        case MoveKind.REORDER:
          return { what: `Reordered in ${to}`, detail: null };
        case null:
          return { what: `Moved from ${from} to ${to}`, detail: null };
      }
      break;
    }
    case EventType.CARD_CONSUMED:
      return {
        what: `Used by ${stationName(names, event.consumerStationId)}`,
        detail: event.causedByCardId
          ? `Its container was used when work started there; the card went back to ${COLUMN_LABELS.requested}`
          : `Its container was used; the card went back to ${COLUMN_LABELS.requested}`,
      };
    case EventType.CARD_RETURNED:
      return {
        what: `Returned to ${COLUMN_LABELS[event.card.column]}`,
        detail: 'The start that used its container was stepped back',
      };
    case EventType.CARD_UNDONE:
      return {
        what: `Undone: back to ${COLUMN_LABELS[event.to]}`,
        detail: `The step at event ${event.undoneSeq} was undone (${COLUMN_LABELS[event.from]} → ${COLUMN_LABELS[event.to]})`,
      };
    case EventType.LOOP_RETIRED:
      return { what: 'Retired', detail: `The loop ${event.loop.partNumber} was retired; its cards left the board` };
    case EventType.STATION_REMOVED:
      return { what: `Station ${event.station.name} removed`, detail: null };
    case EventType.LOOP_CREATED: {
      const card = event.cards.find((c) => c.id === cardId);
      return {
        what: 'Created',
        detail: card
          ? `Card ${card.serial} of ${event.cards.length} in the new loop ${event.loop.partNumber}`
          : `With the loop ${event.loop.partNumber}`,
      };
    }
    case EventType.LOOP_UPDATED: {
      const added = event.addedCards.find((c) => c.id === cardId);
      if (added) return { what: 'Created', detail: `Card ${added.serial} added to the loop ${event.loop.partNumber}` };
      if (event.removedCardIds.includes(cardId)) {
        return { what: 'Removed', detail: `Taken out of the loop ${event.loop.partNumber}` };
      }
      return { what: 'Loop changed', detail: `The loop ${event.loop.partNumber} was edited` };
    }
    case EventType.STATION_CREATED:
      return { what: `Station ${event.station.name} added`, detail: null };
    case EventType.STATION_UPDATED:
      return { what: `Station ${event.station.name} changed`, detail: null };
    case EventType.ANDON_RAISED:
      return { what: `Andon raised at ${stationName(names, event.stationId)}`, detail: event.andon.note || null };
    case EventType.ANDON_CLEARED:
      return { what: `Andon cleared at ${stationName(names, event.stationId)}`, detail: null };
  }
}

const ACTOR_KIND_LABELS: Record<Actor['kind'], string> = {
  user: 'person',
  device: 'device',
  token: 'API token',
  system: 'system',
};

/** Who did it: the actor's name and what kind of actor it is. */
export function describeActor(actor: Actor): { name: string; kind: string } {
  const name = actor.name.trim() || actor.id || (actor.kind === 'system' ? 'Pullboard' : 'unknown');
  return { name, kind: ACTOR_KIND_LABELS[actor.kind] };
}

/** Events newest first (the server sends them so; a copy sorted again costs nothing). */
export function newestFirst(events: readonly BoardEvent[]): BoardEvent[] {
  return [...events].sort((a, b) => b.seq - a.seq);
}
