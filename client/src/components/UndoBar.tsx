// "Used BLK-100 card 2 / 3 — Undo": for a few seconds after this screen's own Use, Start
// or Finish, a big button takes it back (the server's `card.undo` decides whether it
// still may). Announced politely to screen readers; gone after UNDO_SHOW_MS.
import { useEffect } from 'react';
import { useStore } from 'zustand';
import { UNDONE_SHOW_MS, UNDO_SHOW_MS, dismissUndo, undoStore } from '../app/undo.ts';
import { undoStep } from '../app/runtime.ts';
import { Icon } from './Icon.tsx';
import { useTranslations } from 'use-intl';

export function UndoBar() {
  const offer = useStore(undoStore, (s) => s.offer);
  const busy = useStore(undoStore, (s) => s.busy);
  const undone = useStore(undoStore, (s) => s.undone);
  const t = useTranslations();
  useEffect(() => {
    if (!offer) return;
    const left = Math.max(0, offer.at + (undone ? UNDONE_SHOW_MS : UNDO_SHOW_MS) - Date.now());
    const timer = setTimeout(() => dismissUndo(offer.id), left);
    return () => clearTimeout(timer);
  }, [offer, undone]);
  // The step itself is spoken by the announcer (client/src/app/announce.ts); this bar only
  // speaks "Undone", so a screen reader does not hear the step twice.
  if (offer && undone) {
    return (
      <div className="undo-bar-slot" role="status" aria-live="polite">
        <div className="undo-bar is-undone" data-testid="undo-bar" key={offer.id}>
          <Icon name="back" />
          <span className="undo-text">{t('undo.undone', { text: offer.text })}</span>
        </div>
      </div>
    );
  }
  return (
    <div className="undo-bar-slot">
      {offer ? (
        <div className="undo-bar" data-testid="undo-bar" key={offer.id}>
          <Icon name="check" />
          <span className="undo-text">{offer.text}</span>
          <button type="button" className="btn btn-big undo-button" disabled={busy} onClick={() => void undoStep(offer)}>
            {busy ? t('undo.undoing') : t('undo.undo')}
          </button>
          <button type="button" className="btn btn-quiet undo-close" aria-label={t('common.dismiss')} onClick={() => dismissUndo(offer.id)}>
            <Icon name="close" />
          </button>
          <span className="undo-timer" style={{ animationDuration: `${UNDO_SHOW_MS}ms` }} aria-hidden="true" />
        </div>
      ) : null}
    </div>
  );
}
