// Loops (kanban circuits): create one, or change its card count, lead time, container
// quantity, name and input loops. The server checks the rules (inputs must be consumed
// at the loop's supplying station, cards in process cannot be removed, ...).
import { useState } from 'react';
import type { FormEvent } from 'react';
import { Limits, StationKind } from '../../../shared/names.ts';
import type { Loop } from '../../../shared/schemas.ts';
import { useBoardStore, useShallowStore } from '../store/hooks.ts';
import { stationIds } from '../store/selectors.ts';
import { FormKey, configure } from '../app/runtime.ts';
import { duration } from '../format.ts';
import { Dialog, FormFooter } from './Dialog.tsx';
import { Icon } from './Icon.tsx';
import { onLinkClick, printPath } from '../router.ts';
import { ConfirmAction } from './ConfirmAction.tsx';
import { sameLoops } from '../../../shared/board.ts';

export function LoopsDialog({ onClose }: { onClose: () => void }) {
  const loopIds = useShallowStore((s) =>
    Object.values(s.board.loops)
      .sort((a, b) => (s.board.stations[a.supplierStationId]?.position ?? 0) - (s.board.stations[b.supplierStationId]?.position ?? 0) || (a.partNumber < b.partNumber ? -1 : 1))
      .map((l) => l.id),
  );
  const [editing, setEditing] = useState<string | 'new' | null>(null);
  return (
    <Dialog title="Loops" onClose={onClose} wide>
      <div className="loops-toolbar">
        <button type="button" className="btn btn-primary" onClick={() => setEditing('new')}>
          <Icon name="plus" /> New loop
        </button>
      </div>
      {editing === 'new' ? <LoopForm loop={undefined} onDone={() => setEditing(null)} /> : null}
      <table className="loops-table">
        <thead>
          <tr>
            <th scope="col">Part</th>
            <th scope="col">From → to</th>
            <th scope="col">Cards</th>
            <th scope="col">Qty</th>
            <th scope="col">Lead time</th>
            <th scope="col">Inputs</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {loopIds.map((id) =>
            editing === id ? (
              <tr key={id}>
                <td colSpan={7}>
                  <LoopFormById loopId={id} onDone={() => setEditing(null)} />
                </td>
              </tr>
            ) : (
              <LoopRow key={id} loopId={id} onEdit={() => setEditing(id)} />
            ),
          )}
        </tbody>
      </table>
    </Dialog>
  );
}

function LoopRow({ loopId, onEdit }: { loopId: string; onEdit: () => void }) {
  const board = useBoardStore((s) => s.board);
  const loop = board.loops[loopId];
  if (!loop) return null;
  const inputs = loop.inputLoopIds.map((id) => board.loops[id]?.partNumber ?? id).join(', ');
  return (
    <tr data-testid={`loop-row-${loopId}`}>
      <th scope="row">
        <span className="part">{loop.partNumber}</span>
        <div className="muted small">{loop.partName}</div>
      </th>
      <td>
        {board.stations[loop.supplierStationId]?.name} → {board.stations[loop.consumerStationId]?.name}
      </td>
      <td>{loop.cardCount}</td>
      <td>{loop.containerQty}</td>
      <td>{duration(loop.leadTimeMinutes)}</td>
      <td className="small">{inputs || '—'}</td>
      <td>
        <button type="button" className="btn btn-small" onClick={onEdit} aria-label={`Edit loop ${loop.partNumber}`}>
          <Icon name="edit" /> Edit
        </button>{' '}
        <a className="btn btn-small btn-quiet" href={printPath('loop', loop.id)} onClick={onLinkClick} aria-label={`Print the cards of ${loop.partNumber}`}>
          Print cards
        </a>{' '}
        <ConfirmAction
          label={`Retire ${loop.partNumber}`}
          question={`Retire ${loop.partNumber}? Its ${loop.cardCount} cards leave the board; their history stays in the event log. Cards in progress must be finished or stepped back first.`}
          confirmLabel="Retire loop"
          onConfirm={async () => {
            const ack = await configure('loop.retire', { loopId: loop.id }, `Retire ${loop.partNumber}`);
            if (!ack.ok) throw new Error(ack.error.message);
          }}
        />
      </td>
    </tr>
  );
}

function LoopFormById({ loopId, onDone }: { loopId: string; onDone: () => void }) {
  const loop = useBoardStore((s) => s.board.loops[loopId]);
  return loop ? <LoopForm loop={loop} onDone={onDone} /> : null;
}

const positiveInt = (v: string, max: number) => {
  const n = Number(v);
  return Number.isInteger(n) && n >= 1 && n <= max ? n : null;
};

