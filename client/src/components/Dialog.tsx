// A modal on the native <dialog> element: focus trap, Escape and the backdrop for free.
// It opens on its first field (not on Close, where the browser would put the focus) and
// gives the focus back to what opened it when it goes.
import { useEffect, useRef } from 'react';
import type { ReactNode } from 'react';
import { Icon } from './Icon.tsx';
import { useTranslations } from 'use-intl';

export function Dialog({
  title,
  onClose,
  children,
  wide = false,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  wide?: boolean;
}) {
  const t = useTranslations('common');
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<Element | null>(null);
  useEffect(() => {
    const d = ref.current;
    // Taken before the dialog moves the focus (and kept if the effect runs again).
    opener.current ??= document.activeElement;
    if (d && !d.open) d.showModal();
    if (d) firstField(d)?.focus();
    // No close() on cleanup: unmounting removes the dialog from the top layer anyway,
    // and a close event from a cleanup would call onClose for a dialog still wanted.
    return () => {
      // The dialog has left the page by now, so the rest of it can take the focus again.
      const back = opener.current;
      if (back instanceof HTMLElement && back.isConnected) back.focus();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      className={`dialog${wide ? ' dialog-wide' : ''}`}
      aria-labelledby="dialog-title"
      onClose={onClose}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <header className="dialog-head">
        <h2 id="dialog-title">{title}</h2>
        <button type="button" className="btn btn-quiet" onClick={onClose} aria-label={t('close')}>
          <Icon name="close" /> {t('close')}
        </button>
      </header>
      {children}
    </dialog>
  );
}

const FIELDS = 'input:not([type="hidden"]), select, textarea';
const FOCUSABLE = `${FIELDS}, button, a[href], [tabindex]:not([tabindex="-1"])`;

/**
 * Where a dialog starts: its first field that can be used, else the first control of its
 * body (a list of loops), else null (the browser's choice, Close, stands).
 */
function firstField(d: HTMLDialogElement): HTMLElement | null {
  const usable = (el: Element): el is HTMLElement =>
    el instanceof HTMLElement && !el.matches(':disabled') && !el.closest('.dialog-head') && el.getClientRects().length > 0;
  return [...d.querySelectorAll(FIELDS)].find(usable) ?? [...d.querySelectorAll(FOCUSABLE)].find(usable) ?? null;
}

/** A form's error line and its Cancel / submit buttons (the station and loop forms). */
export function FormFooter({
  error,
  busy,
  submitLabel,
  onCancel,
}: {
  error: string | null;
  busy: boolean;
  submitLabel: string;
  onCancel: () => void;
}) {
  const t = useTranslations('common');
  return (
    <>
      {error ? (
        <p className="form-error" aria-live="assertive">
          {error}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="button" className="btn btn-quiet" onClick={onCancel}>
          {t('cancel')}
        </button>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? t('saving') : submitLabel}
        </button>
      </div>
    </>
  );
}
