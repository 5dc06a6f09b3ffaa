// The live risk of one loop, where a loop is shown (tablet and lead board inbound lists,
// the TV's inbound column, a card face): "Out in 1 h 20 min", "Demand ×1.8", "Single
// source → bottleneck". Each is an icon and words, never colour alone. Renders nothing
// when the loop is quiet. Mounting the first one starts the page's risk watch.
import { memo, useEffect } from 'react';
import { useBoardStore, useShallowStore, store } from '../store/hooks.ts';
import { fullCount, inboundLoopIds } from '../store/selectors.ts';
import { minutesToStockOut, startRiskWatch, useRisk } from '../store/risk.ts';
import { duration } from '../format.ts';
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
}: {
  loopId: string;
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
  if (!risk) return null;
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

/** The risk marks of the loops a station uses, each naming its part (the TV's station row). */
export const RiskStationMarks = memo(function RiskStationMarks({ stationId }: { stationId: string }) {
  useRiskWatch();
  const ids = useShallowStore((s) => inboundLoopIds(s.board, stationId));
  const parts = useShallowStore((s) => ids.map((id) => s.board.loops[id]?.partNumber ?? id));
  const risky = useRisk((s) => ids.some((id) => s.loops[id] !== undefined));
  if (!risky) return null;
  return (
    <>
      {ids.map((id, k) => (
        <RiskMark key={id} loopId={id} variant="tv" part={parts[k] ?? id} />
      ))}
    </>
  );
});
