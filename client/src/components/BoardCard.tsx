// A card on the lead board or a station tablet: draggable by its face, with buttons
// for the same moves (no action hides behind hover or drag only).
import { lazy, memo, Suspense, useCallback, useState } from 'react';
import { useDraggable, useDroppable } from '@dnd-kit/core';
import { Column } from '../../../shared/names.ts';
import { useBoardStore } from '../store/hooks.ts';
import { ConnectionStatus } from '../store/store.ts';
import { overdue } from '../store/selectors.ts';
import { cardName, consumeCard, moveCard } from '../app/runtime.ts';
import { cardMoveRefusal, cardUseRefusal } from '../app/access.ts';
import { canStepBack } from '../../../shared/rules.ts';
import { CardFace } from './CardFace.tsx';
import { cardDropId } from './BoardDnd.tsx';
import type { DndData } from './BoardDnd.tsx';
import { Icon } from './Icon.tsx';
import { useTranslations } from 'use-intl';

export type CardMode = 'lead' | 'tablet';

// The history dialog is loaded when a lead first opens it (not in the tablets' bundle path).
const CardHistory = lazy(() => import('./CardHistory.tsx').then((m) => ({ default: m.CardHistory })));

export const BoardCard = memo(function BoardCard({ cardId, mode }: { cardId: string; mode: CardMode }) {
  const card = useBoardStore((s) => s.board.cards[cardId]);
  const name = useBoardStore((s) => cardName(s.board, cardId));
  const late = useBoardStore((s) => (card ? overdue(card, s.board.loops[card.loopId], s.now) : false));
  const sending = useBoardStore((s) => s.pending.some((p) => p.cardId === cardId && p.ackSeq === null));
  const live = useBoardStore((s) => s.connection.status === ConnectionStatus.LIVE);
  // What this screen's identity may do with the card (the server's rule, asked here).
  const mayMove = useBoardStore((s) => cardMoveRefusal(s.board, s.identity, cardId) === null);
  const mayUse = useBoardStore((s) => cardUseRefusal(s.board, s.identity, cardId) === null);
  const mayStepBack = useBoardStore((s) => canStepBack(s.identity.role));
  const [history, setHistory] = useState(false);
  const t = useTranslations('card');
  const stationId = card?.stationId ?? '';
  const column = card?.column ?? Column.REQUESTED;
  const data: DndData = { type: 'card', cardId, stationId, column };
  const drag = useDraggable({ id: cardId, data, disabled: !mayMove });
  const drop = useDroppable({ id: cardDropId(cardId), data });
  const setRef = useCallback(
    (node: HTMLElement | null) => {
      drag.setNodeRef(node);
      drop.setNodeRef(node);
    },
    [drag.setNodeRef, drop.setNodeRef],
  );
  if (!card) return null;

  const start = () => void moveCard(cardId, Column.IN_PROGRESS);
  const finish = () => void moveCard(cardId, Column.DONE);
  const stepBack = () => void moveCard(cardId, column === Column.DONE ? Column.IN_PROGRESS : Column.REQUESTED);
  const use = () => void consumeCard(cardId);
  const big = mode === 'tablet' ? ' btn-big' : ' btn-small';

  return (
    <article
      ref={setRef}
      className={`card card-${mode} card-${column}${mayMove ? '' : ' is-readonly'}${late ? ' is-overdue' : ''}${drag.isDragging ? ' is-dragging' : ''}${sending ? ' is-sending' : ''}`}
      data-testid={`card-${cardId}`}
      data-card-id={cardId}
      data-column={column}
      data-station={stationId}
      data-overdue={late ? 'true' : 'false'}
      data-pending={sending ? 'true' : 'false'}
      data-movable={mayMove ? 'true' : 'false'}
    >
      <div
        ref={drag.setActivatorNodeRef}
        className="card-handle"
        {...drag.attributes}
        {...drag.listeners}
        aria-roledescription={t('draggable')}
        aria-label={late ? t('nameOverdue', { name }) : name}
      >
        <CardFace cardId={cardId} compact={mode === 'lead'} />
        {sending && live ? (
          <span className="sending" aria-hidden="true" data-testid="pending-note">
            {t('sending')}
          </span>
        ) : null}
        {sending && !live && mode === 'tablet' ? <WaitingNote /> : null}
      </div>
      <div className="card-actions">
        {mayMove && column === Column.REQUESTED ? (
          <button type="button" className={`btn btn-go${big}`} onClick={start} aria-label={t('startName', { name })}>
            <Icon name="play" /> {t('start')}
          </button>
        ) : null}
        {mayMove && column === Column.IN_PROGRESS ? (
          <button type="button" className={`btn btn-go${big}`} onClick={finish} aria-label={t('finishName', { name })}>
            <Icon name="flag" /> {t('finish')}
          </button>
        ) : null}
        {mayUse && mode === 'lead' && column === Column.DONE ? (
          <button type="button" className="btn btn-small" onClick={use} aria-label={t('useName', { name })}>
            <Icon name="use" /> {t('use')}
          </button>
        ) : null}
        {mayMove && mayStepBack && mode === 'lead' && column !== Column.REQUESTED ? (
          <button type="button" className="btn btn-small btn-quiet" onClick={stepBack} aria-label={t('stepBackName', { name })}>
            <Icon name="back" /> {t('stepBack')}
          </button>
        ) : null}
        {mode === 'lead' ? (
          <button
            type="button"
            className="btn btn-small btn-quiet card-history-btn"
            onClick={() => setHistory(true)}
            aria-label={t('historyOf', { name })}
            title={t('history')}
          >
            <Icon name="history" />
          </button>
        ) : null}
      </div>
      {history ? (
        <Suspense fallback={null}>
          <CardHistory cardId={cardId} onClose={() => setHistory(false)} />
        </Suspense>
      ) : null}
      {/* On the two-column lead card, a strip across the whole card. */}
      {sending && !live && mode === 'lead' ? <WaitingNote /> : null}
    </article>
  );
});

/** A move on this card waits for the connection (kept on the device until sent). */
function WaitingNote() {
  const t = useTranslations('card');
  return (
    <span className="sending sending-offline" data-testid="pending-note">
      <Icon name="clock" />
      {t('waiting')}
    </span>
  );
}
