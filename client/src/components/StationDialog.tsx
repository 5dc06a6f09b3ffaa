// Editing a station (name, kind, WIP limits, soft flags, its place in the value stream,
// removing it) or adding one.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { Limits, StationKind } from '../../../shared/names.ts';
import type { Station } from '../../../shared/schemas.ts';
import { orderedStations } from '../../../shared/board.ts';
import { useBoardStore } from '../store/hooks.ts';
import { FormKey, configure } from '../app/runtime.ts';
import { Dialog, FormFooter } from './Dialog.tsx';
import { ConfirmAction } from './ConfirmAction.tsx';
import { useTranslations } from 'use-intl';
import { refusalReason } from '../store/messages.ts';
import { store } from '../store/hooks.ts';

/** "" -> null (no limit); otherwise a whole number of at least 1 (0 would lock the column). */
function parseLimit(v: string): number | null | 'zero' | 'invalid' {
  const t = v.trim();
  if (t === '') return null;
  const n = Number(t);
  if (n === 0) return 'zero';
  return Number.isInteger(n) && n >= 1 && n <= Limits.MAX_WIP_LIMIT ? n : 'invalid';
}

const KIND_OPTIONS: readonly StationKind[] = [StationKind.PROCESS, StationKind.SUPPLIER, StationKind.CUSTOMER];

export function StationDialog({ stationId, onClose }: { stationId: string | null; onClose: () => void }) {
  const station = useBoardStore((s) => (stationId ? s.board.stations[stationId] : undefined));
  const t = useTranslations('stationForm');
  return (
    <Dialog title={station ? t('editTitle', { name: station.name }) : t('addTitle')} onClose={onClose}>
      <StationForm station={station} onDone={onClose} />
    </Dialog>
  );
}

function StationForm({ station, onDone }: { station: Station | undefined; onDone: () => void }) {
  const [name, setName] = useState(station?.name ?? '');
  const [kind, setKind] = useState<StationKind>(station?.kind ?? StationKind.PROCESS);
  const [inProgress, setInProgress] = useState(station?.wipLimits.inProgress?.toString() ?? '');
  const [done, setDone] = useState(station?.wipLimits.done?.toString() ?? '');
  const [softIp, setSoftIp] = useState(station?.softLimits.inProgress ?? false);
  const [softDone, setSoftDone] = useState(station?.softLimits.done ?? false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [formKey] = useState(() => new FormKey());
  const t = useTranslations();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const ip = parseLimit(inProgress);
    const dn = parseLimit(done);
    if (name.trim() === '') return setError(t('stationForm.errName'));
    if (ip === 'zero' || dn === 'zero') return setError(t('stationForm.errZero'));
    if (ip === 'invalid' || dn === 'invalid') return setError(t('stationForm.errInvalid'));
    setBusy(true);
    setError(null);
    const wipLimits = { inProgress: ip, done: dn };
    const softLimits = { inProgress: softIp, done: softDone };
    const ack = station
      ? await configure(
          'station.update',
          { stationId: station.id, name: name.trim(), wipLimits, softLimits, ...(kind !== station.kind ? { kind } : {}) },
          t('stationForm.saveLabel', { name: station.name }),
          formKey.next(),
        )
      : await configure('station.create', { name: name.trim(), kind, wipLimits, softLimits }, t('lead.addStation'), formKey.next());
    formKey.settle(ack);
    setBusy(false);
    if (ack.ok) onDone();
    else setError(refusalReason(ack.error, store.getState().board));
  }

  return (
    <form className="form" onSubmit={(e) => void submit(e)}>
      <label>
        {t('stationForm.name')}
        <input value={name} maxLength={Limits.NAME} onChange={(e) => setName(e.target.value)} required />
      </label>
      <label>
        {t('stationForm.kind')}
        <select value={kind} onChange={(e) => setKind(KIND_OPTIONS.find((o) => o === e.target.value) ?? kind)}>
          {KIND_OPTIONS.map((o) => (
            <option key={o} value={o}>
              {t(`lead.kinds.${o}`)}
            </option>
          ))}
        </select>
        {station && kind !== station.kind ? (
          <span className="muted small">{t('stationForm.kindMoves')}</span>
        ) : null}
      </label>
      <fieldset>
        <legend>{t('stationForm.limits')}</legend>
        <div className="form-row">
          <label>
            {t('common.columns.in_progress')}
            <input inputMode="numeric" value={inProgress} onChange={(e) => setInProgress(e.target.value)} />
          </label>
          <label className="check">
            <input type="checkbox" checked={softIp} onChange={(e) => setSoftIp(e.target.checked)} />
            {t('stationForm.soft')}
          </label>
        </div>
        <div className="form-row">
          <label>
            {t('stationForm.doneSupermarket')}
            <input inputMode="numeric" value={done} onChange={(e) => setDone(e.target.value)} />
          </label>
          <label className="check">
            <input type="checkbox" checked={softDone} onChange={(e) => setSoftDone(e.target.checked)} />
            {t('stationForm.soft')}
          </label>
        </div>
      </fieldset>
      <FormFooter error={error} busy={busy} submitLabel={t('common.save')} onCancel={onDone} />
      {station ? <StationPlace station={station} onRemoved={onDone} /> : null}
    </form>
  );
}

/** The station's place in the value stream (earlier, later) and removing it. */
function StationPlace({ station, onRemoved }: { station: Station; onRemoved: () => void }) {
  const count = useBoardStore((s) => orderedStations(s.board).length);
  const index = useBoardStore((s) => orderedStations(s.board).findIndex((x) => x.id === station.id));
  const [note, setNote] = useState<string | null>(null);
  const t = useTranslations('stationForm');
  async function moveTo(position: number) {
    setNote(null);
    const ack = await configure('station.update', { stationId: station.id, position }, t('moveLabel', { name: station.name }));
    if (!ack.ok) setNote(refusalReason(ack.error, store.getState().board));
  }
  return (
    <div className="station-place">
      <div className="form-row" role="group" aria-label={t('placeOf', { name: station.name })}>
        <span>
          {t.rich('place', { index: index + 1, count, strong: (chunks) => <strong>{chunks}</strong> })}
        </span>
        <button type="button" className="btn btn-small" disabled={index <= 0} onClick={() => void moveTo(index - 1)}>
          {t('earlier')}
        </button>
        <button type="button" className="btn btn-small" disabled={index < 0 || index >= count - 1} onClick={() => void moveTo(index + 1)}>
          {t('later')}
        </button>
      </div>
      {note ? (
        <p className="form-error" role="alert">
          {note}
        </p>
      ) : null}
      <ConfirmAction
        label={t('remove')}
        question={t('removeQuestion', { name: station.name })}
        confirmLabel={t('remove')}
        onConfirm={async () => {
          const ack = await configure('station.remove', { stationId: station.id }, t('removeLabel', { name: station.name }));
          if (!ack.ok) throw new Error(refusalReason(ack.error, store.getState().board));
          onRemoved();
        }}
      />
    </div>
  );
}
