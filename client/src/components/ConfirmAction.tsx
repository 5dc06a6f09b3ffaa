// A destructive action asked twice (retiring a loop, removing a station, revoking a
// device): shared by the lead board's dialogs and the admin pages.
import { useEffect, useId, useRef, useState } from 'react';
import { Icon } from './Icon.tsx';
import { errorText } from '../format.ts';
import { useTranslations } from 'use-intl';

/**
 * A destructive action in two steps: the button, then a question with the real button
 * and Cancel (focus goes to Cancel, so a double tap does nothing harmful).
 */
export function ConfirmAction({
  label,
  question,
  confirmLabel,
  onConfirm,
  danger = true,
}: {
  label: string;
  question: string;
  confirmLabel: string;
  onConfirm: () => Promise<void>;
  danger?: boolean;
}) {
  const t = useTranslations('common');
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const openRef = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(false);
  const questionId = useId();

  useEffect(() => {
    if (asking) cancelRef.current?.focus();
    else if (wasAsking.current) openRef.current?.focus();
    wasAsking.current = asking;
  }, [asking]);

  if (!asking) {
    return (
      <button ref={openRef} type="button" className={`btn ${danger ? 'btn-danger-quiet' : ''}`} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      setBusy(false);
      setAsking(false);
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  }
  return (
    <div className="confirm" role="group" aria-labelledby={questionId}>
      <p id={questionId} className="confirm-question">
        <Icon name="warning" /> {question}
      </p>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="confirm-actions">
        <button type="button" className={`btn ${danger ? 'btn-danger' : 'btn-primary'}`} disabled={busy} onClick={() => void confirm()}>
          {busy ? t('working') : confirmLabel}
        </button>
        <button ref={cancelRef} type="button" className="btn" disabled={busy} onClick={() => setAsking(false)}>
          {t('cancel')}
        </button>
      </div>
    </div>
  );
}
