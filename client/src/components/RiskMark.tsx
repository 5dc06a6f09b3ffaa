// The live risk of one loop, where a loop is shown (tablet and lead board inbound lists,
// a card face) and the most urgent one of a station on the TV: "Out in 1 h 20 min",
// "Demand spike ×1.8", "Single source → bottleneck". Each is an icon and words, never
// colour alone; the words are the catalogue's (i18n `risk`). Renders nothing when the loop
// is quiet. Mounting the first one starts the page's risk watch.
import { memo, useEffect } from 'react';
import { useBoardStore, useShallowStore, store } from '../store/hooks.ts';
import { fullCount, inboundLoopIds } from '../store/selectors.ts';
import { minutesToStockOut, startRiskWatch, tvRiskPick, useRisk } from '../store/risk.ts';
import type { RiskCandidate } from '../store/risk.ts';
import { duration } from '../format.ts';
import { Column } from '../../../shared/names.ts';
import { useTranslations } from 'use-intl';
import { Icon } from './Icon.tsx';
import '../styles/risk.css';

/** Starts the overdue timer and the risk refresh of this page (once). */
export function useRiskWatch(): void {
  useEffect(() => {
    startRiskWatch(store);
  }, []);
}

/** A stock-out further away than this is not a mark (it is the normal state of a loop). */
export const STOCK_OUT_HORIZON_MINUTES = 8 * 60;

export const RiskMark = memo(function RiskMark({
  loopId,
  variant = 'full',
  cardId,
}: {
  loopId: string;
  /** `full`: every mark (inbound lists); `card`: the stock-out only (a card face). */
  variant?: 'full' | 'card';
  /** On a card face: the card (only a signal or a job, the cards that refill, is marked). */
  cardId?: string;
}) {
  useRiskWatch();
  const t = useTranslations('risk');
  const risk = useRisk((s) => s.loops[loopId]);
  // Whole minutes only: a mark re-renders once a minute, not at every tick.
  const minutesLeft = useBoardStore((s) => {
    if (!risk) return null;
    const left = minutesToStockOut(risk, fullCount(s.board, loopId), s.now);
    return left === null ? null : Math.ceil(left);
  });
  const lead = useBoardStore((s) => s.board.loops[loopId]?.leadTimeMinutes ?? 0);
  const full = useBoardStore((s) => (cardId === undefined ? false : s.board.cards[cardId]?.column === Column.DONE));
  if (!risk || full) return null;
  const soon = minutesLeft !== null && minutesLeft <= STOCK_OUT_HORIZON_MINUTES;
  // Sooner than a refill started now could come: the line will stop.
  const late = minutesLeft !== null && minutesLeft < lead;
  const marks = [];
  if (soon) {
    marks.push(
      <span
        key="out"
        className={`risk risk-stockout${late ? ' is-late' : ''}`}
        data-testid="risk-stockout"
        data-minutes={minutesLeft}
        title={late ? t('outLateTitle') : t('outTitle')}
      >
        <Icon name="clock" />
        {minutesLeft === 0 ? t('outNow') : t('outIn', { time: duration(minutesLeft) })}
      </span>,
    );
  }
  if (variant !== 'card' && risk.demandSpike) {
    marks.push(
      <span key="spike" className="risk risk-spike" data-testid="risk-spike" title={t('spikeTitle')}>
        <Icon name="warning" />
        {t('spike', { ratio: (risk.demandRatio ?? 0).toFixed(1) })}
      </span>,
    );
  }
  if (variant !== 'card' && risk.singleSourceToBottleneck) {
    marks.push(
      <span key="single" className="risk risk-single" data-testid="risk-single-source" title={t('singleTitle')}>
        <Icon name="flag" />
        {t('single')}
      </span>,
    );
  }
  if (marks.length === 0) return null;
  return (
    <span className={`risk-marks risk-${variant}`} data-testid={`risk-${loopId}`}>
      {marks}
    </span>
  );
});

/** Mounted once on a screen with no risk mark in view, so overdue still flips on time. */
export function RiskWatch() {
  useRiskWatch();
  return null;
}

/**
 * The wall TV's risk mark of a station (the loops it uses): one mark, the most urgent
 * (store/risk.ts `tvRiskPick`), naming its part, "+N" when other loops are at risk too.
 */
export const RiskStationMarks = memo(function RiskStationMarks({ stationId }: { stationId: string }) {
  useRiskWatch();
  const risks = useRisk((s) => s.loops);
  // Encoded as a string so the row re-renders only when the pick or its minute changes.
  const pick = useBoardStore((s) => {
    const candidates: RiskCandidate[] = [];
    for (const id of inboundLoopIds(s.board, stationId)) {
      const risk = risks[id];
      if (!risk) continue;
      candidates.push({ loopId: id, risk, minutesLeft: minutesToStockOut(risk, fullCount(s.board, id), s.now), leadTimeMinutes: s.board.loops[id]?.leadTimeMinutes ?? 0 });
    }
    const p = tvRiskPick(candidates);
    if (!p) return '';
    const c = candidates.find((x) => x.loopId === p.loopId)!;
    const minutes = c.minutesLeft === null ? '' : String(Math.ceil(c.minutesLeft));
    return [p.loopId, p.kind, String(p.more), minutes, (c.risk.demandRatio ?? 0).toFixed(1)].join('\u0000');
  });
  const [loopId = '', kind = '', more = '0', minutes = '', ratio = ''] = pick.split('\u0000');
  const part = useBoardStore((s) => s.board.loops[loopId]?.partNumber ?? '');
  const t = useTranslations('risk');
  if (pick === '') return null;
  const extra = Number(more) > 0 ? t('more', { count: Number(more) }) : '';
  const mark =
    kind === 'stockout' ? (
      <span className="risk risk-stockout is-late mark" data-testid="risk-stockout" data-minutes={minutes} title={t('outLateTitle')}>
        <Icon name="clock" />
        {Number(minutes) === 0 ? t('tvOutNow', { part }) : t('tvOutIn', { part, time: duration(Number(minutes)).toUpperCase() })}
        {extra}
      </span>
    ) : kind === 'spike' ? (
      <span className="risk risk-spike mark" data-testid="risk-spike" title={t('spikeTitle')}>
        <Icon name="warning" />
        {t('tvSpike', { part, ratio })}
        {extra}
      </span>
    ) : (
      <span className="risk risk-single mark" data-testid="risk-single-source" title={t('singleTitle')}>
        <Icon name="flag" />
        {t('tvSingle', { part })}
        {extra}
      </span>
    );
  return (
    <span className="risk-marks risk-tv" data-testid={`risk-${loopId}`}>
      {mark}
    </span>
  );
});
