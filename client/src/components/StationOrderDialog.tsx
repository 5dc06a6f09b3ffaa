// The order of the value stream, upstream to downstream: drag a station to its place, or
// use Move up / Move down (keyboard and touch; Alt+Arrow keys on a focused row). Each move
// is one station.update with its new position; the server keeps external suppliers first
// and the customer end last, and says so when a move would break that.
import { useState } from 'react';
import type { DragEvent, KeyboardEvent } from 'react';
import { orderedStations } from '../../../shared/board.ts';
import { StationKind } from '../../../shared/names.ts';
import { useShallowStore } from '../store/hooks.ts';
import { configure } from '../app/runtime.ts';
import { Dialog } from './Dialog.tsx';

const KIND_WORDS: Record<StationKind, string> = {
  [StationKind.SUPPLIER]: 'external supplier',
  [StationKind.PROCESS]: 'process',
  [StationKind.CUSTOMER]: 'customer end',
};

export function StationOrderDialog({ onClose }: { onClose: () => void }) {
  const stations = useShallowStore((s) => orderedStations(s.board));
  const [dragging, setDragging] = useState<string | null>(null);
  const [over, setOver] = useState<number | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [status, setStatus] = useState('');

  async function moveTo(stationId: string, position: number) {
    const st = stations.find((s) => s.id === stationId);
    if (!st || position < 0 || position >= stations.length || position === st.position) return;
    setNote(null);
    const ack = await configure('station.update', { stationId, position }, `Move ${st.name}`);
    if (ack.ok) setStatus(`${st.name} moved to place ${position + 1} of ${stations.length}.`);
    else setNote(ack.error.message);
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
    <Dialog title="Order of stations" onClose={onClose}>
      <p className="muted small">
        Upstream first. Drag a station to its place, or use Move up and Move down (Alt+↑ / Alt+↓ on a focused row). External
        suppliers stay first and the customer end last.
      </p>
      <ol className="station-order" data-testid="station-order">
        {stations.map((st, i) => (
          <li
            key={st.id}
            tabIndex={0}
            draggable
            data-testid={`station-order-${st.id}`}
            className={`${dragging === st.id ? 'is-dragging' : ''}${over === i && dragging !== st.id ? ' is-over' : ''}`}
            aria-label={`${i + 1}. ${st.name}, ${KIND_WORDS[st.kind]}`}
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
            <span className="station-order-kind">{KIND_WORDS[st.kind]}</span>
            <button type="button" className="btn btn-small" disabled={i === 0} aria-label={`Move ${st.name} up`} onClick={() => void moveTo(st.id, i - 1)}>
              ↑ Up
            </button>
            <button
              type="button"
              className="btn btn-small"
              disabled={i === stations.length - 1}
              aria-label={`Move ${st.name} down`}
              onClick={() => void moveTo(st.id, i + 1)}
            >
              ↓ Down
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