function LoopForm({ loop, onDone }: { loop: Loop | undefined; onDone: () => void }) {
  const board = useBoardStore((s) => s.board);
  const ids = stationIds(board);
  const suppliers = ids.filter((id) => board.stations[id]?.kind !== StationKind.CUSTOMER);
  const consumers = ids.filter((id) => board.stations[id]?.kind !== StationKind.SUPPLIER);
  const [partNumber, setPartNumber] = useState(loop?.partNumber ?? '');
  const [partName, setPartName] = useState(loop?.partName ?? '');
  const [supplierId, setSupplierId] = useState(loop?.supplierStationId ?? suppliers[0] ?? '');
  const [consumerId, setConsumerId] = useState(loop?.consumerStationId ?? consumers[0] ?? '');
  const [cardCount, setCardCount] = useState(String(loop?.cardCount ?? 3));
  const [qty, setQty] = useState(String(loop?.containerQty ?? 10));
  const [lead, setLead] = useState(String(loop?.leadTimeMinutes ?? 60));
  const [inputs, setInputs] = useState<string[]>(loop?.inputLoopIds ?? []);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [formKey] = useState(() => new FormKey());

  // A second loop of the same part between the same two stations is most likely a slip.
  const twins = loop ? [] : sameLoops(board, partNumber, supplierId, consumerId);
  // Inputs are loops whose containers are used at this loop's supplying station.
  const candidates = Object.values(board.loops).filter(
    (l) => l.consumerStationId === supplierId && l.id !== loop?.id,
  );

  async function submit(e: FormEvent) {
    e.preventDefault();
    const n = positiveInt(cardCount, Limits.MAX_CARDS_PER_LOOP);
    const q = positiveInt(qty, Limits.MAX_CONTAINER_QTY);
    const l = Number(lead);
    if (n === null) return setError(`Cards: a whole number from 1 to ${Limits.MAX_CARDS_PER_LOOP}.`);
    if (q === null) return setError('Container quantity: a whole number of at least 1.');
    if (!(l > 0 && l <= Limits.MAX_LEAD_TIME_MINUTES)) return setError('Lead time: minutes, more than 0.');
    const inputLoopIds = inputs.filter((id) => candidates.some((c) => c.id === id));
    setBusy(true);
    setError(null);
    const ack = loop
      ? await configure(
          'loop.update',
          { loopId: loop.id, partName: partName.trim(), cardCount: n, containerQty: q, leadTimeMinutes: l, inputLoopIds },
          `Save loop ${loop.partNumber}`,
          formKey.next(),
        )
      : await configure(
          'loop.create',
          {
            partNumber: partNumber.trim(),
            partName: partName.trim(),
            supplierStationId: supplierId,
            consumerStationId: consumerId,
            cardCount: n,
            containerQty: q,
            leadTimeMinutes: l,
            inputLoopIds,
          },
          `Create loop ${partNumber.trim()}`,
          formKey.next(),
        );
    formKey.settle(ack);
    setBusy(false);
    if (ack.ok) onDone();
    else setError(ack.error.message);
  }

  return (
    <form className="form form-loop" onSubmit={(e) => void submit(e)} aria-label={loop ? `Edit loop ${loop.partNumber}` : 'New loop'}>
      <div className="form-grid">
        <label>
          Part number
          <input value={partNumber} maxLength={Limits.PART_NUMBER} onChange={(e) => setPartNumber(e.target.value)} disabled={!!loop} required />
        </label>
        <label>
          Part name
          <input value={partName} maxLength={Limits.PART_NAME} onChange={(e) => setPartName(e.target.value)} />
        </label>
        <label>
          Supplying station
          <select value={supplierId} onChange={(e) => setSupplierId(e.target.value)} disabled={!!loop}>
            {suppliers.map((id) => (
              <option key={id} value={id}>
                {board.stations[id]?.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Consuming station
          <select value={consumerId} onChange={(e) => setConsumerId(e.target.value)} disabled={!!loop}>
            {consumers.map((id) => (
              <option key={id} value={id}>
                {board.stations[id]?.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Cards
          <input inputMode="numeric" value={cardCount} onChange={(e) => setCardCount(e.target.value)} />
        </label>
        <label>
          Container quantity (pcs)
          <input inputMode="numeric" value={qty} onChange={(e) => setQty(e.target.value)} />
        </label>
        <label>
          Lead time (minutes)
          <input inputMode="decimal" value={lead} onChange={(e) => setLead(e.target.value)} />
        </label>
      </div>
      <fieldset>
        <legend>Input loops (used up when a card of this loop is started)</legend>
        {candidates.length === 0 ? (
          <p className="muted small">No loop delivers to the supplying station yet.</p>
        ) : (
          <div className="checks">
            {candidates.map((c) => (
              <label key={c.id} className="check">
                <input
                  type="checkbox"
                  checked={inputs.includes(c.id)}
                  onChange={(e) =>
                    setInputs((xs) => (e.target.checked ? [...xs, c.id] : xs.filter((x) => x !== c.id)))
                  }
                />
                {c.partNumber} <span className="muted">{c.partName}</span>
              </label>
            ))}
          </div>
        )}
      </fieldset>
      {twins.length > 0 ? (
        <p className="form-warning" role="status" data-testid="duplicate-part">
          <Icon name="warning" /> {board.stations[supplierId]?.name} already supplies {twins[0]!.partNumber} to {board.stations[consumerId]?.name} (
          {twins[0]!.cardCount} cards). Add cards to that loop instead, or create this one anyway.
        </p>
      ) : null}
      <FormFooter error={error} busy={busy} submitLabel={loop ? 'Save loop' : twins.length > 0 ? 'Create anyway' : 'Create loop'} onCancel={onDone} />
    </form>
  );
}
