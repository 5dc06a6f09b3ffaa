// A card on the lead board or a station tablet: draggable by its face, with buttons
// for the same moves (no action hides behind hover or drag only).
import { memo, useCallback } from 'react';
import { useDraggable, useDroppable } from '@dnd-kit/core';
import { Column } from '../../../shared/names.ts';
import { useBoardStore } from '../store/hooks.ts';
import { ConnectionStatus } from '../store/store.ts';
import { overdue } from '../store/selectors.ts';
import { cardName, consumeCard, moveCard } from '../app/runtime.ts';
import { CardFace } from './CardFace.tsx';
import { cardDropId } from './BoardDnd.tsx';
import type { DndData } from './BoardDnd.tsx';
import { Icon } from './Icon.tsx';

export type CardMode = 'lead' | 'tablet';

export const BoardCard = memo(function BoardCard({ cardId, mode }: { cardId: string; mode: CardMode }) {
  const card = useBoardStore((s) => s.board.cards[cardId]);
  const name = useBoardStore((s) => cardName(s.board, cardId));
  const late = useBoardStore((s) => (card ? overdue(card, s.board.loops[card.loopId], s.now) : false));
  const sending = useBoardStore((s) => s.pending.some((p) => p.cardId === cardId && p.ackSeq === null));
  const live = useBoardStore((s) => s.connection.status === ConnectionStatus.LIVE);
  const stationId = card?.stationId ?? '';
  const column = card?.column ?? Column.REQUESTED;
  const data: DndData = { type: 'card', cardId, stationId, column };
  const drag = useDraggable({ id: cardId, data });
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
      className={`card card-${mode} card-${column}${late ? ' is-overdue' : ''}${drag.isDragging ? ' is-dragging' : ''}${sending ? ' is-sending' : ''}`}
      data-testid={`card-${cardId}`}
      data-card-id={cardId}
      data-column={column}
      data-station={stationId}
      data-overdue={late ? 'true' : 'false'}
      data-pending={sending ? 'true' : 'false'}
    >
      <div
        ref={drag.setActivatorNodeRef}
        className="card-handle"
        {...drag.attributes}
        {...drag.listeners}
        aria-roledescription="draggable card"
        aria-label={`${name}${late ? ', overdue' : ''}`}
      >
        <CardFace cardId={cardId} compact={mode === 'lead'} />
        {sending && live ? (
          <span className="sending" aria-hidden="true" data-testid="pending-note">
            Sending…
          </span>
        ) : null}
        {sending && !live && mode === 'tablet' ? <WaitingNote /> : null}
      </div>
      <div className="card-actions">
        {column === Column.REQUESTED ? (
          <button type="button" className={`btn btn-go${big}`} onClick={start} aria-label={`Start ${name}`}>
            <Icon name="play" /> Start
          </button>
        ) : null}
        {column === Column.IN_PROGRESS ? (
          <button type="button" className={`btn btn-go${big}`} onClick={finish} aria-label={`Finish ${name}`}>
            <Icon name="flag" /> Finish
          </button>
        ) : null}
        {mode === 'lead' && column === Column.DONE ? (
          <button type="button" className="btn btn-small" onClick={use} aria-label={`Use ${name}`}>
            <Icon name="use" /> Use
          </button>
        ) : null}
        {mode === 'lead' && column !== Column.REQUESTED ? (
          <button type="button" className="btn btn-small btn-quiet" onClick={stepBack} aria-label={`Step back ${name}`}>
            <Icon name="back" /> Step back
          </button>
        ) : null}
      </div>
      {/* On the two-column lead card, a strip across the whole card. */}
      {sending && !live && mode === 'lead' ? <WaitingNote /> : null}
    </article>
  );
});

/** A move on this card waits for the connection (kept on the device until sent). */
function WaitingNote() {
  return (
    <span className="sending sending-offline" data-testid="pending-note">
      <Icon name="clock" />
      Pending — will be sent when back online
    </span>
  );
}
