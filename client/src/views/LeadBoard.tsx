// The team lead's board: the whole value stream, one lane per station from upstream to
// downstream, three columns each, drag and drop, and the configuration dialogs. A search
// box filters it by part number, part name or station; a legend explains its marks. On
// a phone it shows one station at a time (with a switcher); it prints on landscape pages.
import { memo, useCallback, useDeferredValue, useId, useMemo, useState } from 'react';
import { COLUMNS, StationKind } from '../../../shared/names.ts';
import { useBoardStore, useShallowStore } from '../store/hooks.ts';
import { columnSize, inboundLoopIds, outboundLoopIds, overdueCount, starvedInputIds, stationIds } from '../store/selectors.ts';
import { BoardDnd } from '../components/BoardDnd.tsx';
import { BoardColumn } from '../components/BoardColumn.tsx';
import { InboundList } from '../components/Inbound.tsx';
import { AlertRegion, Loading, RefusedMoves } from '../components/Status.tsx';
import { NavLink, TopBar } from '../components/TopBar.tsx';
import { StationDialog } from '../components/StationDialog.tsx';
import { LoopsDialog } from '../components/LoopsDialog.tsx';
import { StationOrderDialog } from '../components/StationOrderDialog.tsx';
import { Icon } from '../components/Icon.tsx';
import { AndonBanner, AndonControls } from '../components/Andon.tsx';
import { onLinkClick, printPath } from '../router.ts';
import { AccessNotice } from '../components/AccessNotice.tsx';
import { useRoleMay } from '../app/access.ts';
import { isLead } from '../app/session.ts';
import { clockTime } from '../format.ts';
import { BoardSearch } from './lead/Search.tsx';
import { Legend } from './lead/Legend.tsx';
import { StationSwitcher } from './lead/StationSwitcher.tsx';
import {
  laneLoops,
  matchingCardCount,
  matchingLoopIds,
  matchingStationIds,
  matchSummary,
  normalQuery,
  visibleStationIds,
} from './lead/search.ts';
import type { BoardMatch } from './lead/search.ts';
import './lead/lead.css';
import './lead/print.css';
import { useLocale, useTranslations } from 'use-intl';

type Editing = { kind: 'station'; id: string | null } | { kind: 'loops' } | { kind: 'order' } | null;

