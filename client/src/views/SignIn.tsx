// Before the board: the first-run setup (/setup#token=...), the sign-in screen every
// route shows while nobody is signed in, and on the wall TV and station tablets the
// pairing of the device (a code readable across the room, and a QR code of the page a
// lead approves it on).
import { useEffect, useMemo, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { renderSVG } from 'uqr';
import { Limits } from '../../../shared/names.ts';
import { completeSetup, pollPairing, signIn, startPairing, useAuth } from '../app/session.ts';
import type { Pairing } from '../app/session.ts';
import { navigate } from '../router.ts';
import type { Route } from '../router.ts';
import { Clock } from '../components/Status.tsx';
import { Icon } from '../components/Icon.tsx';
import { useBadgeBusy } from '../components/Identity.tsx';
import { useTranslations } from 'use-intl';
import { LanguagePicker } from '../i18n/LanguagePicker.tsx';

function Frame({ title, wide = false, children }: { title: string; wide?: boolean; children: ReactNode }) {
  const t = useTranslations('common');
  return (
    <div className="screen screen-auth">
      <header className="topbar">
        <span className="brand">{t('appName')}</span>
        <h1 className="topbar-title">{title}</h1>
        <div className="topbar-tools" />
        <LanguagePicker className="topbar-language" />
        <Clock />
      </header>
      <main className={`auth${wide ? ' auth-wide' : ''}`}>{children}</main>
    </div>
  );
}

/** Shown while the screen finds out who it is. */
export function Starting() {
  const t = useTranslations('signIn');
  return (
    <Frame title={t('starting')}>
      <div className="loading" aria-busy="true">
        <Icon name="reconnect" />
        <p>{t('connecting')}</p>
      </div>
    </Frame>
  );
}

// ---------------------------------------------------------------- setup

/** The setup link's token, read once from the fragment (never sent to the server in a URL). */
function takeSetupToken(): string {
  const m = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
  return m?.[1] ? decodeURIComponent(m[1]) : '';
}

export function SetupScreen() {
  const setupRequired = useAuth((s) => s.status?.setupRequired ?? false);
  const phase = useAuth((s) => s.phase);
  const [token] = useState(takeSetupToken);
  const [username, setUsername] = useState('admin');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const t = useTranslations('signIn');

  useEffect(() => {
    // Out of the address bar (and so out of history and screenshots) once read.
    if (window.location.hash) window.history.replaceState(null, '', window.location.pathname);
  }, []);

  if (phase === 'loading') return <Starting />;
  if (!setupRequired) {
    return (
      <Frame title={t('setUp')}>
        <section className="auth-card">
          <h2>{t('isSetUp')}</h2>
          <p>{t('adminExists')}</p>
          <button type="button" className="btn btn-primary btn-big" onClick={() => navigate('/')}>
            {t('goToSignIn')}
          </button>
        </section>
      </Frame>
    );
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!token) return setError(t('needsLink'));
    if (password.length < Limits.PASSWORD_MIN) return setError(t('passwordShort', { min: Limits.PASSWORD_MIN }));
    if (password !== again) return setError(t('passwordsDiffer'));
    setBusy(true);
    setError(null);
    const r = await completeSetup(token, username.trim(), password);
    setBusy(false);
    if (r.ok) navigate('/');
    else setError(r.message);
  }

  return (
    <Frame title={t('setUp')}>
      <section className="auth-card">
        <h2>{t('createAdmin')}</h2>
        <p className="muted">{t('noUsers')}</p>
        {!token ? (
          <p className="form-error" role="alert">
            {t('openLink')}
          </p>
        ) : null}
        <form className="form auth-form" onSubmit={(e) => void submit(e)} aria-label={t('createAdmin')}>
          <label>
            {t('username')}
            <input value={username} autoComplete="username" maxLength={Limits.USERNAME} onChange={(e) => setUsername(e.target.value)} required />
          </label>
          <label>
            {t('password')}
            <input
              type="password"
              value={password}
              autoComplete="new-password"
              minLength={Limits.PASSWORD_MIN}
              maxLength={Limits.PASSWORD_MAX}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
          </label>
          <label>
            {t('repeatPassword')}
            <input type="password" value={again} autoComplete="new-password" onChange={(e) => setAgain(e.target.value)} required />
          </label>
          <p className="muted small">{t('atLeast', { min: Limits.PASSWORD_MIN })}</p>
          {error ? (
            <p className="form-error" role="alert">
              {error}
            </p>
          ) : null}
          <button type="submit" className="btn btn-primary btn-big" disabled={busy}>
            {busy ? t('creating') : t('createAndSignIn')}
          </button>
        </form>
      </section>
    </Frame>
  );
}

