// Who is signed in, on every screen: the header's name, role and Sign out (Unpair for a
// paired device); on a station tablet the badge reader (a keyboard wedge that types the
// badge id and Enter very fast), the PIN prompt when the plant asks for one, and the big
// "Signed in: <name> — Sign out" bar of a badge session with its idle countdown.
import { offerCardCode } from '../app/scanner.ts';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { create } from 'zustand';
import { useBoardStore } from '../store/hooks.ts';
import { badgeSignIn, signOut, useAuth } from '../app/session.ts';
import { BadgeBurst } from '../app/badgeReader.ts';
import { Dialog } from './Dialog.tsx';
import { Icon } from './Icon.tsx';
import { useTranslations } from 'use-intl';


/** Name and role, and Sign out (a person) or Unpair (a paired device). */
export function WhoAmI({ compact = false }: { compact?: boolean }) {
  const who = useBoardStore((s) => s.identity);
  const via = useAuth((s) => s.via);
  const phase = useAuth((s) => s.phase);
  const t = useTranslations();
  if (phase !== 'signed-in' || who.id === '') return null;
  const device = via === 'device';
  return (
    <span className={`whoami${compact ? ' whoami-compact' : ''}`} data-testid="whoami" data-role={who.role} data-via={via ?? ''}>
      <span className="whoami-name">
        <span className="sr-only">{t('identity.signedInAs')}</span>
        {device ? <Icon name="live" className="whoami-device" /> : null}
        <strong>{who.name}</strong> <span className="whoami-role">{t(`common.roles.${who.role}`)}</span>
      </span>
      {via === 'badge' ? null : (
        <button
          type="button"
          className="btn btn-quiet whoami-out"
          onClick={() => {
            if (device && !window.confirm(t('identity.unpairConfirm'))) return;
            void signOut();
          }}
        >
          {device ? t('identity.unpair') : t('identity.signOut')}
        </button>
      )}
    </span>
  );
}

/** The badge session on a tablet: whose it is, Sign out, and the idle countdown. */
export function BadgeBar() {
  const via = useAuth((s) => s.via);
  const deadline = useAuth((s) => s.idleDeadline);
  const name = useBoardStore((s) => s.identity.name);
  const t = useTranslations('identity');
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (via !== 'badge') return;
    const t = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(t);
  }, [via]);
  if (via !== 'badge') return null;
  const left = deadline === null ? null : Math.max(0, Math.ceil((deadline - now) / 1000));
  return (
    <div className="badge-bar" data-testid="badge-bar" role="status">
      <Icon name="check" />
      <span className="badge-bar-who">
        {t.rich('signedIn', { name, strong: (chunks) => <strong>{chunks}</strong> })}
      </span>
      {left !== null && left <= 60 ? (
        <span className="badge-bar-idle" data-testid="idle-countdown">
          <Icon name="clock" /> {t('signingOutIn', { left })}
        </span>
      ) : null}
      <button type="button" className="btn btn-big badge-bar-out" onClick={() => void signOut()}>
        {t('signOut')}
      </button>
    </div>
  );
}

// ---------------------------------------------------------------- badge reader

const useBadgeUi = create<{ pinFor: string | null; busy: boolean; error: string | null }>(() => ({
  pinFor: null,
  busy: false,
  error: null,
}));

async function scanned(badge: string, pin?: string): Promise<void> {
  useBadgeUi.setState({ busy: true, error: null });
  const r = await badgeSignIn(badge, pin);
  if (r.ok) {
    useBadgeUi.setState({ busy: false, pinFor: null, error: null });
    return;
  }
  if (r.code === 'PIN_REQUIRED') {
    useBadgeUi.setState({ busy: false, pinFor: badge, error: null });
    return;
  }
  useBadgeUi.setState({ busy: false, error: r.message, pinFor: pin !== undefined ? badge : null });
}

function isTextField(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false;
  if (t.isContentEditable) return true;
  if (t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement) return true;
  return t instanceof HTMLInputElement && !['button', 'checkbox', 'radio', 'submit', 'reset'].includes(t.type);
}

/**
 * Listens for a badge on the whole page (while no text field has the focus): a burst of
 * printable keys ending with Enter, at least 4 long, typed faster than a person types. The Enter of a
 * scan is swallowed, so it never presses a focused button.
 */
export function BadgeReader() {
  const reader = useRef(new BadgeBurst());
  // Listening before the screen is painted: a badge scanned the moment the sign-in
  // screen shows is not lost.
  useLayoutEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const r = reader.current;
      if (isTextField(e.target) || useBadgeUi.getState().pinFor !== null) {
        r.reset();
        return;
      }
      const badge = r.key(e.key, performance.now(), e.ctrlKey || e.metaKey || e.altKey);
      if (badge === null) return;
      // The Enter of a scan never presses a focused button.
      e.preventDefault();
      e.stopPropagation();
      // A card's code goes to the station's scan box; anything else is a badge.
      if (offerCardCode(badge)) return;
      void scanned(badge);
    };
    window.addEventListener('keydown', onKey, { capture: true });
    return () => window.removeEventListener('keydown', onKey, { capture: true });
  }, []);
  return <BadgePrompt />;
}

/** The PIN prompt after a scan (plants that require one), and a failed scan's message. */
function BadgePrompt() {
  const { pinFor, busy, error } = useBadgeUi();
  const [pin, setPin] = useState('');
  const signedInByBadge = useAuth((s) => s.via === 'badge');
  const t = useTranslations('identity');
  useEffect(() => {
    if (signedInByBadge) useBadgeUi.setState({ error: null });
  }, [signedInByBadge]);
  if (pinFor !== null) {
    return (
      <Dialog title={t('enterPin')} onClose={() => useBadgeUi.setState({ pinFor: null, error: null })}>
        <form
          className="form badge-pin"
          onSubmit={(e) => {
            e.preventDefault();
            void scanned(pinFor, pin).then(() => setPin(''));
          }}
        >
          <label className="field">
            <span>{t('pin')}</span>
            <input
              type="password"
              inputMode="numeric"
              autoComplete="off"
              pattern="[0-9]*"
              maxLength={8}
              value={pin}
              onChange={(e) => setPin(e.target.value)}
            />
          </label>
          {error ? (
            <p className="form-error" role="alert">
              {error}
            </p>
          ) : null}
          <div className="form-actions">
            <button type="submit" className="btn btn-primary btn-big" disabled={busy || pin.length < 4}>
              {busy ? t('checking') : t('signIn')}
            </button>
          </div>
        </form>
      </Dialog>
    );
  }
  if (!error) return null;
  return (
    <div className="badge-error" role="alert" data-testid="badge-error">
      <Icon name="stop" />
      <span>{t('badgeRefused', { error })}</span>
      <button type="button" className="btn btn-big" onClick={() => useBadgeUi.setState({ error: null })}>
        {t('ok')}
      </button>
    </div>
  );
}

/** For the sign-in screen: whether a scan is being checked. */
export function useBadgeBusy(): boolean {
  return useBadgeUi((s) => s.busy);
}

