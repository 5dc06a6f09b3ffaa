// Andon on every screen: a banner of the calls in force (line stop red, help amber,
// material blue, each with an icon and its word, never colour alone), and on the
// station tablet the buttons to raise and clear them.
import { memo, useState } from 'react';
import { AndonKind } from '../../../shared/names.ts';
import { orderedStations } from '../../../shared/board.ts';
import type { BoardState } from '../../../shared/board.ts';
import type { Station } from '../../../shared/schemas.ts';
import { clearAndon, raiseAndon } from '../app/runtime.ts';
import { andonRefusal } from '../app/access.ts';
import { duration, sinceTime } from '../format.ts';
import { useBoardStore, useShallowStore } from '../store/hooks.ts';
import { Icon } from './Icon.tsx';
import type { IconName } from './Icon.tsx';
import { useLocale, useTranslations } from 'use-intl';
import { tr } from '../i18n/store.ts';

/** The icon of each call (always beside its word). */
export const ANDON_ICONS: Record<AndonKind, IconName> = { stop: 'stop', help: 'warning', material: 'box' };

/** Ids of the stations with a call in force, most severe first, upstream first within a kind. */
export function andonStationIds(board: BoardState): string[] {
  const order: AndonKind[] = [AndonKind.STOP, AndonKind.HELP, AndonKind.MATERIAL];
  return orderedStations(board)
    .filter((st) => st.andon !== null)
    .sort((a, b) => order.indexOf(a.andon!.kind) - order.indexOf(b.andon!.kind))
    .map((st) => st.id);
}

/** The calls in force at every station, most severe first; nothing when there are none. */
export function AndonBanner() {
  const ids = useShallowStore((s) => andonStationIds(s.board));
  if (ids.length === 0) return null;
  return (
    <div className="andon-banner" data-testid="andon-banner" role="status">
      {ids.map((id) => (
        <AndonItem key={id} stationId={id} />
      ))}
    </div>
  );
}

/** A station's call in force and "since 14:02 (12 min)", or null when there is none (banner and TV strip). */
export function useAndonCall(stationId: string): { station: Station; andon: NonNullable<Station['andon']>; since: string } | null {
  const station = useBoardStore((s) => s.board.stations[stationId]);
  const now = useBoardStore((s) => s.now);
  const andon = station?.andon;
  if (!station || !andon) return null;
  const raised = Date.parse(andon.raisedAt);
  return { station, andon, since: tr()('andon.since', { time: sinceTime(raised, now), duration: duration((now - raised) / 60_000) }) };
}

const AndonItem = memo(function AndonItem({ stationId }: { stationId: string }) {
  const call = useAndonCall(stationId);
  const t = useTranslations('common');
  const locale = useLocale();
  if (!call) return null;
  const { station, andon, since } = call;
  return (
    <div className={`andon-item andon-${andon.kind}`} data-testid={`andon-${stationId}`} data-kind={andon.kind}>
      <Icon name={ANDON_ICONS[andon.kind]} />
      <strong>{t(`andon.${andon.kind}`).toLocaleUpperCase(locale)}</strong>
      <span className="andon-station">{station.name}</span>
      {andon.note ? <span className="andon-note">{andon.note}</span> : null}
      <span className="andon-since">{since}</span>
    </div>
  );
});

/** The station's own andon: raise a call, escalate it, or clear it (tablet and lead board). */
export function AndonControls({ stationId, compact = false }: { stationId: string; compact?: boolean }) {
  const andon = useBoardStore((s) => s.board.stations[stationId]?.andon ?? null);
  const may = useBoardStore((s) => andonRefusal(s.board, s.identity, stationId) === null);
  const t = useTranslations('andon');
  const [busy, setBusy] = useState(false);
  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await fn();
    } finally {
      setBusy(false);
    }
  };
  const kinds: AndonKind[] = [AndonKind.STOP, AndonKind.HELP, AndonKind.MATERIAL];
  // The lead board only offers to clear a call; raising one is the station's job.
  if (compact && !andon) return null;
  // Who may not raise or clear calls here (a viewer, another station's operator) sees
  // the banner only.
  if (!may) return null;
  return (
    <div className={`andon-controls${compact ? ' compact' : ''}`} data-testid={`andon-controls-${stationId}`}>
      {andon ? (
        <button type="button" className={`btn andon-clear andon-${andon.kind}`} disabled={busy} onClick={() => void run(() => clearAndon(stationId))}>
          <Icon name="check" /> {t(`clear.${andon.kind}`)}
        </button>
      ) : null}
      {kinds
        .filter((k) => !compact && k !== andon?.kind)
        .map((k) => (
          <button
            key={k}
            type="button"
            className={`btn andon-raise andon-${k}`}
            disabled={busy}
            onClick={() => void run(() => raiseAndon(stationId, k))}
          >
            <Icon name={ANDON_ICONS[k]} /> {t(`raise.${k}`)}
          </button>
        ))}
    </div>
  );
}
