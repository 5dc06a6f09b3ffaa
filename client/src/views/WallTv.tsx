// The wall TV: read-only, unattended, readable from 5 m on any TV (720p to 4K, any
// device scale factor: every size is in units of the screen, see tv/layout.ts). The
// stations of the value stream upstream at the top, each column's count against its
// limit, the parts waiting in it, andon, overdue and starved marks in the station's own
// row, a compact andon banner, a key to the marks, a clock and the live indicator. A
// plant with more stations than fit shows them in pages that take turns. When the link
// is down the board dims and says since when it is stale.
import { memo } from 'react';
import type { CSSProperties } from 'react';
import { COLUMNS, Column, StationKind } from '../../../shared/names.ts';
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
import { RiskStationMarks } from '../components/RiskMark.tsx';
import { ANDON_ICONS } from '../components/Andon.tsx';
import { WhoAmI } from '../components/Identity.tsx';
import { TvAndonStrip } from './tv/AndonStrip.tsx';
import { FullscreenButton, SoundToggle } from './tv/Controls.tsx';
import { TvLegend } from './tv/Legend.tsx';
import { pagingFor, usePageTurn, useRowsBox } from './tv/layout.ts';
import { useFittingCount } from './tv/useFittingCount.ts';
import { useLocale, useTranslations } from 'use-intl';
import { useSecondLocale, useSecondTranslations } from '../i18n/I18nProvider.tsx';
import { Bi } from '../i18n/Bilingual.tsx';
import { TvLanguageMenu } from '../i18n/LanguagePicker.tsx';

export function WallTv() {
  const hasBoard = useBoardStore((s) => s.hasBoard);
  const ids = useShallowStore((s) => stationIds(s.board));
  const status = useBoardStore((s) => s.connection.status);
  const rows = useRowsBox<HTMLDivElement>();
  const { perPage, pages } = pagingFor(ids.length, rows.height, rows.unit);
  const page = usePageTurn(pages);
  const first = page * perPage;
  const shown = ids.slice(first, first + perPage);
  const stale = status !== Status.LIVE;
  const t = useTranslations();
  const t2 = useSecondTranslations('tv');
  const c2 = useSecondTranslations('common');
  return (
    <div className={`screen screen-tv${stale ? ' is-stale' : ''}`} data-testid="wall-tv" data-stale={stale ? 'true' : 'false'}>
      <header className="tv-head">
        <h1 className="tv-brand">
          {t('common.appName')} <span className="muted"><Bi a={t('tv.brand')} b={t2?.('brand')} /></span>
        </h1>
        {pages > 1 ? (
          <div className="tv-page" data-testid="tv-page" data-page={page + 1} data-pages={pages}>
            {t('tv.page', { page: page + 1, pages })}
            <span className="muted">{t('tv.pageStations', { from: first + 1, to: first + shown.length, total: ids.length })}</span>
          </div>
        ) : null}
        <LastUpdate />
        <ConnectionStatus large />
        <div className="tv-clock">
          <Clock />
        </div>
        <TvLanguageMenu />
        <WhoAmI compact />
      </header>
      <StaleBanner />
      <TvAndonStrip />
      {!hasBoard ? (
        <Loading />
      ) : (
        <main className="tv-board" aria-label={t('tv.boardLabel')}>
          <div className="tv-heads" aria-hidden="true">
            <span>
              <Bi a={t('tv.headStation')} b={t2?.('headStation')} />
            </span>
            {COLUMNS.map((c) => (
              <span key={c}>
                <Bi a={t(`common.columns.${c}`)} b={c2?.(`columns.${c}`)} />
              </span>
            ))}
            <span>
              <Bi a={t('tv.headInbound')} b={t2?.('headInbound')} />
            </span>
          </div>
          <div className="tv-rows" ref={rows.ref} style={{ '--tv-rows': perPage } as CSSProperties}>
            {shown.map((id, k) => (
              <TvStation key={id} stationId={id} row={k + 1} />
            ))}
          </div>
        </main>
      )}
      <footer className="tv-foot">
        <TvLegend />
        <div className="tv-controls">
          <SoundToggle />
          <FullscreenButton />
        </div>
      </footer>
    </div>
  );
}

