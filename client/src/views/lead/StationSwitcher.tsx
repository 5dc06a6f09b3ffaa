// On a phone the lead board shows one station at a time: this strip (sticky at the top,
// scrolling sideways) picks it, and says at a glance where there is trouble (an andon
// call, starved, overdue cards), so nothing hides behind the station not shown.
// Hidden by CSS on wider screens, where every lane shows.
import { memo, useEffect, useRef } from 'react';
import { useBoardStore } from '../../store/hooks.ts';
import { overdueCount, starvedInputIds } from '../../store/selectors.ts';
import { Icon } from '../../components/Icon.tsx';
import { useTranslations } from 'use-intl';

const StationChip = memo(function StationChip({
  stationId,
  current,
  onPick,
}: {
  stationId: string;
  current: boolean;
  onPick: (id: string) => void;
}) {
  const name = useBoardStore((s) => s.board.stations[stationId]?.name ?? '');
  const andon = useBoardStore((s) => s.board.stations[stationId]?.andon?.kind ?? null);
  const starved = useBoardStore((s) => starvedInputIds(s.board, stationId).length > 0);
  const late = useBoardStore((s) => overdueCount(s.board, stationId, s.now));
  const ref = useRef<HTMLButtonElement>(null);
  const t = useTranslations();
  useEffect(() => {
    // Keep the chosen chip in view when the strip is wider than the phone.
    if (current) ref.current?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [current]);
  const marks = [andon ? t(`common.andon.${andon}`) : null, starved ? t('search.starved') : null, late > 0 ? t('search.overdue', { count: late }) : null].filter(
    (m): m is string => m !== null,
  );
  return (
    <li>
      <button
        ref={ref}
        type="button"
        className={`station-chip${current ? ' is-current' : ''}${andon ? ` chip-andon-${andon}` : ''}`}
        aria-pressed={current}
        aria-label={marks.length > 0 ? t('search.chipMarks', { name, marks: marks.join(t('access.listSeparator')) }) : name}
        onClick={() => onPick(stationId)}
        data-testid={`station-chip-${stationId}`}
      >
        <span className="station-chip-name">{name}</span>
        {andon ? <Icon name={andon === 'stop' ? 'stop' : andon === 'help' ? 'warning' : 'box'} className="chip-mark chip-mark-andon" /> : null}
        {starved ? <Icon name="warning" className="chip-mark chip-mark-starved" /> : null}
        {late > 0 ? (
          <span className="chip-mark chip-mark-overdue">
            <Icon name="clock" />
            {late}
          </span>
        ) : null}
      </button>
    </li>
  );
});

export function StationSwitcher({
  ids,
  current,
  onPick,
}: {
  ids: readonly string[];
  current: string | null;
  onPick: (id: string) => void;
}) {
  const t = useTranslations('search');
  if (ids.length === 0) return null;
  return (
    <nav className="station-switcher" aria-label={t('stationShown')}>
      <ul>
        {ids.map((id) => (
          <StationChip key={id} stationId={id} current={id === current} onPick={onPick} />
        ))}
      </ul>
    </nav>
  );
}
