// What a screen reader hears after a step is done: one polite live region for the whole
// app (components/Announcer.tsx, mounted once in App.tsx), so a Use, Start or Finish made
// by a tap, a drag or a scan is spoken once, with what it set off ("Started MC-3105 card
// 1 of 4; used one full container of RM-E355-T80."). Refusals are not spoken here: the
// alert region and the refused list already say them (role="alert").
import { createStore } from 'zustand/vanilla';
import { EventType, MoveKind } from '../../../shared/names.ts';
import { tr } from '../i18n/store.ts';
import { decide, moveKind } from '../../../shared/rules.ts';
import type { BoardState } from '../../../shared/board.ts';
import type { OptimisticCommand } from '../store/optimistic.ts';
import type { Identity } from '../store/store.ts';

export interface Announcement {
  /** A new id for every message, so the same words said twice are heard twice. */
  id: number;
  text: string;
}

export const announcerStore = createStore<{ message: Announcement | null }>(() => ({ message: null }));

let nextId = 1;

/** Says `text` politely (after whatever the screen reader is reading now). */
export function announce(text: string): void {
  announcerStore.setState({ message: { id: nextId++, text } });
}

/** "MC-3105 card 1 of 4": the card's name as it is spoken ("1 / 4" would be read "1 slash 4"). */
export function spokenCardName(board: BoardState, cardId: string): string {
  const c = board.cards[cardId];
  const l = c ? board.loops[c.loopId] : undefined;
  if (!c || !l) return tr()('announce.aCard');
  return tr()('announce.spokenCard', { part: l.partNumber, serial: c.serial, count: l.cardCount });
}

/** "one full container of A", "one full container of A and one of B", "… of A, one of B and one of C". */
function containersUsed(parts: readonly string[]): string {
  const [first, ...rest] = parts;
  if (first === undefined) return '';
  const t = tr();
  const others = rest.map((part) => t('announce.oneOf', { part }));
  const last = others.at(-1) ?? '';
  const tail =
    others.length === 0 ? '' : others.length === 1 ? t('announce.and', { last }) : t('announce.listAnd', { items: others.slice(0, -1).join(', '), last });
  return t('announce.containers', { first, rest: tail });
}

/**
 * What to say once `command` is done, worked out on the board as this screen shows it
 * before the command is sent (the shared rules, so the cascade of a Start is the one the
 * server will run). Null for what is not a step (a reorder: the drag says where it went)
 * and for what the rules refuse here (the server's answer decides and says why).
 */
export function spokenStep(board: BoardState, command: OptimisticCommand, who: Identity): string | null {
  let decision;
  try {
    decision = decide(board, command, {
      now: new Date().toISOString(),
      actor: { kind: who.kind, id: who.id, name: who.name },
      role: who.role,
      stationIds: who.stationIds,
      newId: () => 'pending',
    });
  } catch {
    return null;
  }
  const cardId = decision.result.card.id;
  const name = spokenCardName(board, cardId);
  if (command.type === 'card.move') {
    const before = board.cards[cardId];
    const kind = before ? moveKind(before.column, command.to) : null;
    if (kind === MoveKind.START) {
      // The Start's cascade: each input loop's oldest full container is used.
      const parts = decision.events.flatMap((e) =>
        e.type === EventType.CARD_CONSUMED && e.causedByCardId === cardId ? [board.loops[e.loopId]?.partNumber ?? tr()('announce.anInput')] : [],
      );
      return parts.length === 0 ? tr()('announce.started', { name }) : tr()('announce.startedUsed', { name, containers: containersUsed(parts) });
    }
    const column = tr()(`common.columns.${command.to}`);
    if (kind === MoveKind.FINISH) return tr()('announce.finished', { name, column });
    if (kind === MoveKind.STEP_BACK) return tr()('announce.steppedBack', { name, column });
    return null;
  }
  // A Use: the container's card goes back to its supplier as the signal to make more.
  const loop = board.loops[decision.result.card.loopId];
  const supplier = loop ? board.stations[loop.supplierStationId]?.name : undefined;
  return tr()('announce.used', { name, supplier: supplier ?? tr()('announce.itsSupplier') });
}