function LastUpdate() {
  const at = useBoardStore((s) => s.connection.lastSyncAt);
  const now = useBoardStore((s) => s.now);
  const t = useTranslations('tv');
  const when = at === null ? null : new Date(at).toDateString() === new Date(now).toDateString() ? clockTime(at, true) : sinceTime(at, now);
  return <div className="tv-updated muted">{when ? t('updated', { time: when }) : t('notUpdated')}</div>;
}

function StaleBanner() {
  const { status, since } = useShallowStore((s) => ({ status: s.connection.status, since: s.connection.since }));
  const now = useBoardStore((s) => s.now);
  const hasBoard = useBoardStore((s) => s.hasBoard);
  const t = useTranslations('tv');
  const t2 = useSecondTranslations('tv');
  if (status === Status.LIVE) return null;
  const when = since ? sinceTime(since, now) : clockTime(now);
  return (
    // A landmark of its own (axe region): it is what matters most on a stale TV.
    <section className={`stale-banner stale-${status}`} data-testid="stale-banner" aria-label={t('connection')}>
      <Icon name={status === Status.OFFLINE ? 'offline' : 'reconnect'} />
      {status === Status.OFFLINE ? (
        <span>
          <strong>
            <Bi a={t('offlineSince', { time: when })} b={t2?.('offlineSince', { time: when })} />
          </strong>
          {hasBoard ? t('staleData') : ''}
        </span>
      ) : (
        <span>
          <strong>
            <Bi a={t('reconnecting')} b={t2?.('reconnecting')} />
          </strong>
          {hasBoard ? t('showingAsOf', { time: when }) : ''}
        </span>
      )}
    </section>
  );
}