export function LeadBoard() {
  const hasBoard = useBoardStore((s) => s.hasBoard);
  const ids = useShallowStore((s) => stationIds(s.board));
  const [editing, setEditing] = useState<Editing>(null);
  const lead = useBoardStore((s) => isLead(s.identity.role));
  const mayEditLoops = useRoleMay('loop.update');
  const mayAddStation = useRoleMay('station.create');
  const mayEditStation = useRoleMay('station.update');
  const editStation = useCallback((id: string) => setEditing({ kind: 'station', id }), []);

  // Search: typing stays quick, the board follows a moment later (deferred).
  const [query, setQuery] = useState('');
  const typed = useDeferredValue(query);
  const q = normalQuery(typed);
  const matchedStations = useShallowStore((s) => matchingStationIds(s.board, q));
  const matchedLoops = useShallowStore((s) => matchingLoopIds(s.board, q));
  // One object per result (not per render), so lanes and columns keep their props.
  const match = useMemo<BoardMatch | null>(
    () => (q === '' ? null : { stations: new Set(matchedStations), loops: new Set(matchedLoops) }),
    [q, matchedStations, matchedLoops],
  );
  const shownIds = useShallowStore((s) => (match === null ? ids : visibleStationIds(s.board, ids, match)));
  const matchedCards = useBoardStore((s) => (match === null ? 0 : matchingCardCount(s.board, match)));
  const summary = match === null ? null : matchSummary(typed, matchedCards, shownIds.length);

  // On a phone: the station shown (the first one shown until someone picks another).
  const [picked, setPicked] = useState<string | null>(null);
  const current = picked !== null && shownIds.includes(picked) ? picked : (shownIds[0] ?? null);
  const pick = useCallback((id: string) => {
    setPicked(id);
    // Picked further down the page: start the new station at its top.
    requestAnimationFrame(() => {
      const lanes = document.querySelector('.lanes');
      if (lanes && lanes.getBoundingClientRect().top < 0) lanes.scrollIntoView({ block: 'start' });
    });
  }, []);

  const [legendOpen, setLegendOpen] = useState(false);
  const legendId = useId();
  const t = useTranslations();

  return (
    <div className="screen screen-lead">
      {hasBoard ? <SkipLinks ids={shownIds} onPick={pick} /> : null}
      <TopBar title={t('app.titles.lead')}>
        <nav className="nav" aria-label={t('lead.screens')}>
          <NavLink href="/station">{t('lead.navTablets')}</NavLink>
          <NavLink href="/tv">{t('app.titles.tv')}</NavLink>
          {lead ? <NavLink href="/metrics">{t('app.titles.metrics')}</NavLink> : null}
          {lead ? <NavLink href="/admin">{t('app.titles.admin')}</NavLink> : null}
          {lead ? <NavLink href="/pair/approve">{t('app.titles.pair-approve')}</NavLink> : null}
        </nav>
        {mayEditLoops ? (
          <button type="button" className="btn" onClick={() => setEditing({ kind: 'loops' })}>
            <Icon name="edit" /> {t('lead.loops')}
          </button>
        ) : null}
        {mayAddStation ? (
          <button type="button" className="btn" onClick={() => setEditing({ kind: 'station', id: null })}>
            <Icon name="plus" /> {t('lead.addStation')}
          </button>
        ) : null}
      </TopBar>
      <PrintHeading query={q === '' ? '' : typed.trim()} />
      <AccessNotice />
      <AlertRegion />
      <AndonBanner />
      <RefusedMoves />
      {!hasBoard ? (
        <Loading />
      ) : (
        <>
          <div className="board-tools">
            <BoardSearch query={query} onQuery={setQuery} summary={summary} />
            <button
              type="button"
              className="btn board-legend-btn"
              aria-expanded={legendOpen}
              aria-controls={legendId}
              onClick={() => setLegendOpen((o) => !o)}
            >
              {t('lead.legend')}
            </button>
            {mayEditStation ? (
              <button type="button" className="btn board-order-btn" onClick={() => setEditing({ kind: 'order' })}>
                {t('lead.stationOrder')}
              </button>
            ) : null}
          </div>
          <Legend id={legendId} open={legendOpen} />
          <StationSwitcher ids={shownIds} current={current} onPick={pick} />
          <BoardDnd>
            <main className="lanes" aria-label={t('lead.lanesLabel')}>
              <div className="lanes-head" aria-hidden="true">
                <span>{t('lead.headStation')}</span>
                <span>{t('common.columns.requested')}</span>
                <span>{t('common.columns.in_progress')}</span>
                <span>{t('common.columns.done')}</span>
                <span>{t('lead.headInbound')}</span>
              </div>
              {shownIds.map((id) => (
                <StationLane
                  key={id}
                  stationId={id}
                  onEdit={mayEditStation ? editStation : null}
                  loops={laneLoops(match, id)}
                  current={id === current}
                />
              ))}
              {ids.length === 0 ? <p className="muted">{t('lead.noStations')}</p> : null}
              {ids.length > 0 && shownIds.length === 0 ? (
                <p className="lanes-none" data-testid="no-match">
                  {summary} <button type="button" className="btn btn-small" onClick={() => setQuery('')}>
                    {t('lead.clearSearch')}
                  </button>
                </p>
              ) : null}
            </main>
          </BoardDnd>
        </>
      )}
      {editing?.kind === 'station' && mayEditStation ? <StationDialog stationId={editing.id} onClose={() => setEditing(null)} /> : null}
      {editing?.kind === 'loops' && mayEditLoops ? <LoopsDialog onClose={() => setEditing(null)} /> : null}
      {editing?.kind === 'order' && mayEditStation ? <StationOrderDialog onClose={() => setEditing(null)} /> : null}
    </div>
  );
}

/**
 * "Skip to a station": hidden until a keyboard reaches them, the first stops on the page.
 * Each one shows that station (on a phone, picks it) and moves the focus to its name.
 */
function SkipLinks({ ids, onPick }: { ids: readonly string[]; onPick: (id: string) => void }) {
  const names = useShallowStore((s) => ids.map((id) => s.board.stations[id]?.name ?? id));
  const t = useTranslations('lead');
  if (ids.length === 0) return null;
  return (
    <nav className="skip-links" aria-label={t('skipLabel')}>
      {ids.map((id, i) => (
        <a
          key={id}
          href={`#lane-${id}`}
          onClick={(e) => {
            e.preventDefault();
            onPick(id);
            requestAnimationFrame(() => document.getElementById(`lane-${id}`)?.focus());
          }}
        >
          {t('skipTo', { name: names[i] ?? id })}
        </a>
      ))}
    </nav>
  );
}

