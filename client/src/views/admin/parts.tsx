// Pieces the admin page and the pairing approval page share: the page frame, station
// checkboxes, a two-step confirm for destructive actions, and times shown both ways.
import { useEffect, useId, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { onLinkClick } from '../../router.ts';
import { Icon } from '../../components/Icon.tsx';
import { absoluteTime, relativeTime } from './api.ts';
export { ConfirmAction } from '../../components/ConfirmAction.tsx';
import type { StationInfo } from './api.ts';
import { tr } from '../../i18n/store.ts';
import { LanguagePicker } from '../../i18n/LanguagePicker.tsx';

/** The admin pages' frame: the brand bar, a title and links back to the board. */
export function AdminFrame({ title, children, links }: { title: string; children: ReactNode; links?: ReactNode }) {
  // The page's title is App.tsx's (one place names every screen).
  const t = tr();
  return (
    <div className="admin-screen">
      <header className="topbar admin-topbar">
        <a href="/" className="brand" onClick={onLinkClick}>
          {t('common.appName')}
        </a>
        <h1 className="topbar-title">{title}</h1>
        <nav className="topbar-tools admin-links" aria-label={t('admin.pages')}>
          {links}
          <a href="/" className="btn" onClick={onLinkClick}>
            {t('admin.board')}
          </a>
        </nav>
        <LanguagePicker className="topbar-language" />
      </header>
      <main className="admin">{children}</main>
    </div>
  );
}

/** Checkboxes for the stations an operator (user, device or token) works at. */
export function StationChecks({
  stations,
  value,
  onChange,
  legend,
  hint,
}: {
  stations: readonly StationInfo[];
  value: readonly string[];
  onChange: (ids: string[]) => void;
  legend?: string;
  hint?: string;
}) {
  const t = tr();
  return (
    <fieldset className="station-checks">
      <legend>{legend ?? t('admin.stations')}</legend>
      {hint ? <p className="muted small">{hint}</p> : null}
      {stations.length === 0 ? (
        <p className="muted">{t('admin.noStations')}</p>
      ) : (
        <div className="station-check-list">
          {stations.map((s) => (
            <label key={s.id} className="check station-check">
              <input
                type="checkbox"
                checked={value.includes(s.id)}
                onChange={(e) => onChange(e.target.checked ? [...value, s.id] : value.filter((id) => id !== s.id))}
              />
              <span>{s.name}</span>
            </label>
          ))}
        </div>
      )}
    </fieldset>
  );
}

/** "5 min ago" with the date and time beside it (and in the tooltip). */
export function When({ iso, nowMs, never }: { iso: string | null; nowMs: number; never?: string }) {
  if (iso === null) return <span className="muted">{never ?? tr()('admin.never')}</span>;
  const abs = absoluteTime(iso);
  return (
    <time dateTime={iso} title={abs} className="when">
      {relativeTime(iso, nowMs)} <span className="muted small">({abs})</span>
    </time>
  );
}

/** The current time, refreshed every `everyMs` (relative times stay true). */
export function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

/** A short success line that screen readers announce. */
export function Notice({ text, onDismiss }: { text: string | null; onDismiss: () => void }) {
  return (
    <div className="admin-notice-slot" aria-live="polite">
      {text ? (
        <p className="admin-notice">
          <Icon name="check" /> <span>{text}</span>
          <button type="button" className="btn btn-quiet" onClick={onDismiss} aria-label={tr()('admin.dismissMessage')}>
            <Icon name="close" />
          </button>
        </p>
      ) : null}
    </div>
  );
}

/** A page that cannot be used: not signed in, or not allowed. */
export function Refusal({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="admin-refusal" role="alert">
      <h2>{title}</h2>
      {children}
    </section>
  );
}
