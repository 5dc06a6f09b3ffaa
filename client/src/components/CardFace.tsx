// What a card says, on every screen: part number and name, "card 3 / 5", container
// quantity, the consuming station, and its age against the loop's lead time. Overdue is
// marked by an icon and the word, never by colour alone.
import { memo } from 'react';
import { Column } from '../../../shared/names.ts';
import { useBoardStore } from '../store/hooks.ts';
import { ageMinutes, overdue } from '../store/selectors.ts';
import { duration } from '../format.ts';
import { LOST_AFTER_LEAD_TIMES, minutesUntouched, possiblyLost } from '../../../shared/audit.ts';
import { Icon } from './Icon.tsx';
import { RiskMark } from './RiskMark.tsx';
import { useTranslations } from 'use-intl';

/** Age of a card against its loop's lead time; "Full" once it is done. */
const CardAge = memo(function CardAge({ cardId }: { cardId: string }) {
  const card = useBoardStore((s) => s.board.cards[cardId]);
  const lead = useBoardStore((s) => (card ? s.board.loops[card.loopId]?.leadTimeMinutes : undefined));
  // Only the minute count is selected: the card re-renders once a minute, not per tick.
  const age = useBoardStore((s) => (card ? ageMinutes(card, s.now) : null));
  const late = useBoardStore((s) => (card ? overdue(card, s.board.loops[card.loopId], s.now) : false));
  const lost = useBoardStore((s) => (card ? possiblyLost(card, s.board.loops[card.loopId], s.now) : false));
  const idle = useBoardStore((s) => (card && lost ? minutesUntouched(card, s.now) : null));
  const t = useTranslations('card');
  if (!card) return null;
  if (lost && idle !== null) {
    return (
      <span
        className="age age-lost"
        data-testid="possibly-lost"
        title={t('lostTitle', { idle: duration(idle), times: LOST_AFTER_LEAD_TIMES })}
      >
        <Icon name="warning" />
        <strong>{t('lost')}</strong> {duration(idle)}
      </span>
    );
  }
  if (card.column === Column.DONE) {
    return (
      <span className="age age-full">
        <Icon name="box" />
        {t('full')}
      </span>
    );
  }
  if (age === null || lead === undefined) return null;
  return late ? (
    <span className="age age-overdue" data-testid="overdue">
      <Icon name="clock" />
      <strong>{t('overdue')}</strong> {duration(age)} / {duration(lead)}
    </span>
  ) : (
    <span className="age" title={t('ageTitle')}>
      <Icon name="clock" />
      {duration(age)} / {duration(lead)}
    </span>
  );
});

export const CardFace = memo(function CardFace({
  cardId,
  overlay = false,
  compact = false,
}: {
  cardId: string;
  overlay?: boolean;
  /** Two lines (lead board); the tablet and the drag overlay use the roomy form. */
  compact?: boolean;
}) {
  const card = useBoardStore((s) => s.board.cards[cardId]);
  const loop = useBoardStore((s) => (card ? s.board.loops[card.loopId] : undefined));
  const consumer = useBoardStore((s) => (loop ? s.board.stations[loop.consumerStationId]?.name : undefined));
  const t = useTranslations('card');
  if (!card || !loop) return null;
  const serial = (
    <span className="serial">
      <span className="sr-only">{t('srCard')}</span>
      {card.serial} / {loop.cardCount}
    </span>
  );
  const meta = (
    <>
      <span className="qty">{t('pcs', { qty: loop.containerQty })}</span>
      <span className="consumer" title={t('consumer')}>
        → {consumer ?? '?'}
      </span>
    </>
  );
  if (compact) {
    return (
      <div className="card-face card-face-compact">
        <div className="card-line">
          <span className="part">{loop.partNumber}</span>
          {/* Gives way to the part number when space is short: the whole name on hover. */}
          <span className="part-name" title={loop.partName}>
            {loop.partName}
          </span>
          {serial}
        </div>
        <div className="card-line card-meta">
          {meta}
          <CardAge cardId={cardId} />
          <RiskMark loopId={card.loopId} cardId={card.id} variant="card" />
        </div>
      </div>
    );
  }
  return (
    <div className={`card-face${overlay ? ' card-overlay' : ''}`}>
      <div className="card-line">
        <span className="part">{loop.partNumber}</span>
        {serial}
      </div>
      {loop.partName ? <div className="part-name">{loop.partName}</div> : null}
      <div className="card-line card-meta">{meta}</div>
      <div className="card-line card-meta">
        <CardAge cardId={cardId} />
        <RiskMark loopId={card.loopId} cardId={card.id} variant="card" />
      </div>
    </div>
  );
});
