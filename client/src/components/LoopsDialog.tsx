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
import { useTranslations } from 'use-intl';
import { refusalReason } from '../store/messages.ts';
import { store } from '../store/hooks.ts';

export function LoopsDialog({ onClose }: { onClose: () => void }) {
  const loopIds = useShallowStore((s) =>
    Object.values(s.board.loops)
      .sort((a, b) => (s.board.stations[a.supplierStationId]?.position ?? 0) - (s.board.stations[b.supplierStationId]?.position ?? 0) || (a.partNumber < b.partNumber ? -1 : 1))
      .map((l) => l.id),
  );
  const [editing, setEditing] = useState<string | 'new' | null>(null);
  const t = useTranslations('loops');
  return (
    <Dialog title={t('title')} onClose={onClose} wide>
      <div className="loops-toolbar">
        <button type="button" className="btn btn-primary" onClick={() => setEditing('new')}>
          <Icon name="plus" /> {t('new')}
        </button>
      </div>
      {editing === 'new' ? <LoopForm loop={undefined} onDone={() => setEditing(null)} /> : null}
      <table className="loops-table">
        <thead>
          <tr>
            <th scope="col">{t('colPart')}</th>
            <th scope="col">{t('colRoute')}</th>
            <th scope="col">{t('colCards')}</th>
            <th scope="col">{t('colQty')}</th>
            <th scope="col">{t('colLead')}</th>
            <th scope="col">{t('colInputs')}</th>
            <th scope="col">
              <span className="sr-only">{t('colActions')}</span>
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
  const t = useTranslations('loops');
  if (!loop) return null;
  const inputs = loop.inputLoopIds.map((id) => board.loops[id]?.partNumber ?? id).join(t('listSeparator'));
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
        <button type="button" className="btn btn-small" onClick={onEdit} aria-label={t('editLoop', { part: loop.partNumber })}>
          <Icon name="edit" /> {t('edit')}
        </button>{' '}
        <a className="btn btn-small btn-quiet" href={printPath('loop', loop.id)} onClick={onLinkClick} aria-label={t('printCardsOf', { part: loop.partNumber })}>
          {t('printCards')}
        </a>{' '}
        <ConfirmAction
          label={t('retire', { part: loop.partNumber })}
          question={t('retireQuestion', { part: loop.partNumber, count: loop.cardCount })}
          confirmLabel={t('retireLoop')}
          onConfirm={async () => {
            const ack = await configure('loop.retire', { loopId: loop.id }, t('retire', { part: loop.partNumber }));
            if (!ack.ok) throw new Error(refusalReason(ack.error, store.getState().board));
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
  const t = useTranslations('loops');

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
    if (n === null) return setError(t('errCards', { max: Limits.MAX_CARDS_PER_LOOP }));
    if (q === null) return setError(t('errQty'));
    if (!(l > 0 && l <= Limits.MAX_LEAD_TIME_MINUTES)) return setError(t('errLead'));
    const inputLoopIds = inputs.filter((id) => candidates.some((c) => c.id === id));
    setBusy(true);
    setError(null);
    const ack = loop
      ? await configure(
          'loop.update',
          { loopId: loop.id, partName: partName.trim(), cardCount: n, containerQty: q, leadTimeMinutes: l, inputLoopIds },
          t('saveLoopLabel', { part: loop.partNumber }),
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
          t('createLoopLabel', { part: partNumber.trim() }),
          formKey.next(),
        );
    formKey.settle(ack);
    setBusy(false);
    if (ack.ok) onDone();
    else setError(refusalReason(ack.error, store.getState().board));
  }

  return (
    <form className="form form-loop" onSubmit={(e) => void submit(e)} aria-label={loop ? t('editLoop', { part: loop.partNumber }) : t('new')}>
      <div className="form-grid">
        <label>
          {t('partNumber')}
          <input value={partNumber} maxLength={Limits.PART_NUMBER} onChange={(e) => setPartNumber(e.target.value)} disabled={!!loop} required />
        </label>
        <label>
          {t('partName')}
          <input value={partName} maxLength={Limits.PART_NAME} onChange={(e) => setPartName(e.target.value)} />
        </label>
        <label>
          {t('supplier')}
          <select value={supplierId} onChange={(e) => setSupplierId(e.target.value)} disabled={!!loop}>
            {suppliers.map((id) => (
              <option key={id} value={id}>
                {board.stations[id]?.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('consumer')}
          <select value={consumerId} onChange={(e) => setConsumerId(e.target.value)} disabled={!!loop}>
            {consumers.map((id) => (
              <option key={id} value={id}>
                {board.stations[id]?.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('colCards')}
          <input inputMode="numeric" value={cardCount} onChange={(e) => setCardCount(e.target.value)} />
        </label>
        <label>
          {t('qty')}
          <input inputMode="numeric" value={qty} onChange={(e) => setQty(e.target.value)} />
        </label>
        <label>
          {t('leadMinutes')}
          <input inputMode="decimal" value={lead} onChange={(e) => setLead(e.target.value)} />
        </label>
      </div>
      <fieldset>
        <legend>{t('inputs')}</legend>
        {candidates.length === 0 ? (
          <p className="muted small">{t('noInputs')}</p>
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
          <Icon name="warning" />{' '}
          {t('twin', {
            supplier: board.stations[supplierId]?.name ?? '',
            part: twins[0]!.partNumber,
            consumer: board.stations[consumerId]?.name ?? '',
            count: twins[0]!.cardCount,
          })}
        </p>
      ) : null}
      <FormFooter error={error} busy={busy} submitLabel={loop ? t('saveLoop') : twins.length > 0 ? t('createAnyway') : t('createLoop')} onCancel={onDone} />
    </form>
  );
}
