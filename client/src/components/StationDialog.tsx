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

/** "" -> null (no limit); otherwise a whole number of at least 1 (0 would lock the column). */
function parseLimit(v: string): number | null | 'zero' | 'invalid' {
  const t = v.trim();
  if (t === '') return null;
  const n = Number(t);
  if (n === 0) return 'zero';
  return Number.isInteger(n) && n >= 1 && n <= Limits.MAX_WIP_LIMIT ? n : 'invalid';
}

const KIND_OPTIONS: Array<{ kind: StationKind; label: string }> = [
  { kind: StationKind.PROCESS, label: 'Process' },
  { kind: StationKind.SUPPLIER, label: 'External supplier' },
  { kind: StationKind.CUSTOMER, label: 'Customer end' },
];

export function StationDialog({ stationId, onClose }: { stationId: string | null; onClose: () => void }) {
  const station = useBoardStore((s) => (stationId ? s.board.stations[stationId] : undefined));
  return (
    <Dialog title={station ? `Edit station: ${station.name}` : 'Add a station'} onClose={onClose}>
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

  async function submit(e: FormEvent) {
    e.preventDefault();
    const ip = parseLimit(inProgress);
    const dn = parseLimit(done);
    if (name.trim() === '') return setError('A station needs a name.');
    if (ip === 'zero' || dn === 'zero') return setError('A WIP limit of 0 would lock the column: leave it empty for no limit.');
    if (ip === 'invalid' || dn === 'invalid') return setError('Limits are whole numbers, or empty for no limit.');
    setBusy(true);
    setError(null);
    const wipLimits = { inProgress: ip, done: dn };
    const softLimits = { inProgress: softIp, done: softDone };
    const ack = station
      ? await configure(
          'station.update',
          { stationId: station.id, name: name.trim(), wipLimits, softLimits, ...(kind !== station.kind ? { kind } : {}) },
          `Save ${station.name}`,
          formKey.next(),
        )
      : await configure('station.create', { name: name.trim(), kind, wipLimits, softLimits }, 'Add station', formKey.next());
    formKey.settle(ack);
    setBusy(false);
    if (ack.ok) onDone();
    else setError(ack.error.message);
  }

  return (
    <form className="form" onSubmit={(e) => void submit(e)}>
      <label>
        Name
        <input value={name} maxLength={Limits.NAME} onChange={(e) => setName(e.target.value)} required />
      </label>
      <label>
        Kind
        <select value={kind} onChange={(e) => setKind(KIND_OPTIONS.find((o) => o.kind === e.target.value)?.kind ?? kind)}>
          {KIND_OPTIONS.map((o) => (
            <option key={o.kind} value={o.kind}>
              {o.label}
            </option>
          ))}
        </select>
        {station && kind !== station.kind ? (
          <span className="muted small">Saving moves the station to where this kind stands in the value stream.</span>
        ) : null}
      </label>
      <fieldset>
        <legend>WIP limits (empty = no limit)</legend>
        <div className="form-row">
          <label>
            In Progress
            <input inputMode="numeric" value={inProgress} onChange={(e) => setInProgress(e.target.value)} />
          </label>
          <label className="check">
            <input type="checkbox" checked={softIp} onChange={(e) => setSoftIp(e.target.checked)} />
            Soft (allow, flag red)
          </label>
        </div>
        <div className="form-row">
          <label>
            Done (supermarket)
            <input inputMode="numeric" value={done} onChange={(e) => setDone(e.target.value)} />
          </label>
          <label className="check">
            <input type="checkbox" checked={softDone} onChange={(e) => setSoftDone(e.target.checked)} />
            Soft (allow, flag red)
          </label>
        </div>
      </fieldset>
      <FormFooter error={error} busy={busy} submitLabel={'Save'} onCancel={onDone} />
      {station ? <StationPlace station={station} onRemoved={onDone} /> : null}
    </form>
  );
}

/** The station's place in the value stream (earlier, later) and removing it. */
function StationPlace({ station, onRemoved }: { station: Station; onRemoved: () => void }) {
  const count = useBoardStore((s) => orderedStations(s.board).length);
  const index = useBoardStore((s) => orderedStations(s.board).findIndex((x) => x.id === station.id));
  const [note, setNote] = useState<string | null>(null);
  async function moveTo(position: number) {
    setNote(null);
    const ack = await configure('station.update', { stationId: station.id, position }, `Move ${station.name}`);
    if (!ack.ok) setNote(ack.error.message);
  }
  return (
    <div className="station-place">
      <div className="form-row" role="group" aria-label={`Place of ${station.name} in the value stream`}>
        <span>
          Place in the value stream: <strong>{index + 1}</strong> of {count}
        </span>
        <button type="button" className="btn btn-small" disabled={index <= 0} onClick={() => void moveTo(index - 1)}>
          Move earlier
        </button>
        <button type="button" className="btn btn-small" disabled={index < 0 || index >= count - 1} onClick={() => void moveTo(index + 1)}>
          Move later
        </button>
      </div>
      {note ? (
        <p className="form-error" role="alert">
          {note}
        </p>
      ) : null}
      <ConfirmAction
        label="Remove station"
        question={`Remove ${station.name}? Its history stays in the event log. A station that still has loops cannot be removed: retire them first.`}
        confirmLabel="Remove station"
        onConfirm={async () => {
          const ack = await configure('station.remove', { stationId: station.id }, `Remove ${station.name}`);
          if (!ack.ok) throw new Error(ack.error.message);
          onRemoved();
        }}
      />
    </div>
  );
}
