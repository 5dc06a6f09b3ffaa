// Who may do what on this screen: the shared rule (shared/access.ts, the same table the
// server authorises from) asked for the screen's identity, so controls a role or station
// cannot use are hidden or say why, instead of being refused after a tap.
import { authorize, roleMay } from '../../../shared/access.ts';
import type { BoardState } from '../../../shared/board.ts';
import type { Command, CommandType } from '../../../shared/commands.ts';
import { DomainError } from '../../../shared/errors.ts';
import { Column } from '../../../shared/names.ts';
import type { Identity } from '../store/store.ts';
import { useBoardStore } from '../store/hooks.ts';

/** Null when `who` may run `command` on this board, else the reason (the server's words). */
export function refusalOf(board: BoardState, who: Identity, command: Command): string | null {
  try {
    authorize(board, command, who);
    return null;
  } catch (e) {
    return e instanceof DomainError ? e.message : 'Not allowed';
  }
}

/** Null when the screen may start, finish or reorder this card (its station's work). */
export function cardMoveRefusal(board: BoardState, who: Identity, cardId: string): string | null {
  return refusalOf(board, who, { type: 'card.move', cardId, to: Column.IN_PROGRESS });
}

/** Null when the screen may use this full container (at the loop's consuming station). */
export function cardUseRefusal(board: BoardState, who: Identity, cardId: string): string | null {
  return refusalOf(board, who, { type: 'card.consume', cardId });
}

/** Null when the screen may use the loop's containers (at its consuming station). */
export function loopUseRefusal(board: BoardState, who: Identity, loopId: string): string | null {
  return refusalOf(board, who, { type: 'loop.consume', loopId });
}

/** Null when the screen may raise and clear andon calls at this station. */
export function andonRefusal(board: BoardState, who: Identity, stationId: string): string | null {
  return refusalOf(board, who, { type: 'andon.raise', stationId, kind: 'stop' });
}

/** Whether the role may run this kind of command at all. */
export function useRoleMay(type: CommandType): boolean {
  return useBoardStore((s) => roleMay(s.identity.role, type));
}

