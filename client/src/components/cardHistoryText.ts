// A card's history in words: what an event did to the card ("Started", "Used by Weld")
// and who did it ("Anna, person"), in this screen's language. Pure but for the language,
// so the dialog only lays it out.
import { Column, EventType, MoveKind } from '../../../shared/names.ts';
import { tr } from '../i18n/store.ts';
import { moveKind } from '../../../shared/rules.ts';
import type { Actor, BoardEvent } from '../../../shared/schemas.ts';

/** One line of a card's history: what happened, and an optional second line. */
export interface HistoryText {
  what: string;
  detail: string | null;
}

/** Station names for the sentences; undefined when the station is not known here. */
export type StationNames = (stationId: string) => string | undefined;

const stationName = (names: StationNames, id: string) => names(id) ?? tr()('history.stationId', { id });

/** What `event` did to the card `cardId`, in plain words (this screen's language). */
export function describeCardEvent(event: BoardEvent, cardId: string, names: StationNames): HistoryText {
  const t = tr();
  const col = (c: Column) => t(`common.columns.${c}`);
  switch (event.type) {
    case EventType.CARD_MOVED: {
      const from = col(event.from);
      const to = col(event.to);
      const detail = t('history.fromTo', { from, to });
      switch (moveKind(event.from, event.to)) {
        case MoveKind.START:
          return { what: t('history.started'), detail };
        case MoveKind.FINISH:
          return { what: t('history.finished'), detail };
        case MoveKind.STEP_BACK:
          return { what: t('history.steppedBack', { to }), detail };
        case MoveKind.REORDER:
          return { what: t('history.reordered', { to }), detail: null };
        case null:
          return { what: t('history.moved', { from, to }), detail: null };
      }
      break;
    }
    case EventType.CARD_CONSUMED:
      return {
        what: t('history.usedBy', { station: stationName(names, event.consumerStationId) }),
        detail: event.causedByCardId
          ? t('history.usedByStart', { column: col(Column.REQUESTED) })
          : t('history.usedDetail', { column: col(Column.REQUESTED) }),
      };
    case EventType.CARD_RETURNED:
      return { what: t('history.returned', { column: col(event.card.column) }), detail: t('history.returnedDetail') };
    case EventType.CARD_UNDONE:
      return {
        what: t('history.undone', { to: col(event.to) }),
        detail: t('history.undoneDetail', { seq: event.undoneSeq, from: col(event.from), to: col(event.to) }),
      };
    case EventType.LOOP_RETIRED:
      return { what: t('history.retired'), detail: t('history.retiredDetail', { part: event.loop.partNumber }) };
    case EventType.STATION_REMOVED:
      return { what: t('history.stationRemoved', { name: event.station.name }), detail: null };
    case EventType.LOOP_CREATED: {
      const card = event.cards.find((c) => c.id === cardId);
      return {
        what: t('history.created'),
        detail: card
          ? t('history.createdCard', { serial: card.serial, count: event.cards.length, part: event.loop.partNumber })
          : t('history.createdWith', { part: event.loop.partNumber }),
      };
    }
    case EventType.LOOP_UPDATED: {
      const added = event.addedCards.find((c) => c.id === cardId);
      if (added) return { what: t('history.created'), detail: t('history.added', { serial: added.serial, part: event.loop.partNumber }) };
      if (event.removedCardIds.includes(cardId)) {
        return { what: t('history.removed'), detail: t('history.removedDetail', { part: event.loop.partNumber }) };
      }
      return { what: t('history.loopChanged'), detail: t('history.loopChangedDetail', { part: event.loop.partNumber }) };
    }
    case EventType.STATION_CREATED:
      return { what: t('history.stationAdded', { name: event.station.name }), detail: null };
    case EventType.STATION_UPDATED:
      return { what: t('history.stationChanged', { name: event.station.name }), detail: null };
    case EventType.ANDON_RAISED:
      return { what: t('history.andonRaised', { station: stationName(names, event.stationId) }), detail: event.andon.note || null };
    case EventType.ANDON_CLEARED:
      return { what: t('history.andonCleared', { station: stationName(names, event.stationId) }), detail: null };
  }
}

/** Who did it: the actor's name and what kind of actor it is. */
export function describeActor(actor: Actor): { name: string; kind: string } {
  const t = tr();
  const name = actor.name.trim() || actor.id || (actor.kind === 'system' ? t('common.appName') : t('history.unknown'));
  return { name, kind: t(`history.actorKinds.${actor.kind}`) };
}

/** Events newest first (the server sends them so; a copy sorted again costs nothing). */
export function newestFirst(events: readonly BoardEvent[]): BoardEvent[] {
  return [...events].sort((a, b) => b.seq - a.seq);
}