const TvStation = memo(function TvStation({ stationId, row }: { stationId: string; row: number }) {
  const name = useBoardStore((s) => s.board.stations[stationId]?.name ?? '');
  const kind = useBoardStore((s) => s.board.stations[stationId]?.kind);
  const andon = useBoardStore((s) => s.board.stations[stationId]?.andon?.kind ?? null);
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
  const t = useTranslations();
  const t2 = useSecondTranslations('tv');
  const c2 = useSecondTranslations('common');
  const locale = useLocale();
  const second = useSecondLocale();
  const sep = t('access.listSeparator');
  const showColumns = supplies || kind !== StationKind.CUSTOMER;
  const flowing = andon === null && starved.length === 0 && stockOut.length === 0 && late === 0 && !atLimit;
  return (
    <section
      className={`tv-station${starved.length || stockOut.length ? ' is-starved' : ''}${late ? ' has-overdue' : ''}${andon ? ` has-andon andon-row-${andon}` : ''}`}
      data-testid={`tv-station-${stationId}`}
      aria-label={name}
      style={{ gridRow: row }}
    >
      <div className="tv-name">
        <h2>{name}</h2>
        <div className="tv-marks">
          {andon ? (
            // The call in force, in the row itself: a stopped line never reads "Flowing".
            <span className={`mark mark-andon andon-${andon}`} data-testid="tv-andon" data-kind={andon}>
              <Icon name={ANDON_ICONS[andon]} />{' '}
              <Bi a={t(`common.andon.${andon}`).toLocaleUpperCase(locale)} b={c2?.(`andon.${andon}`).toLocaleUpperCase(second ?? locale)} />
            </span>
          ) : null}
          {starved.length > 0 ? (
            <span className="mark mark-starved" data-testid="tv-starved">
              <Icon name="warning" />{' '}
              <Bi a={t('tv.starved', { parts: starved.join(sep) })} b={t2?.('starvedWord')} />
            </span>
          ) : null}
          {stockOut.length > 0 ? (
            <span className="mark mark-starved" data-testid="tv-stock-out">
              <Icon name="warning" />{' '}
              <Bi a={t('tv.stockOut', { parts: stockOut.join(sep) })} b={t2?.('stockOutWord')} />
            </span>
          ) : null}
          {late > 0 ? (
            <span className="mark mark-overdue" data-testid="tv-overdue">
              <Icon name="clock" /> <Bi a={t('tv.overdue', { count: late })} b={t2?.('overdue', { count: late })} />
            </span>
          ) : null}
          {atLimit ? (
            <span className="mark mark-limit">
              <Icon name="warning" /> <Bi a={t('tv.atLimit')} b={t2?.('atLimit')} />
            </span>
          ) : null}
          <RiskStationMarks stationId={stationId} />
          {flowing ? (
            <span className="mark mark-ok">
              <Icon name="check" /> <Bi a={t('tv.flowing')} b={t2?.('flowing')} />
            </span>
          ) : null}
        </div>
      </div>
      {showColumns ? (
        COLUMNS.map((c) => <TvCell key={c} stationId={stationId} column={c} />)
      ) : (
        <div className="tv-customer muted">
          <Bi a={t('tv.customerEnd')} b={t2?.('customerEnd')} />
        </div>
      )}
      <TvInbound stationId={stationId} />
    </section>
  );
});

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
  const t = useTranslations('tv');
  const t2 = useSecondTranslations('tv');
  const word = state === 'over' ? t('overLimit') : state === 'at' ? t('atLimit') : null;
  const word2 = state === 'over' ? t2?.('overLimit') : state === 'at' ? t2?.('atLimit') : null;
  const { ref, fit } = useFittingCount<HTMLUListElement>(groups, true);
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
            <Bi a={word} b={word2} />
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
                  {t('late', { count: Number(late) })}
                </span>
              ) : null}
            </li>
          );
        })}
        {hidden > 0 ? <li className="tv-chip tv-chip-more">{t('more', { count: hidden })}</li> : null}
      </ul>
    </div>
  );
});

function TvInbound({ stationId }: { stationId: string }) {
  const ids = useShallowStore((s) => inboundLoopIds(s.board, stationId));
  const starved = useShallowStore((s) => starvedInputIds(s.board, stationId));
  const { ref, fit } = useFittingCount<HTMLUListElement>(ids, true);
  const shown = fit < ids.length ? ids.slice(0, fit) : ids;
  const t = useTranslations('tv');
  return (
    <ul className="tv-inbound" ref={ref}>
      {shown.map((id) => (
        <TvInboundLoop key={id} loopId={id} starved={starved.includes(id)} />
      ))}
      {shown.length < ids.length ? <li className="tv-in tv-in-more muted">{t('more', { count: ids.length - shown.length })}</li> : null}
      {ids.length === 0 ? <li className="muted">—</li> : null}
    </ul>
  );
}

const TvInboundLoop = memo(function TvInboundLoop({ loopId, starved }: { loopId: string; starved: boolean }) {
  const part = useBoardStore((s) => s.board.loops[loopId]?.partNumber ?? '');
  const cards = useBoardStore((s) => s.board.loops[loopId]?.cardCount ?? 0);
  const full = useBoardStore((s) => fullCount(s.board, loopId));
  const t = useTranslations('tv');
  const t2 = useSecondTranslations('tv');
  return (
    <li className={`tv-in${full === 0 ? ' is-empty' : ''}${starved ? ' is-starved' : ''}`}>
      <span className="tv-in-part">{part}</span>
      {full === 0 ? (
        <span className="tv-in-empty">
          <Icon name="warning" /> <Bi a={t('empty')} b={t2?.('empty')} />
        </span>
      ) : (
        <span className="tv-in-full">
          {full}
          <span className="muted">{t('fullOf', { cards })}</span>
        </span>
      )}
    </li>
  );
});
