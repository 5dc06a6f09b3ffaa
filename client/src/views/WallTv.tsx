// The wall TV: read-only, unattended, readable from 5 m. Every station of the value
// stream on one 1920x1080 screen (upstream at the top), each column's count against its
// limit, the parts waiting in it, overdue and starved marks, a clock and the live
// indicator. When the link is down the board dims and says since when it is stale.
import { memo, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { CSSProperties } from 'react';
import { COLUMNS, COLUMN_LABELS, Column, StationKind } from '../../../shared/names.ts';
import type { BoardState } from '../../../shared/board.ts';
import { columnCards, stockOuts } from '../../../shared/board.ts';
import { useBoardStore, useShallowStore } from '../store/hooks.ts';
import { ConnectionStatus as Status } from '../store/store.ts';
import {
  columnLimit,
  columnSize,
  fullCount,
  inboundLoopIds,
  limitState,
  outboundLoopIds,
  overdue,
  overdueCount,
  starvedInputIds,
  stationIds,
} from '../store/selectors.ts';
import { clockTime, sinceTime } from '../format.ts';
import { Clock, ConnectionStatus, Loading } from '../components/Status.tsx';
import { Icon } from '../components/Icon.tsx';
import { AndonBanner } from '../components/Andon.tsx';
import { WhoAmI } from '../components/Identity.tsx';

/** Layout for n stations: rows fill the height; type scales down for larger plants. */
function layoutFor(n: number): { columns: number; rows: number; scale: number } {
  const columns = n > 12 ? 2 : 1;
  const rows = Math.max(1, Math.ceil(n / columns));
  const scale = Math.max(0.45, Math.min(1, 6 / rows)) * (columns === 2 ? 0.8 : 1);
  return { columns, rows, scale };
}

export function WallTv() {
  const hasBoard = useBoardStore((s) => s.hasBoard);
  const ids = useShallowStore((s) => stationIds(s.board));
  const status = useBoardStore((s) => s.connection.status);
  const { columns, rows, scale } = useMemo(() => layoutFor(ids.length), [ids.length]);
  const stale = status !== Status.LIVE;
  return (
    <div className={`screen screen-tv${stale ? ' is-stale' : ''}`} data-testid="wall-tv" data-stale={stale ? 'true' : 'false'}>
      <header className="tv-head">
        <div className="tv-brand">
          Pullboard <span className="muted">value stream</span>
        </div>
        <LastUpdate />
        <ConnectionStatus large />
        <div className="tv-clock">
          <Clock />
        </div>
        <WhoAmI compact />
      </header>
      <StaleBanner />
      <AndonBanner large />
      {!hasBoard ? (
        <Loading />
      ) : (
        <main
          className="tv-board"
          style={{ '--tv-scale': scale, '--tv-columns': columns, '--tv-rows': rows } as CSSProperties}
          aria-label="All stations, upstream to downstream"
        >
          {Array.from({ length: columns }, (_, i) => (
            <div key={i} className="tv-legend" aria-hidden="true" style={{ gridRow: 1, gridColumn: i + 1 }}>
              <span>Station</span>
              {COLUMNS.map((c) => (
                <span key={c}>{COLUMN_LABELS[c]}</span>
              ))}
              <span>Inbound (full)</span>
            </div>
          ))}
          {ids.map((id, k) => (
            // Upstream to downstream down the first column, then on down the next.
            <TvStation key={id} stationId={id} row={(k % rows) + 2} column={Math.floor(k / rows) + 1} />
          ))}
        </main>
      )}
    </div>
  );
}

function LastUpdate() {
  const at = useBoardStore((s) => s.connection.lastSyncAt);
  const now = useBoardStore((s) => s.now);
  const when = at === null ? null : new Date(at).toDateString() === new Date(now).toDateString() ? clockTime(at, true) : sinceTime(at, now);
  return <div className="tv-updated muted">{when ? `Updated ${when}` : 'Not updated yet'}</div>;
}

function StaleBanner() {
  const { status, since } = useShallowStore((s) => ({ status: s.connection.status, since: s.connection.since }));
  const now = useBoardStore((s) => s.now);
  const hasBoard = useBoardStore((s) => s.hasBoard);
  if (status === Status.LIVE) return null;
  const when = since ? sinceTime(since, now) : clockTime(now);
  return (
    <div className={`stale-banner stale-${status}`} data-testid="stale-banner">
      <Icon name={status === Status.OFFLINE ? 'offline' : 'reconnect'} />
      {status === Status.OFFLINE ? (
        <span>
          <strong>OFFLINE since {when}</strong>
          {hasBoard ? ' — data may be stale' : ''}
        </span>
      ) : (
        <span>
          <strong>Reconnecting…</strong>
          {hasBoard ? ` showing data as of ${when}` : ''}
        </span>
      )}
    </div>
  );
}

const TvStation = memo(function TvStation({ stationId, row, column }: { stationId: string; row: number; column: number }) {
  const name = useBoardStore((s) => s.board.stations[stationId]?.name ?? '');
  const kind = useBoardStore((s) => s.board.stations[stationId]?.kind);
  const supplies = useBoardStore((s) => outboundLoopIds(s.board, stationId).length > 0);
  const starved = useShallowStore((s) =>
    starvedInputIds(s.board, stationId).map((id) => s.board.loops[id]?.partNumber ?? id),
  );
  // At the customer end there is no work to starve: an empty finished-goods loop is a
  // stock-out, the one thing the shipping dock must see from across the hall.
  const stockOut = useShallowStore((s) => stockOuts(s.board, stationId).map((l) => l.partNumber));
  const late = useBoardStore((s) => overdueCount(s.board, stationId, s.now));
  const atLimit = useBoardStore((s) => {
    const st = s.board.stations[stationId];
    return [Column.IN_PROGRESS, Column.DONE].some((c) => {
      const st8 = limitState(columnSize(s.board, stationId, c), columnLimit(st, c).limit);
      return st8 === 'at' || st8 === 'over';
    });
  });
  const showColumns = supplies || kind !== StationKind.CUSTOMER;
  return (
    <section
      className={`tv-station${starved.length || stockOut.length ? ' is-starved' : ''}${late ? ' has-overdue' : ''}`}
      data-testid={`tv-station-${stationId}`}
      aria-label={name}
      style={{ gridRow: row, gridColumn: column }}
    >
      <div className="tv-name">
        <h2>{name}</h2>
        <div className="tv-marks">
          {starved.length > 0 ? (
            <span className="mark mark-starved" data-testid="tv-starved">
              <Icon name="warning" /> STARVED: {starved.join(', ')}
            </span>
          ) : null}
          {stockOut.length > 0 ? (
            <span className="mark mark-starved" data-testid="tv-stock-out">
              <Icon name="warning" /> STOCK-OUT: {stockOut.join(', ')}
            </span>
          ) : null}
          {late > 0 ? (
            <span className="mark mark-overdue" data-testid="tv-overdue">
              <Icon name="clock" /> {late} OVERDUE
            </span>
          ) : null}
          {atLimit ? (
            <span className="mark mark-limit">
              <Icon name="warning" /> AT LIMIT
            </span>
          ) : null}
          {starved.length === 0 && stockOut.length === 0 && late === 0 && !atLimit ? (
            <span className="mark mark-ok">
              <Icon name="check" /> Flowing
            </span>
          ) : null}
        </div>
      </div>
      {showColumns ? (
        COLUMNS.map((c) => <TvCell key={c} stationId={stationId} column={c} />)
      ) : (
        <div className="tv-customer muted">Customer end</div>
      )}
      <TvInbound stationId={stationId} />
    </section>
  );
});

/**
 * How many chips fit in the list without overflowing: renders all, then keeps the chips
 * before the first one that sticks out, less one to leave room for "+N more" (and one
 * more if that line itself does not fit). One measuring pass, or two: a column of 100
 * loops must not take 100 renders (React stops a chain of updates at 50). Re-measured
 * when the chips or the window size change.
 */
function useFittingCount(items: readonly string[]) {
  const ref = useRef<HTMLUListElement>(null);
  const [fit, setFit] = useState(items.length);
  const signature = items.join('|');
  useLayoutEffect(() => {
    setFit(items.length);
    const onResize = () => setFit(items.length);
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, [signature]);
  useLayoutEffect(() => {
    const ul = ref.current;
    if (!ul || fit === 0) return;
    const limit = ul.clientHeight + 1;
    const first = Array.from(ul.children).findIndex((li) => li instanceof HTMLElement && li.offsetTop + li.offsetHeight > limit);
    if (first >= 0) setFit((f) => Math.max(0, Math.min(f, items.length, first) - 1));
  });
  return { ref, fit };
}

/** One chip per loop in a column: "MC-2201 ×3", with how many of them are overdue. */
function loopGroups(board: BoardState, stationId: string, column: Column, now: number): string[] {
  // The column from the board's index: the cards of this cell, not a scan of the plant.
  const cards = columnCards(board, stationId, column);
  const groups = new Map<string, { n: number; late: number }>();
  for (const c of cards) {
    const g = groups.get(c.loopId) ?? { n: 0, late: 0 };
    g.n++;
    if (overdue(c, board.loops[c.loopId], now)) g.late++;
    groups.set(c.loopId, g);
  }
  // Encoded as strings so useShallow can compare them cheaply.
  return [...groups].map(([loopId, g]) => `${board.loops[loopId]?.partNumber ?? loopId}\u0000${g.n}\u0000${g.late}`);
}

const TvCell = memo(function TvCell({ stationId, column }: { stationId: string; column: Column }) {
  const count = useBoardStore((s) => columnSize(s.board, stationId, column));
  const { limit } = useShallowStore((s) => columnLimit(s.board.stations[stationId], column));
  const groups = useShallowStore((s) => loopGroups(s.board, stationId, column, s.now));
  const state = limitState(count, limit);
  const word = state === 'over' ? 'OVER LIMIT' : state === 'at' ? 'AT LIMIT' : null;
  const { ref, fit } = useFittingCount(groups);
  // Chips that do not fit would be cut off silently; say how many are not shown instead.
  const shown = fit < groups.length ? groups.slice(0, fit) : groups;
  const hidden = groups.length - shown.length;
  return (
    <div
      className={`tv-cell tv-cell-${column} tv-limit-${state}`}
      data-testid={`tv-cell-${stationId}-${column}`}
      data-count={count}
    >
      <div className="tv-count">
        <span className="tv-figures">
          {count}
          {limit !== null ? <span className="tv-limit"> / {limit}</span> : null}
        </span>
        {word ? (
          <span className="tv-limit-word">
            <Icon name={state === 'over' ? 'stop' : 'warning'} />
            {word}
          </span>
        ) : null}
      </div>
      <ul className="tv-chips" ref={ref}>
        {shown.map((g) => {
          const [part, n, late] = g.split('\u0000');
          const isLate = Number(late) > 0;
          return (
            <li key={part} className={`tv-chip${isLate ? ' is-overdue' : ''}`}>
              <span className="tv-chip-part">{part}</span>
              <span className="tv-chip-n">×{n}</span>
              {isLate ? (
                <span className="tv-chip-late">
                  <Icon name="clock" />
                  {late} late
                </span>
              ) : null}
            </li>
          );
        })}
        {hidden > 0 ? <li className="tv-chip tv-chip-more">+{hidden} more</li> : null}
      </ul>
    </div>
  );
});

function TvInbound({ stationId }: { stationId: string }) {
  const ids = useShallowStore((s) => inboundLoopIds(s.board, stationId));
  const starved = useShallowStore((s) => starvedInputIds(s.board, stationId));
  const { ref, fit } = useFittingCount(ids);
  const shown = fit < ids.length ? ids.slice(0, fit) : ids;
  return (
    <ul className="tv-inbound" ref={ref}>
      {shown.map((id) => (
        <TvInboundLoop key={id} loopId={id} starved={starved.includes(id)} />
      ))}
      {shown.length < ids.length ? <li className="tv-in tv-in-more muted">+{ids.length - shown.length} more</li> : null}
      {ids.length === 0 ? <li className="muted">—</li> : null}
    </ul>
  );
}

const TvInboundLoop = memo(function TvInboundLoop({ loopId, starved }: { loopId: string; starved: boolean }) {
  const part = useBoardStore((s) => s.board.loops[loopId]?.partNumber ?? '');
  const cards = useBoardStore((s) => s.board.loops[loopId]?.cardCount ?? 0);
  const full = useBoardStore((s) => fullCount(s.board, loopId));
  return (
    <li className={`tv-in${full === 0 ? ' is-empty' : ''}${starved ? ' is-starved' : ''}`}>
      <span className="tv-in-part">{part}</span>
      {full === 0 ? (
        <span className="tv-in-empty">
          <Icon name="warning" /> EMPTY
        </span>
      ) : (
        <span className="tv-in-full">
          {full}
          <span className="muted">/{cards} full</span>
        </span>
      )}
    </li>
  );
});