/** On paper, instead of the top bar: what this is, when it was printed, and the search. */
function PrintHeading({ query }: { query: string }) {
  // The minute only: this re-renders once a minute, not at every tick of the clock.
  const now = useBoardStore((s) => Math.floor(s.now / 60_000) * 60_000);
  const t = useTranslations('lead');
  const locale = useLocale();
  const date = new Date(now).toLocaleDateString(locale, { day: 'numeric', month: 'short', year: 'numeric' });
  return (
    <p className="print-heading" aria-hidden="true">
      <strong>{t('printHeading')}</strong> {t('printWhen', { date, time: clockTime(now, false) })}
      {query !== '' ? t('printShowingOnly', { query }) : ''}
    </p>
  );
}

/**
 * Cards in one column beyond which a lane no longer fits on a printed page (12 px type,
 * landscape A4 or Letter): such a lane may break across pages; a shorter one is kept whole.
 */
const PRINT_PAGE_CARDS = 12;


const StationLane = memo(function StationLane({
  stationId,
  onEdit,
  loops,
  current,
}: {
  stationId: string;
  onEdit: ((stationId: string) => void) | null;
  /** Show only the cards of these loops (a search), or all of them (null). */
  loops: ReadonlySet<string> | null;
  /** The station a phone shows. */
  current: boolean;
}) {
  const name = useBoardStore((s) => s.board.stations[stationId]?.name ?? '');
  const kind = useBoardStore((s) => s.board.stations[stationId]?.kind ?? StationKind.PROCESS);
  const supplies = useBoardStore((s) => outboundLoopIds(s.board, stationId).length > 0);
  const uses = useBoardStore((s) => inboundLoopIds(s.board, stationId).length > 0);
  const starved = useShallowStore((s) => starvedInputIds(s.board, stationId));
  const late = useBoardStore((s) => overdueCount(s.board, stationId, s.now));
  const long = useBoardStore((s) => COLUMNS.some((c) => columnSize(s.board, stationId, c) > PRINT_PAGE_CARDS));
  const showColumns = supplies || kind !== StationKind.CUSTOMER;
  const t = useTranslations('lead');
  return (
    <section
      className={`lane lane-${kind}${starved.length > 0 ? ' is-starved' : ''}${current ? ' is-current' : ''}${long ? ' is-long' : ''}`}
      aria-labelledby={`lane-${stationId}`}
      data-testid={`lane-${stationId}`}
    >
      <div className="lane-title">
        <div className="lane-name">
          <h2 id={`lane-${stationId}`} tabIndex={-1}>
            {name}
          </h2>
          <div className="muted small">{t(`kinds.${kind}`)}</div>
        </div>
        <div className="lane-flags">
          {starved.length > 0 ? (
            <span className="flag flag-starved" data-testid="starved">
              <Icon name="warning" /> {t('starved')}
            </span>
          ) : null}
          {late > 0 ? (
            <span className="flag flag-overdue">
              <Icon name="clock" /> {t('overdue', { count: late })}
            </span>
          ) : null}
        </div>
        <div className="lane-actions">
          {onEdit ? (
            <button type="button" className="btn btn-small" onClick={() => onEdit(stationId)} aria-label={t('editStation', { name })}>
              <Icon name="edit" /> {t('edit')}
            </button>
          ) : null}
          <a className="btn btn-small btn-quiet" href={`/station/${encodeURIComponent(stationId)}`} onClick={onLinkClick}>
            {t('tabletView')}
          </a>
          {supplies ? (
            <a className="btn btn-small btn-quiet" href={printPath('station', stationId)} onClick={onLinkClick} aria-label={t('printCardsOf', { name })}>
              {t('printCards')}
            </a>
          ) : null}
        </div>
        <AndonControls stationId={stationId} compact />
      </div>
      {showColumns ? (
        COLUMNS.map((c) => <BoardColumn key={c} stationId={stationId} column={c} mode="lead" loops={loops} />)
      ) : (
        <div className="lane-customer-note muted">
          {t('customerNote')}
        </div>
      )}
      <section className="lane-inbound" aria-label={t('inboundAt', { name })}>
        <h3 className="lane-inbound-head">{t('headInbound')}</h3>
        {uses ? <InboundList stationId={stationId} loops={loops} /> : <p className="muted small">{t('usesNoLoop')}</p>}
      </section>
    </section>
  );
});
