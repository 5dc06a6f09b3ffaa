// One column of one station: a drop target with its count against its WIP limit. A
// search on the lead board filters here (the column picks the ids it shows), so the
// cards themselves never learn of it and a remote move re-renders only the cards moved.
import { memo } from 'react';
import { useDroppable } from '@dnd-kit/core';
import type { Column } from '../../../shared/names.ts';
import { useBoardStore, useShallowStore } from '../store/hooks.ts';
import { columnCardIds, columnLimit, limitState } from '../store/selectors.ts';
import type { LimitState } from '../store/selectors.ts';
import { BoardCard } from './BoardCard.tsx';
import type { CardMode } from './BoardCard.tsx';
import { columnDropId } from './BoardDnd.tsx';
import type { DndData } from './BoardDnd.tsx';
import { Icon } from './Icon.tsx';
import { useTranslations } from 'use-intl';

/** "2 / 3" with a word and an icon when the column is at or over its limit. */
function LimitBadge({ count, limit, soft }: { count: number; limit: number | null; soft: boolean }) {
  const t = useTranslations('column');
  const state: LimitState = limitState(count, limit);
  if (limit === null) {
    return (
      <span className="limit limit-none">
        {count}
        <span className="sr-only">{t('srNoLimit')}</span>
      </span>
    );
  }
  const word = state === 'over' ? t('overLimit') : state === 'at' ? t('atLimit') : null;
  return (
    <span className={`limit limit-${state}`}>
      <span className="limit-figures">
        {count} / {limit}
        <span className="sr-only">{t('srFigures')}</span>
      </span>
      {word ? (
        <span className="limit-word">
          <Icon name={state === 'over' ? 'stop' : 'warning'} />
          {word}
        </span>
      ) : null}
      {soft ? <span className="limit-soft">{t('softLimit')}</span> : null}
    </span>
  );
}

const NONE: string[] = [];

export const BoardColumn = memo(function BoardColumn({
  stationId,
  column,
  mode,
  loops = null,
}: {
  stationId: string;
  column: Column;
  mode: CardMode;
  /** Show only the cards of these loops (a search on the lead board); null shows all. */
  loops?: ReadonlySet<string> | null;
}) {
  const ids = useShallowStore((s) => columnCardIds(s.board, stationId, column));
  const filtered = useShallowStore((s) =>
    loops === null ? NONE : columnCardIds(s.board, stationId, column).filter((id) => loops.has(s.board.cards[id]?.loopId ?? '')),
  );
  const shown = loops === null ? ids : filtered;
  const { limit, soft } = useShallowStore((s) => columnLimit(s.board.stations[stationId], column));
  const stationName = useBoardStore((s) => s.board.stations[stationId]?.name ?? '');
  // Where a dragged card would land: a card id, 'end', or null when not over this column.
  const marker = useBoardStore((s) => {
    const slot = s.drag?.slot;
    if (!slot || slot.stationId !== stationId || slot.column !== column) return null;
    return slot.beforeCardId ?? 'end';
  });
  const data: DndData = { type: 'column', stationId, column };
  const { setNodeRef } = useDroppable({ id: columnDropId(stationId, column), data });
  const state = limitState(ids.length, limit);
  const t = useTranslations();
  const label = t(`common.columns.${column}`);

  return (
    <section
      ref={setNodeRef}
      className={`column column-${column} column-limit-${state}${marker ? ' is-target' : ''}`}
      data-testid={`column-${stationId}-${column}`}
      data-column={column}
      data-station={stationId}
      data-count={ids.length}
      data-shown={shown.length}
      data-limit={limit ?? ''}
      data-limit-state={state}
      aria-label={t('column.region', { station: stationName, column: label })}
    >
      <header className="column-head">
        {/* On the tablet the columns sit right under the station's h1; on the lead board, under its lane's h2. */}
        {mode === 'tablet' ? <h2>{label}</h2> : <h3>{label}</h3>}
        <LimitBadge count={ids.length} limit={limit} soft={soft} />
      </header>
      <ol className={`cards${marker === 'end' ? ' insert-end' : ''}`}>
        {shown.map((id) => (
          <li key={id} className={marker === id ? 'insert-before' : undefined}>
            <BoardCard cardId={id} mode={mode} />
          </li>
        ))}
      </ol>
      {ids.length === 0 ? (
        <p className="column-empty">{t('column.noCards')}</p>
      ) : shown.length === 0 ? (
        <p className="column-empty">{t('column.noMatching')}</p>
      ) : shown.length < ids.length ? (
        <p className="column-hidden muted small" data-testid="hidden-cards">
          {t('column.moreNotMatching', { count: ids.length - shown.length })}
        </p>
      ) : null}
    </section>
  );
});
