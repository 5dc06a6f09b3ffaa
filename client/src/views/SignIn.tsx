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

function Frame({ title, wide = false, children }: { title: string; wide?: boolean; children: ReactNode }) {
  return (
    <div className="screen screen-auth">
      <header className="topbar">
        <span className="brand">Pullboard</span>
        <h1 className="topbar-title">{title}</h1>
        <div className="topbar-tools" />
        <Clock />
      </header>
      <main className={`auth${wide ? ' auth-wide' : ''}`}>{children}</main>
    </div>
  );
}

/** Shown while the screen finds out who it is. */
export function Starting() {
  return (
    <Frame title="Starting">
      <div className="loading" aria-busy="true">
        <Icon name="reconnect" />
        <p>Connecting to the Pullboard server…</p>
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

  useEffect(() => {
    // Out of the address bar (and so out of history and screenshots) once read.
    if (window.location.hash) window.history.replaceState(null, '', window.location.pathname);
  }, []);

  if (phase === 'loading') return <Starting />;
  if (!setupRequired) {
    return (
      <Frame title="Set up">
        <section className="auth-card">
          <h2>Pullboard is set up</h2>
          <p>An admin already exists. Sign in with your account.</p>
          <button type="button" className="btn btn-primary btn-big" onClick={() => navigate('/')}>
            Go to sign-in
          </button>
        </section>
      </Frame>
    );
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!token) return setError('This page needs the setup link from the server console (it ends with #token=…).');
    if (password.length < Limits.PASSWORD_MIN) return setError(`The password needs at least ${Limits.PASSWORD_MIN} characters.`);
    if (password !== again) return setError('The two passwords differ.');
    setBusy(true);
    setError(null);
    const r = await completeSetup(token, username.trim(), password);
    setBusy(false);
    if (r.ok) navigate('/');
    else setError(r.message);
  }

  return (
    <Frame title="Set up">
      <section className="auth-card">
        <h2>Create the admin account</h2>
        <p className="muted">
          Pullboard has no users yet. The admin creates the team leads' and operators' accounts and pairs the screens.
        </p>
        {!token ? (
          <p className="form-error" role="alert">
            Open the setup link printed on the server console (it ends with #token=…).
          </p>
        ) : null}
        <form className="form auth-form" onSubmit={(e) => void submit(e)} aria-label="Create the admin account">
          <label>
            Username
            <input value={username} autoComplete="username" maxLength={Limits.USERNAME} onChange={(e) => setUsername(e.target.value)} required />
          </label>
          <label>
            Password
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
            Repeat password
            <input type="password" value={again} autoComplete="new-password" onChange={(e) => setAgain(e.target.value)} required />
          </label>
          <p className="muted small">At least {Limits.PASSWORD_MIN} characters.</p>
          {error ? (
            <p className="form-error" role="alert">
              {error}
            </p>
          ) : null}
          <button type="submit" className="btn btn-primary btn-big" disabled={busy}>
            {busy ? 'Creating…' : 'Create admin and sign in'}
          </button>
        </form>
      </section>
    </Frame>
  );
}

/** Any other page before the first admin exists. */
export function NoAdminYet() {
  return (
    <Frame title="Not set up yet">
      <section className="auth-card">
        <h2>Pullboard is not set up yet</h2>
        <p>
          The person who installed it opens the setup link printed on the server console (it ends with{' '}
          <code>/setup#token=…</code>) to create the admin account.
        </p>
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
  const title = route.name === 'tv' ? 'Wall TV' : badge ? 'Station tablet' : 'Sign in';
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
          <h2>Sign in</h2>
          <SignInForm />
        </section>
        {canPair ? (
          <section className="auth-card auth-pair">
            <h2>{route.name === 'tv' ? 'A wall TV' : 'A station tablet'}?</h2>
            <p>
              Pair this screen once: it shows a code, a team lead approves it, and the screen stays signed in as a{' '}
              {route.name === 'tv' ? 'viewer' : 'device of its station'}.
            </p>
            <button type="button" className="btn btn-primary btn-big" onClick={() => setPairing(true)}>
              Pair this device
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
  return (
    <p className="badge-hint" data-testid="badge-hint">
      <Icon name="use" /> {busy ? 'Checking the badge…' : 'Operators: scan your badge to sign in here.'}
    </p>
  );
}

function SignInForm() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
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
    <form className="form auth-form" onSubmit={(e) => void submit(e)} aria-label="Sign in">
      <label>
        Username
        <input value={username} autoComplete="username" maxLength={Limits.USERNAME} onChange={(e) => setUsername(e.target.value)} required />
      </label>
      <label>
        Password
        <input type="password" value={password} autoComplete="current-password" maxLength={Limits.PASSWORD_MAX} onChange={(e) => setPassword(e.target.value)} required />
      </label>
      {error ? (
        <p className="form-error" role="alert" data-testid="sign-in-error">
          {error}
        </p>
      ) : null}
      <button type="submit" className="btn btn-primary btn-big" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
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

  useEffect(() => {
    let live = true;
    setState({ kind: 'starting' });
    void startPairing().then((r) => {
      if (!live) return;
      if ('pairingId' in r) setState({ kind: 'waiting', pairing: r });
      else setState({ kind: 'failed', message: r.ok ? 'Could not start pairing' : r.message });
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
            <p className="pairing-lead">Pairing code</p>
            <p className="pairing-code" data-testid="pairing-code" aria-label={`Pairing code ${state.pairing.code.split('').join(' ')}`}>
              {state.pairing.code}
            </p>
            <p className="pairing-how">
              A team lead approves it at <strong>{window.location.host}/pair/approve</strong>, or scans the QR code.
            </p>
            <p className="pairing-expiry muted" data-testid="pairing-expiry">
              <Icon name="clock" /> Expires in {countdown(Date.parse(state.pairing.expiresAt) - now)} · waiting for approval…
            </p>
          </div>
          <img className="pairing-qr" src={qr} alt={`QR code of ${approveUrl}`} width={320} height={320} />
        </>
      ) : state.kind === 'expired' ? (
        <div className="pairing-main">
          <p className="pairing-lead">This code expired before it was approved.</p>
          <button type="button" className="btn btn-primary btn-big" onClick={() => setAttempt((n) => n + 1)}>
            Show a new code
          </button>
        </div>
      ) : state.kind === 'failed' ? (
        <div className="pairing-main">
          <p className="form-error" role="alert">
            {state.message}
          </p>
          <button type="button" className="btn btn-primary btn-big" onClick={() => setAttempt((n) => n + 1)}>
            Try again
          </button>
        </div>
      ) : (
        <div className="pairing-main">
          <p className="pairing-lead">Asking the server for a code…</p>
        </div>
      )}
      <button type="button" className="btn btn-quiet pairing-cancel" onClick={onCancel}>
        Cancel — sign in instead
      </button>
    </section>
  );
}

function countdown(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
