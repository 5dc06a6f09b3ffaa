// Editing a station (name, WIP limits, soft flags) or adding one.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { Limits, StationKind } from '../../../shared/names.ts';
import type { Station } from '../../../shared/schemas.ts';
import { useBoardStore } from '../store/hooks.ts';
import { FormKey, configure } from '../app/runtime.ts';
import { Dialog, FormFooter } from './Dialog.tsx';

/** "" -> null (no limit); otherwise a whole number. */
function parseLimit(v: string): number | null | 'invalid' {
  const t = v.trim();
  if (t === '') return null;
  const n = Number(t);
  return Number.isInteger(n) && n >= 0 && n <= Limits.MAX_WIP_LIMIT ? n : 'invalid';
}

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
    if (ip === 'invalid' || dn === 'invalid') return setError('Limits are whole numbers, or empty for no limit.');
    setBusy(true);
    setError(null);
    const wipLimits = { inProgress: ip, done: dn };
    const softLimits = { inProgress: softIp, done: softDone };
    const ack = station
      ? await configure('station.update', { stationId: station.id, name: name.trim(), wipLimits, softLimits }, `Save ${station.name}`, formKey.next())
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
      {station ? null : (
        <label>
          Kind
          <select value={kind} onChange={(e) => setKind(e.target.value as StationKind)}>
            <option value={StationKind.PROCESS}>Process</option>
            <option value={StationKind.SUPPLIER}>External supplier</option>
            <option value={StationKind.CUSTOMER}>Customer end</option>
          </select>
        </label>
      )}
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
    </form>
  );
}
