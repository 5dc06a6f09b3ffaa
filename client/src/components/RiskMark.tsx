// The live risk of one loop, where a loop is shown (tablet and lead board inbound lists,
// the TV's inbound column, a card face): "Out in 1 h 20 min", "Demand ×1.8", "Single
// source → bottleneck". Each is an icon and words, never colour alone. Renders nothing
// when the loop is quiet. Mounting the first one starts the page's risk watch.
import { memo, useEffect } from 'react';
import { useBoardStore, useShallowStore, store } from '../store/hooks.ts';
import { fullCount, inboundLoopIds } from '../store/selectors.ts';
import { minutesToStockOut, startRiskWatch, tvRiskPick, useRisk } from '../store/risk.ts';
import type { RiskCandidate } from '../store/risk.ts';
import { duration } from '../format.ts';
import { Column } from '../../../shared/names.ts';
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
  part,
  cardId,
}: {
  loopId: string;
  /** On a card face: the card (only a signal or a job, the cards that refill, is marked). */
  cardId?: string;
  /** Name the part in each mark (where the marks of several loops stand together). */
  part?: string;
  /** `full`: every mark; `tv`: every mark in the TV's words; `card`: the stock-out only. */
  variant?: 'full' | 'tv' | 'card';
}) {
  useRiskWatch();
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
  const tv = variant === 'tv';
  const of = part ? `${part} ` : '';
  const soon = minutesLeft !== null && minutesLeft <= STOCK_OUT_HORIZON_MINUTES;
  // Sooner than a refill started now could come: the line will stop.
  const late = minutesLeft !== null && minutesLeft < lead;
  const marks = [];
  if (soon) {
    marks.push(
      <span
        key="out"
        className={`risk risk-stockout${late ? ' is-late' : ''}${tv ? ' mark' : ''}`}
        data-testid="risk-stockout"
        data-minutes={minutesLeft}
        title={late ? 'At the recent rate of use the last full container is gone before a refill started now could come' : 'At the recent rate of use, no full container is left in'}
      >
        <Icon name="clock" />
        {of}
        {minutesLeft === 0 ? (tv ? 'OUT NOW' : 'Out now') : tv ? `OUT IN ${duration(minutesLeft).toUpperCase()}` : `Out in ${duration(minutesLeft)}`}
      </span>,
    );
  }
  if (variant !== 'card' && risk.demandSpike) {
    const ratio = risk.demandRatio !== null ? ` ×${risk.demandRatio.toFixed(1)}` : '';
    marks.push(
      <span key="spike" className={`risk risk-spike${tv ? ' mark' : ''}`} data-testid="risk-spike" title="Used well above the rate the loop was sized for">
        <Icon name="warning" />
        {of}
        {tv ? `DEMAND${ratio}` : `Demand spike${ratio}`}
      </span>,
    );
  }
  if (variant !== 'card' && risk.singleSourceToBottleneck) {
    marks.push(
      <span key="single" className={`risk risk-single${tv ? ' mark' : ''}`} data-testid="risk-single-source" title="One supplier, feeding a bottleneck station: no second source">
        <Icon name="flag" />
        {of}
        {tv ? 'SINGLE SOURCE' : 'Single source → bottleneck'}
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
  if (pick === '') return null;
  const extra = Number(more) > 0 ? ` +${more}` : '';
  const mark =
    kind === 'stockout' ? (
      <span className="risk risk-stockout is-late mark" data-testid="risk-stockout" data-minutes={minutes}>
        <Icon name="clock" />
        {part} {Number(minutes) === 0 ? 'OUT NOW' : `OUT IN ${duration(Number(minutes)).toUpperCase()}`}
        {extra}
      </span>
    ) : kind === 'spike' ? (
      <span className="risk risk-spike mark" data-testid="risk-spike">
        <Icon name="warning" />
        {part} DEMAND ×{ratio}
        {extra}
      </span>
    ) : (
      <span className="risk risk-single mark" data-testid="risk-single-source">
        <Icon name="flag" />
        {part} SINGLE SOURCE
        {extra}
      </span>
    );
  return (
    <span className="risk-marks risk-tv" data-testid={`risk-${loopId}`}>
      {mark}
    </span>
  );
});