/** Any other page before the first admin exists. */
export function NoAdminYet() {
  const t = useTranslations('signIn');
  return (
    <Frame title={t('notSetUp')}>
      <section className="auth-card">
        <h2>{t('notSetUpHeading')}</h2>
        <p>{t.rich('notSetUpHow', { code: (chunks) => <code>{chunks}</code> })}</p>
      </section>
    </Frame>
  );
}

// ---------------------------------------------------------------- sign in

export function SignInScreen({ route }: { route: Route }) {
  const notice = useAuth((s) => s.notice);
  const unpaired = useAuth((s) => s.unpaired);
  const canPair = route.name === 'tv' || (route.name === 'station' && route.stationId !== null);
  const badge = route.name === 'station' && route.stationId !== null;
  // A screen whose pairing was revoked shows a new code at once: nobody may be at it.
  const [pairing, setPairing] = useState(() => unpaired && canPair);
  const t = useTranslations('signIn');
  const title = route.name === 'tv' ? t('wallTv') : badge ? t('stationTablet') : t('signIn');
  const noticeLine = notice ? (
    <p className="auth-notice" role="status" data-testid="auth-notice">
      <Icon name="warning" /> {notice}
    </p>
  ) : null;

  if (pairing) {
    return (
      <Frame title={title} wide>
        {noticeLine}
        <PairingPanel tv={route.name === 'tv'} onCancel={() => setPairing(false)} />
      </Frame>
    );
  }
  return (
    <Frame title={title} wide={canPair}>
      {noticeLine}
      <div className={`auth-panels${canPair ? ' auth-panels-2' : ''}`}>
        <section className="auth-card">
          <h2>{t('signIn')}</h2>
          <SignInForm />
        </section>
        {canPair ? (
          <section className="auth-card auth-pair">
            <h2>{route.name === 'tv' ? t('aWallTv') : t('aTablet')}</h2>
            <p>{route.name === 'tv' ? t('pairTv') : t('pairTablet')}</p>
            <button type="button" className="btn btn-primary btn-big" onClick={() => setPairing(true)}>
              {t('pairThis')}
            </button>
            {badge ? <BadgeHint /> : null}
          </section>
        ) : null}
      </div>
    </Frame>
  );
}

function BadgeHint() {
  const busy = useBadgeBusy();
  const t = useTranslations('signIn');
  return (
    <p className="badge-hint" data-testid="badge-hint">
      <Icon name="use" /> {busy ? t('checkingBadge') : t('scanBadge')}
    </p>
  );
}

function SignInForm() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const t = useTranslations('signIn');
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const r = await signIn(username.trim(), password);
    setBusy(false);
    if (!r.ok) {
      setError(r.message);
      setPassword('');
    }
  }
  return (
    <form className="form auth-form" onSubmit={(e) => void submit(e)} aria-label={t('signIn')}>
      <label>
        {t('username')}
        <input value={username} autoComplete="username" maxLength={Limits.USERNAME} onChange={(e) => setUsername(e.target.value)} required />
      </label>
      <label>
        {t('password')}
        <input type="password" value={password} autoComplete="current-password" maxLength={Limits.PASSWORD_MAX} onChange={(e) => setPassword(e.target.value)} required />
      </label>
      {error ? (
        <p className="form-error" role="alert" data-testid="sign-in-error">
          {error}
        </p>
      ) : null}
      <button type="submit" className="btn btn-primary btn-big" disabled={busy}>
        {busy ? t('signingIn') : t('signIn')}
      </button>
    </form>
  );
}

