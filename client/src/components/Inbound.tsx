// Inbound full containers a station uses (loops it consumes), with a Use button each.
// An empty input while the station has work requested is a starved state: a material call.
import { memo, useMemo } from 'react';
import { useBoardStore, useShallowStore } from '../store/hooks.ts';
import { fullCount, inboundLoopIds, starvedInputIds } from '../store/selectors.ts';
import { consumeLoop } from '../app/runtime.ts';
import { loopUseRefusal } from '../app/access.ts';
import { Icon } from './Icon.tsx';
import { RiskMark } from './RiskMark.tsx';
import { useTranslations } from 'use-intl';

const InboundLoop = memo(function InboundLoop({
  loopId,
  starved,
  big,
}: {
  loopId: string;
  starved: boolean;
  big: boolean;
}) {
  const loop = useBoardStore((s) => s.board.loops[loopId]);
  const full = useBoardStore((s) => fullCount(s.board, loopId));
  const supplier = useBoardStore((s) => (loop ? s.board.stations[loop.supplierStationId]?.name : undefined));
  const mayUse = useBoardStore((s) => loopUseRefusal(s.board, s.identity, loopId) === null);
  // Uses of this part not answered by the server yet (made offline, or on their way).
  const pendingUses = useBoardStore((s) =>
    s.pending.reduce((n, p) => (p.ackSeq === null && p.command.type === 'loop.consume' && p.command.loopId === loopId ? n + 1 : n), 0),
  );
  const t = useTranslations('inbound');
  const useWord = useTranslations('card')('use');
  if (!loop) return null;
  const empty = full === 0;
  return (
    <li
      className={`inbound-loop${empty ? ' is-empty' : ''}${starved ? ' is-starved' : ''}`}
      data-testid={`inbound-${loopId}`}
      data-full={full}
      data-pending={pendingUses > 0 ? 'true' : 'false'}
    >
      <div className="inbound-info">
        <div className="card-line">
          <span className="part">{loop.partNumber}</span>
          <span className="inbound-count">
            <strong>{full}</strong> {t('full')} <span className="muted">{t('ofCount', { count: loop.cardCount })}</span>
          </span>
        </div>
        {loop.partName ? <div className="part-name">{loop.partName}</div> : null}
        <div className="muted small">
          {t('fromSupplier', { qty: loop.containerQty, supplier: supplier ?? '?' })}
        </div>
        {pendingUses > 0 ? (
          <div className="flag flag-pending" data-testid="pending-note">
            <Icon name="clock" /> {t('usesNotSent', { count: pendingUses })}
          </div>
        ) : null}
        {starved ? (
          <div className="flag flag-starved">
            <Icon name="warning" /> {t('starved')}
          </div>
        ) : empty ? (
          <div className="flag flag-empty">
            <Icon name="warning" /> {t('empty')}
          </div>
        ) : null}
        <RiskMark loopId={loopId} />
      </div>
      {mayUse ? (
        <button
          type="button"
          className={`btn btn-use${big ? ' btn-big' : ' btn-small'}`}
          onClick={() => void consumeLoop(loopId)}
          disabled={empty}
          aria-label={t('useName', { part: loop.partNumber })}
        >
          <Icon name="use" /> {useWord}
        </button>
      ) : null}
    </li>
  );
});

export function InboundList({
  stationId,
  big = false,
  loops = null,
}: {
  stationId: string;
  big?: boolean;
  /** Show only these loops (a search on the lead board); null shows all. */
  loops?: ReadonlySet<string> | null;
}) {
  const all = useShallowStore((s) => inboundLoopIds(s.board, stationId));
  const starved = useShallowStore((s) => starvedInputIds(s.board, stationId));
  const ids = useMemo(() => (loops === null ? all : all.filter((id) => loops.has(id))), [all, loops]);
  const t = useTranslations('inbound');
  if (all.length === 0) return <p className="muted small">{t('none')}</p>;
  if (ids.length === 0) return <p className="muted small">{t('noneMatching')}</p>;
  return (
    <ul className="inbound-list">
      {ids.map((id) => (
        <InboundLoop key={id} loopId={id} starved={starved.includes(id)} big={big} />
      ))}
    </ul>
  );
}
