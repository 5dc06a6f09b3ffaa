// A station's tablet: its own Requested / In Progress / Done with big Start and Finish
// buttons (drag works too), inbound full containers with a big Use button, and a
// material call when an input is empty. Sized for 1024x768 and gloved fingers.
import { COLUMNS, StationKind } from '../../../shared/names.ts';
import { useBoardStore, useShallowStore } from '../store/hooks.ts';
import { inboundLoopIds, outboundLoopIds, starvedInputIds, stationIds } from '../store/selectors.ts';
import { BoardDnd } from '../components/BoardDnd.tsx';
import { BoardColumn } from '../components/BoardColumn.tsx';
import { InboundList } from '../components/Inbound.tsx';
import { AlertRegion, Loading, RefusedMoves } from '../components/Status.tsx';
import { TopBar } from '../components/TopBar.tsx';
import { Icon } from '../components/Icon.tsx';
import { AndonBanner, AndonControls } from '../components/Andon.tsx';
import { onLinkClick } from '../router.ts';
import { AccessNotice } from '../components/AccessNotice.tsx';
import { BadgeBar } from '../components/Identity.tsx';
import { ScanBox } from '../components/ScanBox.tsx';
import { refusalOf } from '../app/access.ts';
import { UndoBar } from '../components/UndoBar.tsx';
import { useTranslations } from 'use-intl';

export function StationTablet({ stationId }: { stationId: string }) {
  const hasBoard = useBoardStore((s) => s.hasBoard);
  const name = useBoardStore((s) => s.board.stations[stationId]?.name);
  const kind = useBoardStore((s) => s.board.stations[stationId]?.kind);
  const supplies = useBoardStore((s) => outboundLoopIds(s.board, stationId).length > 0);
  const uses = useBoardStore((s) => inboundLoopIds(s.board, stationId).length > 0);
  // Scanning is working at this station: operators bound to it, leads, admins.
  const mayScan = useBoardStore((s) => refusalOf(s.board, s.identity, { type: 'card.scan', code: '', stationId }) === null);
  const t = useTranslations('tablet');
  if (!hasBoard) {
    return (
      <div className="screen screen-tablet">
        <TopBar title={t('station')} />
        <Loading />
      </div>
    );
  }
  if (name === undefined) {
    return (
      <div className="screen screen-tablet">
        <TopBar title={t('notFound')} />
        <main className="picker">
          <p>{t('noSuchStation', { id: stationId })}</p>
          <StationPickerList />
        </main>
      </div>
    );
  }
  const showColumns = supplies || kind !== StationKind.CUSTOMER;
  return (
    <div className="screen screen-tablet" data-testid="station-tablet" data-station={stationId}>
      <TopBar title={name}>
        <a href="/station" className="btn btn-quiet" onClick={onLinkClick}>
          {t('stations')}
        </a>
      </TopBar>
      <BadgeBar />
      <AccessNotice stationId={stationId} />
      <AlertRegion />
      <RefusedMoves />
      <AndonBanner />
      <AndonControls stationId={stationId} />
      {mayScan ? <ScanBox stationId={stationId} /> : null}
      <MaterialCall stationId={stationId} />
      <BoardDnd>
        <main className={`tablet${showColumns ? '' : ' tablet-customer'}${uses ? '' : ' tablet-no-inbound'}`}>
          {showColumns ? COLUMNS.map((c) => <BoardColumn key={c} stationId={stationId} column={c} mode="tablet" />) : null}
          {uses || !showColumns ? (
            <section className="tablet-inbound" aria-labelledby="inbound-title">
              <header className="column-head">
                <h2 id="inbound-title">{showColumns ? t('inbound') : t('finishedGoods')}</h2>
              </header>
              <InboundList stationId={stationId} big />
            </section>
          ) : null}
        </main>
      </BoardDnd>
      <UndoBar />
    </div>
  );
}

/** The starved state: which input is empty and who supplies it. */
function MaterialCall({ stationId }: { stationId: string }) {
  const starved = useShallowStore((s) => starvedInputIds(s.board, stationId));
  const t = useTranslations('tablet');
  const parts = useShallowStore((s) =>
    starved.map((id) => {
      const l = s.board.loops[id];
      return l ? t('partFrom', { part: l.partNumber, supplier: s.board.stations[l.supplierStationId]?.name ?? '?' }) : id;
    }),
  );
  if (starved.length === 0) return null;
  return (
    <section className="material-call" data-testid="material-call" aria-label={t('materialCall')}>
      <Icon name="warning" />
      <div>
        {t.rich('starved', { parts: parts.join(t('listSeparator')), strong: (chunks) => <strong>{chunks}</strong> })}
      </div>
    </section>
  );
}

export function StationPicker() {
  const hasBoard = useBoardStore((s) => s.hasBoard);
  const t = useTranslations('tablet');
  return (
    <div className="screen screen-tablet">
      <TopBar title={t('choose')} />
      <main className="picker">{hasBoard ? <StationPickerList /> : <Loading />}</main>
    </div>
  );
}

function StationPickerList() {
  const ids = useShallowStore((s) => stationIds(s.board));
  const names = useShallowStore((s) => ids.map((id) => s.board.stations[id]?.name ?? id));
  return (
    <ul className="picker-list">
      {ids.map((id, i) => (
        <li key={id}>
          <a className="btn btn-big" href={`/station/${encodeURIComponent(id)}`} onClick={onLinkClick}>
            {names[i]}
          </a>
        </li>
      ))}
    </ul>
  );
}