// ---------------------------------------------------------------- pairing

const POLL_MS = 3_000;

type PairingState =
  | { kind: 'starting' }
  | { kind: 'failed'; message: string }
  | { kind: 'waiting'; pairing: Pairing }
  | { kind: 'expired' };

function PairingPanel({ tv, onCancel }: { tv: boolean; onCancel: () => void }) {
  const [state, setState] = useState<PairingState>({ kind: 'starting' });
  const [attempt, setAttempt] = useState(0);
  const [now, setNow] = useState(() => Date.now());
  const t = useTranslations('signIn');

  useEffect(() => {
    let live = true;
    setState({ kind: 'starting' });
    void startPairing().then((r) => {
      if (!live) return;
      if ('pairingId' in r) setState({ kind: 'waiting', pairing: r });
      else setState({ kind: 'failed', message: r.ok ? t('pairingFailed') : r.message });
    });
    return () => {
      live = false;
    };
  }, [attempt]);

  const pairing = state.kind === 'waiting' ? state.pairing : null;
  useEffect(() => {
    if (!pairing) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout>;
    const poll = async () => {
      const r = await pollPairing(pairing.pairingId);
      if (!live || r === 'paired') return;
      if (r === 'gone') {
        setState({ kind: 'expired' });
        return;
      }
      timer = setTimeout(() => void poll(), POLL_MS);
    };
    timer = setTimeout(() => void poll(), POLL_MS);
    const tick = setInterval(() => {
      setNow(Date.now());
      if (Date.now() >= Date.parse(pairing.expiresAt)) {
        live = false;
        setState({ kind: 'expired' });
      }
    }, 1_000);
    return () => {
      live = false;
      clearTimeout(timer);
      clearInterval(tick);
    };
  }, [pairing]);

  const approveUrl = pairing ? `${window.location.origin}/pair/approve?code=${encodeURIComponent(pairing.code)}` : '';
  const qr = useMemo(
    () => (approveUrl ? `data:image/svg+xml;charset=utf-8,${encodeURIComponent(renderSVG(approveUrl, { border: 2 }))}` : ''),
    [approveUrl],
  );

  return (
    <section className={`pairing${tv ? ' pairing-tv' : ''}`} data-testid="pairing" data-state={state.kind}>
      {state.kind === 'waiting' ? (
        <>
          <div className="pairing-main">
            <p className="pairing-lead">{t('pairingCode')}</p>
            <p className="pairing-code" data-testid="pairing-code" aria-label={t('pairingCodeSpoken', { code: state.pairing.code.split('').join(' ') })}>
              {state.pairing.code}
            </p>
            <p className="pairing-how">
              {t.rich('pairingHow', { where: `${window.location.host}/pair/approve`, strong: (chunks) => <strong>{chunks}</strong> })}
            </p>
            <p className="pairing-expiry muted" data-testid="pairing-expiry">
              <Icon name="clock" /> {t('expiresIn', { left: countdown(Date.parse(state.pairing.expiresAt) - now) })}
            </p>
          </div>
          <img className="pairing-qr" src={qr} alt={t('qrOf', { url: approveUrl })} width={320} height={320} />
        </>
      ) : state.kind === 'expired' ? (
        <div className="pairing-main">
          <p className="pairing-lead">{t('expired')}</p>
          <button type="button" className="btn btn-primary btn-big" onClick={() => setAttempt((n) => n + 1)}>
            {t('newCode')}
          </button>
        </div>
      ) : state.kind === 'failed' ? (
        <div className="pairing-main">
          <p className="form-error" role="alert">
            {state.message}
          </p>
          <button type="button" className="btn btn-primary btn-big" onClick={() => setAttempt((n) => n + 1)}>
            {t('tryAgain')}
          </button>
        </div>
      ) : (
        <div className="pairing-main">
          <p className="pairing-lead">{t('asking')}</p>
        </div>
      )}
      <button type="button" className="btn btn-quiet pairing-cancel" onClick={onCancel}>
        {t('cancelPairing')}
      </button>
    </section>
  );
}

function countdown(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
