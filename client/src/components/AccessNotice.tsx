// Says plainly when this screen may only watch: a viewer anywhere, an operator on the
// lead board (only their stations' cards have buttons), or a tablet opened at a station
// the signed-in operator does not work at.
import { Role } from '../../../shared/names.ts';
import { useBoardStore } from '../store/hooks.ts';
import { andonRefusal } from '../app/access.ts';
import { Icon } from './Icon.tsx';
import { useTranslations } from 'use-intl';

/** The stations' names, "Machining, Paint". */
function useStationNames(ids: readonly string[], separator: string): string {
  return useBoardStore((s) => ids.map((id) => s.board.stations[id]?.name ?? id).join(separator));
}

export function AccessNotice({ stationId }: { stationId?: string }) {
  const role = useBoardStore((s) => s.identity.role);
  const ids = useBoardStore((s) => s.identity.stationIds);
  const t = useTranslations('access');
  const names = useStationNames(ids, t('listSeparator'));
  const here = useBoardStore((s) => (stationId === undefined ? null : andonRefusal(s.board, s.identity, stationId)));
  const station = useBoardStore((s) => (stationId === undefined ? '' : (s.board.stations[stationId]?.name ?? stationId)));
  let text: string | null = null;
  if (role === Role.VIEWER) text = t('viewer');
  else if (stationId !== undefined && here !== null) text = t('notHere', { station });
  else if (stationId === undefined && role === Role.OPERATOR) {
    text = ids.length > 0 ? t('operatorAt', { names }) : t('noStation');
  }
  if (text === null) return null;
  return (
    <p className="access-notice" role="note" data-testid="access-notice">
      <Icon name="user" /> {text}
    </p>
  );
}
