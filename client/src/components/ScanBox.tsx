// The scan box of a station tablet: one place for a card's code, whichever way it comes.
// A keyboard-wedge scanner types the code and Enter with no field focused (the page's
// reader hands card codes here, app/scanner.ts); a person can type it into the field;
// the tablet's camera reads the QR code (loaded on demand). The result is shown big:
// what was done, or why not in words an operator can act on.
import { Suspense, lazy, useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { cardWithCode, normalizeCode } from '../../../shared/cardCode.ts';
import { claimCardCodes } from '../app/scanner.ts';
import { scanCode } from '../app/runtime.ts';
import type { ScanOutcome } from '../app/runtime.ts';
import { store } from '../store/hooks.ts';
import { Icon } from './Icon.tsx';
import { useTranslations } from 'use-intl';

const CameraScan = lazy(() => import('./CameraScan.tsx'));

/** How long a result stays up (a new scan replaces it at once). */
const SHOW_MS = 12_000;

type Shown = { state: 'sending'; label: string } | ScanOutcome;

export function ScanBox({ stationId }: { stationId: string }) {
  const t = useTranslations('scan');
  const [text, setText] = useState('');
  const [shown, setShown] = useState<Shown | null>(null);
  const [camera, setCamera] = useState(false);
  const run = useRef(0);

  const scan = (raw: string) => {
    const n = ++run.current;
    setShown({ state: 'sending', label: raw.trim().slice(0, 20) });
    void scanCode(raw, stationId).then((outcome) => {
      if (run.current === n) setShown(outcome);
    });
  };
  const scanRef = useRef(scan);
  scanRef.current = scan;

  // A wedge scanner's burst that is a card on this board comes here, not to badge sign-in.
  useEffect(
    () =>
      claimCardCodes((burst) => {
        const code = normalizeCode(burst);
        if (code === null || cardWithCode(store.getState().board, code) === undefined) return false;
        scanRef.current(burst);
        return true;
      }),
    [],
  );

  useEffect(() => {
    if (shown === null || !('ok' in shown)) return;
    const t = setTimeout(() => setShown(null), SHOW_MS);
    return () => clearTimeout(t);
  }, [shown]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (text.trim() === '') return;
    scan(text);
    setText('');
  };

  return (
    <section className="scan-box" aria-labelledby="scan-title" data-testid="scan-box">
      <form className="scan-form" onSubmit={submit}>
        <label id="scan-title" htmlFor="scan-code" className="scan-label">
          <Icon name="scan" /> {t('title')}
        </label>
        <input
          id="scan-code"
          className="scan-input"
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder={t('placeholder')}
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          maxLength={40}
        />
        <button type="submit" className="btn btn-big">
          {t('go')}
        </button>
        <button type="button" className="btn btn-big" aria-pressed={camera} onClick={() => setCamera((on) => !on)}>
          <Icon name="camera" /> {camera ? t('stopCamera') : t('camera')}
        </button>
      </form>
      {camera ? (
        <Suspense fallback={<p className="scan-camera-note">{t('startingCamera')}</p>}>
          <CameraScan
            onCode={(code) => {
              setCamera(false);
              scan(code);
            }}
            onClose={() => setCamera(false)}
          />
        </Suspense>
      ) : null}
      <ScanResult shown={shown} />
    </section>
  );
}

function ScanResult({ shown }: { shown: Shown | null }) {
  // Shown, not spoken: the app's announcer says what a scan did (app/announce.ts), and
  // the alert region why the server refused it; a live region here would say it twice.
  const t = useTranslations('scan');
  let body = null;
  let tone = 'idle';
  if (shown !== null && !('ok' in shown)) {
    tone = 'sending';
    body = <span>{t('scanning', { label: shown.label })}</span>;
  } else if (shown?.ok) {
    tone = 'ok';
    body = (
      <>
        <Icon name="check" /> <strong>{shown.label}</strong>
      </>
    );
  } else if (shown) {
    tone = 'bad';
    body = (
      <>
        <Icon name="warning" />
        <span>
          <strong>{t('notDone', { label: shown.label })}</strong> {shown.reason}
        </span>
      </>
    );
  }
  return (
    <div className={`scan-result scan-result-${tone}`} data-testid="scan-result" data-tone={tone}>
      {body}
    </div>
  );
}
