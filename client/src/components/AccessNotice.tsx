// Says plainly when this screen may only watch: a viewer anywhere, an operator on the
// lead board (only their stations' cards have buttons), or a tablet opened at a station
// the signed-in operator does not work at.
import { Role } from '../../../shared/names.ts';
import { useBoardStore } from '../store/hooks.ts';
import { andonRefusal } from '../app/access.ts';
import { Icon } from './Icon.tsx';

/** The stations' names, "Machining, Paint". */
function useStationNames(ids: readonly string[]): string {
  return useBoardStore((s) => ids.map((id) => s.board.stations[id]?.name ?? id).join(', '));
}

export function AccessNotice({ stationId }: { stationId?: string }) {
  const role = useBoardStore((s) => s.identity.role);
  const ids = useBoardStore((s) => s.identity.stationIds);
  const names = useStationNames(ids);
  const here = useBoardStore((s) => (stationId === undefined ? null : andonRefusal(s.board, s.identity, stationId)));
  let text: string | null = null;
  if (role === Role.VIEWER) text = 'Read-only: signed in as a viewer, this screen only watches the board.';
  else if (stationId !== undefined && here !== null) text = `Read-only here. ${here}.`;
  else if (stationId === undefined && role === Role.OPERATOR) {
    text = ids.length > 0 ? `You work at ${names}: only their cards and calls have buttons here.` : 'You are bound to no station: this board is read-only for you.';
  }
  if (text === null) return null;
  return (
    <p className="access-notice" role="note" data-testid="access-notice">
      <Icon name="user" /> {text}
    </p>
  );
}
