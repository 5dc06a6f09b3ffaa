// What the marks and colours of the lead board mean. Each sample is drawn with the same
// classes as the real mark (CardFace, BoardCard, BoardColumn, the lane, Inbound, the
// andon banner), so the legend cannot drift from what the board shows.
import type { ReactNode } from 'react';
import { useTranslations } from 'use-intl';
import { LOST_AFTER_LEAD_TIMES } from '../../../../shared/audit.ts';
import { Icon } from '../../components/Icon.tsx';

function Item({ mark, children }: { mark: ReactNode; children: ReactNode }) {
  return (
    <div className="legend-item">
      <dt>{mark}</dt>
      <dd>{children}</dd>
    </div>
  );
}

export function Legend({ id, open }: { id: string; open: boolean }) {
  const t = useTranslations();
  return (
    <section id={id} className="legend" aria-labelledby={`${id}-title`} hidden={!open} data-testid="legend">
      <h2 id={`${id}-title`} className="legend-title">
        {t('lead.legend')}
      </h2>
      <dl className="legend-list">
        <Item
          mark={
            <span className="legend-edges">
              <span className="legend-edge card-requested">{t('common.columns.requested')}</span>
              <span className="legend-edge card-in_progress">{t('common.columns.in_progress')}</span>
              <span className="legend-edge card-done">{t('common.columns.done')}</span>
            </span>
          }
        >
          {t('legend.edge')}
        </Item>
        <Item mark={<span className="serial">3 / 5</span>}>{t('legend.serial')}</Item>
        <Item
          mark={
            <span className="card-meta legend-meta">
              <span className="qty">{t('card.pcs', { qty: 8 })}</span> <span className="consumer">{t('legend.consumerSample')}</span>
            </span>
          }
        >
          {t('legend.meta')}
        </Item>
        <Item
          mark={
            <span className="age">
              <Icon name="clock" />
              {t('legend.ageSample')}
            </span>
          }
        >
          {t('legend.age')}
        </Item>
        <Item
          mark={
            <span className="age age-overdue">
              <Icon name="clock" />
              <strong>{t('card.overdue')}</strong>
            </span>
          }
        >
          {t('legend.overdue')}
        </Item>
        <Item
          mark={
            <span className="age age-lost">
              <Icon name="warning" />
              <strong>{t('card.lost')}</strong>
            </span>
          }
        >
          {t('legend.lost', { times: LOST_AFTER_LEAD_TIMES })}
        </Item>
        <Item
          mark={
            <span className="age age-full">
              <Icon name="box" />
              {t('card.full')}
            </span>
          }
        >
          {t('legend.full')}
        </Item>
        <Item
          mark={
            <span className="legend-sending">
              <span className="legend-dashed" aria-hidden="true" />
              {t('card.sending')}
            </span>
          }
        >
          {t('legend.sending')}
        </Item>
        <Item
          mark={
            <span className="sending sending-offline legend-offline">
              <Icon name="clock" />
              {t('legend.pendingWord')}
            </span>
          }
        >
          {t('legend.pending')}
        </Item>
        <Item mark={<span className="limit limit-ok">2 / 3</span>}>{t('legend.limit')}</Item>
        <Item
          mark={
            <span className="limit limit-at">
              <span className="limit-word">
                <Icon name="warning" />
                {t('column.atLimit')}
              </span>
            </span>
          }
        >
          {t('legend.atLimit')}
        </Item>
        <Item
          mark={
            <span className="limit limit-over">
              <span className="limit-word">
                <Icon name="stop" />
                {t('column.overLimit')}
              </span>
            </span>
          }
        >
          {t('legend.overLimit')}
        </Item>
        <Item mark={<span className="limit-soft">{t('column.softLimit')}</span>}>{t('legend.soft')}</Item>
        <Item
          mark={
            <span className="flag flag-starved">
              <Icon name="warning" />
              {t('lead.starved')}
            </span>
          }
        >
          {t('legend.starved')}
        </Item>
        <Item
          mark={
            <span className="flag flag-overdue">
              <Icon name="clock" />
              {t('lead.overdue', { count: 2 })}
            </span>
          }
        >
          {t('legend.stationOverdue')}
        </Item>
        <Item
          mark={
            <span className="flag flag-empty">
              <Icon name="warning" />
              {t('inbound.empty')}
            </span>
          }
        >
          {t('legend.empty')}
        </Item>
        <Item
          mark={
            <span className="legend-andons">
              <span className="legend-andon andon-stop">
                <Icon name="stop" />
                {t('common.andon.stop')}
              </span>
              <span className="legend-andon andon-help">
                <Icon name="warning" />
                {t('common.andon.help')}
              </span>
              <span className="legend-andon andon-material">
                <Icon name="box" />
                {t('common.andon.material')}
              </span>
            </span>
          }
        >
          {t('legend.andon')}
        </Item>
      </dl>
    </section>
  );
}
