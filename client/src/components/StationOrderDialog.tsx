// The order of the value stream, upstream to downstream: drag a station to its place, or
// use Move up / Move down (keyboard and touch; Alt+Arrow keys on a focused row). Each move
// is one station.update with its new position; the server keeps external suppliers first
// and the customer end last, and says so when a move would break that.
import { useState } from 'react';
import type { DragEvent, KeyboardEvent } from 'react';
import { orderedStations } from '../../../shared/board.ts';
import { useShallowStore } from '../store/hooks.ts';
import { configure } from '../app/runtime.ts';
import { Dialog } from './Dialog.tsx';
import { useTranslations } from 'use-intl';
import { refusalReason } from '../store/messages.ts';
import { store } from '../store/hooks.ts';


export function StationOrderDialog({ onClose }: { onClose: () => void }) {
  const stations = useShallowStore((s) => orderedStations(s.board));
  const [dragging, setDragging] = useState<string | null>(null);
  const [over, setOver] = useState<number | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const t = useTranslations();

  async function moveTo(stationId: string, position: number) {
    const st = stations.find((s) => s.id === stationId);
    if (!st || position < 0 || position >= stations.length || position === st.position) return;
    setNote(null);
    const ack = await configure('station.update', { stationId, position }, t('stationForm.moveLabel', { name: st.name }));
    if (ack.ok) setStatus(t('stationOrder.moved', { name: st.name, place: position + 1, count: stations.length }));
    else setNote(refusalReason(ack.error, store.getState().board));
  }

  function onKeyDown(e: KeyboardEvent<HTMLLIElement>, stationId: string, index: number) {
    if (!e.altKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
    e.preventDefault();
    void moveTo(stationId, e.key === 'ArrowUp' ? index - 1 : index + 1);
  }

  function onDrop(e: DragEvent, index: number) {
    e.preventDefault();
    const id = dragging;
    setDragging(null);
    setOver(null);
    if (id) void moveTo(id, index);
  }

  return (
    <Dialog title={t('stationOrder.title')} onClose={onClose}>
      <p className="muted small">{t('stationOrder.hint')}</p>
      <ol className="station-order" data-testid="station-order">
        {stations.map((st, i) => (
          <li
            key={st.id}
            tabIndex={0}
            draggable
            data-testid={`station-order-${st.id}`}
            className={`${dragging === st.id ? 'is-dragging' : ''}${over === i && dragging !== st.id ? ' is-over' : ''}`}
            aria-label={t('stationOrder.row', { place: i + 1, name: st.name, kind: t(`common.stationKinds.${st.kind}`) })}
            onKeyDown={(e) => onKeyDown(e, st.id, i)}
            onDragStart={(e) => {
              e.dataTransfer.effectAllowed = 'move';
              e.dataTransfer.setData('text/plain', st.id);
              setDragging(st.id);
            }}
            onDragEnd={() => {
              setDragging(null);
              setOver(null);
            }}
            onDragOver={(e) => {
              if (dragging === null) return;
              e.preventDefault();
              setOver(i);
            }}
            onDrop={(e) => onDrop(e, i)}
          >
            <span className="grip" aria-hidden="true">
              ⠿
            </span>
            <span className="station-order-name">
              {i + 1}. {st.name}
            </span>
            <span className="station-order-kind">{t(`common.stationKinds.${st.kind}`)}</span>
            <button type="button" className="btn btn-small" disabled={i === 0} aria-label={t('stationOrder.up', { name: st.name })} onClick={() => void moveTo(st.id, i - 1)}>
              {t('stationOrder.upButton')}
            </button>
            <button
              type="button"
              className="btn btn-small"
              disabled={i === stations.length - 1}
              aria-label={t('stationOrder.down', { name: st.name })}
              onClick={() => void moveTo(st.id, i + 1)}
            >
              {t('stationOrder.downButton')}
            </button>
          </li>
        ))}
      </ol>
      {note ? (
        <p className="form-error" role="alert">
          {note}
        </p>
      ) : null}
      <p className="sr-only" role="status" aria-live="polite">
        {status}
      </p>
    </Dialog>
  );
}
