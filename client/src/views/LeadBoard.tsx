// The team lead's board: the whole value stream, one lane per station from upstream to
// downstream, three columns each, drag and drop, and the configuration dialogs.
import { memo, useState } from 'react';
import { COLUMNS, StationKind } from '../../../shared/names.ts';
import { useBoardStore, useShallowStore } from '../store/hooks.ts';
import { inboundLoopIds, outboundLoopIds, overdueCount, starvedInputIds, stationIds } from '../store/selectors.ts';
import { BoardDnd } from '../components/BoardDnd.tsx';
import { BoardColumn } from '../components/BoardColumn.tsx';
import { InboundList } from '../components/Inbound.tsx';
import { AlertRegion, Loading, RefusedMoves } from '../components/Status.tsx';
import { NavLink, TopBar } from '../components/TopBar.tsx';
import { StationDialog } from '../components/StationDialog.tsx';
import { LoopsDialog } from '../components/LoopsDialog.tsx';
import { Icon } from '../components/Icon.tsx';
import { AndonBanner, AndonControls } from '../components/Andon.tsx';
import { onLinkClick, printPath } from '../router.ts';
import { AccessNotice } from '../components/AccessNotice.tsx';
import { useRoleMay } from '../app/access.ts';
import { isLead } from '../app/session.ts';

type Editing = { kind: 'station'; id: string | null } | { kind: 'loops' } | null;

export function LeadBoard() {
  const hasBoard = useBoardStore((s) => s.hasBoard);
  const ids = useShallowStore((s) => stationIds(s.board));
  const [editing, setEditing] = useState<Editing>(null);
  const lead = useBoardStore((s) => isLead(s.identity.role));
  const mayEditLoops = useRoleMay('loop.update');
  const mayAddStation = useRoleMay('station.create');
  const mayEditStation = useRoleMay('station.update');
  return (
    <div className="screen screen-lead">
      <TopBar title="Lead board">
        <nav className="nav" aria-label="Screens">
          <NavLink href="/station">Station tablets</NavLink>
          <NavLink href="/tv">Wall TV</NavLink>
          {lead ? <NavLink href="/admin">Admin</NavLink> : null}
          {lead ? <NavLink href="/pair/approve">Pair a device</NavLink> : null}
        </nav>
        {mayEditLoops ? (
          <button type="button" className="btn" onClick={() => setEditing({ kind: 'loops' })}>
            <Icon name="edit" /> Loops
          </button>
        ) : null}
        {mayAddStation ? (
          <button type="button" className="btn" onClick={() => setEditing({ kind: 'station', id: null })}>
            <Icon name="plus" /> Add station
          </button>
        ) : null}
      </TopBar>
      <AccessNotice />
      <AlertRegion />
      <AndonBanner />
      <RefusedMoves />
      {!hasBoard ? (
        <Loading />
      ) : (
        <BoardDnd>
          <main className="lanes" aria-label="Value stream, upstream to downstream">
            <div className="lanes-head" aria-hidden="true">
              <span>Station</span>
              <span>Requested</span>
              <span>In Progress</span>
              <span>Done</span>
              <span>Inbound (used here)</span>
            </div>
            {ids.map((id) => (
              <StationLane key={id} stationId={id} onEdit={mayEditStation ? () => setEditing({ kind: 'station', id }) : null} />
            ))}
            {ids.length === 0 ? <p className="muted">No stations yet. Add one to start.</p> : null}
          </main>
        </BoardDnd>
      )}
      {editing?.kind === 'station' && mayEditStation ? <StationDialog stationId={editing.id} onClose={() => setEditing(null)} /> : null}
      {editing?.kind === 'loops' && mayEditLoops ? <LoopsDialog onClose={() => setEditing(null)} /> : null}
    </div>
  );
}

const KIND_LABEL: Record<StationKind, string> = {
  process: 'Process',
  supplier: 'External supplier',
  customer: 'Customer end',
};

const StationLane = memo(function StationLane({ stationId, onEdit }: { stationId: string; onEdit: (() => void) | null }) {
  const name = useBoardStore((s) => s.board.stations[stationId]?.name ?? '');
  const kind = useBoardStore((s) => s.board.stations[stationId]?.kind ?? StationKind.PROCESS);
  const supplies = useBoardStore((s) => outboundLoopIds(s.board, stationId).length > 0);
  const uses = useBoardStore((s) => inboundLoopIds(s.board, stationId).length > 0);
  const starved = useShallowStore((s) => starvedInputIds(s.board, stationId));
  const late = useBoardStore((s) => overdueCount(s.board, stationId, s.now));
  const showColumns = supplies || kind !== StationKind.CUSTOMER;
  return (
    <section
      className={`lane lane-${kind}${starved.length > 0 ? ' is-starved' : ''}`}
      aria-labelledby={`lane-${stationId}`}
      data-testid={`lane-${stationId}`}
    >
      <div className="lane-title">
        <h2 id={`lane-${stationId}`}>{name}</h2>
        <div className="muted small">{KIND_LABEL[kind]}</div>
        <div className="lane-flags">
          {starved.length > 0 ? (
            <span className="flag flag-starved" data-testid="starved">
              <Icon name="warning" /> Starved
            </span>
          ) : null}
          {late > 0 ? (
            <span className="flag flag-overdue">
              <Icon name="clock" /> {late} overdue
            </span>
          ) : null}
        </div>
        <div className="lane-actions">
          {onEdit ? (
            <button type="button" className="btn btn-small" onClick={onEdit} aria-label={`Edit station ${name}`}>
              <Icon name="edit" /> Edit
            </button>
          ) : null}
          <a className="btn btn-small btn-quiet" href={`/station/${encodeURIComponent(stationId)}`} onClick={onLinkClick}>
            Tablet view
          </a>
          {supplies ? (
            <a className="btn btn-small btn-quiet" href={printPath('station', stationId)} onClick={onLinkClick} aria-label={`Print the cards of ${name}`}>
              Print cards
            </a>
          ) : null}
        </div>
        <AndonControls stationId={stationId} compact />
      </div>
      {showColumns ? (
        COLUMNS.map((c) => <BoardColumn key={c} stationId={stationId} column={c} mode="lead" />)
      ) : (
        <div className="lane-customer-note muted">
          The customer end: demand enters here by using finished goods.
        </div>
      )}
      <section className="lane-inbound" aria-label={`Inbound material used at ${name}`}>
        {uses ? <InboundList stationId={stationId} /> : <p className="muted small">Uses no loop.</p>}
      </section>
    </section>
  );
});
