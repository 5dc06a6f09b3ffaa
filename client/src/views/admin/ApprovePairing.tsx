// /pair/approve?code=XXXX-XXXX: a team lead approves the code a TV or station tablet shows
// (often by scanning its QR code with a phone). The device then picks up its token by
// itself and starts; nothing is typed on the device.
import { useEffect, useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { ApprovePairingBody } from '../../../../shared/accounts.ts';
import { Limits, Role } from '../../../../shared/names.ts';
import { Icon } from '../../components/Icon.tsx';
import { onLinkClick } from '../../router.ts';
import { ApiError, approvePairing, deviceKind, errorText, fetchStations, formatPairingCode, pairingCodeComplete, stationList } from './api.ts';
import type { DeviceInfo, StationInfo } from './api.ts';
import { AdminFrame, StationChecks } from './parts.tsx';

type DeviceRole = typeof Role.VIEWER | typeof Role.OPERATOR;

function codeFromLocation(): string {
  return formatPairingCode(new URLSearchParams(window.location.search).get('code') ?? '');
}

export default function ApprovePairing() {
  const [stations, setStations] = useState<StationInfo[]>([]);
  const [stationsError, setStationsError] = useState<string | null>(null);
  const [approved, setApproved] = useState<DeviceInfo | null>(null);
  const [refused, setRefused] = useState<'signin' | 'role' | null>(null);

  useEffect(() => {
    fetchStations().then(
      (s) => {
        setStations(s);
        setStationsError(null);
      },
      (err: unknown) => {
        if (err instanceof ApiError && err.code === 'UNAUTHENTICATED') setRefused('signin');
        else if (err instanceof ApiError && err.code === 'FORBIDDEN') setRefused('role');
        else setStationsError(errorText(err));
      },
    );
  }, []);

  return (
    <AdminFrame title="Pair a device">
      <div className="pair">
        {refused === 'signin' ? (
          <section className="admin-refusal" role="alert">
            <h2>Sign in first</h2>
            <p>Only a team lead or an admin can approve a device. Sign in, then scan the code again.</p>
            <a className="btn btn-primary" href="/" onClick={onLinkClick}>
              Go to sign-in
            </a>
          </section>
        ) : approved ? (
          <Approved device={approved} stations={stations} onAnother={() => setApproved(null)} />
        ) : (
          <ApproveForm
            stations={stations}
            stationsError={stationsError}
            onApproved={setApproved}
            onForbidden={() => setRefused('role')}
            forbidden={refused === 'role'}
          />
        )}
      </div>
    </AdminFrame>
  );
}

function ApproveForm({
  stations,
  stationsError,
  onApproved,
  onForbidden,
  forbidden,
}: {
  stations: StationInfo[];
  stationsError: string | null;
  onApproved: (d: DeviceInfo) => void;
  onForbidden: () => void;
  forbidden: boolean;
}) {
  const [code, setCode] = useState(codeFromLocation);
  const [name, setName] = useState('');
  const [role, setRole] = useState<DeviceRole>(Role.VIEWER);
  const [stationIds, setStationIds] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const codeHint = useId();
  const prefilled = pairingCodeComplete(codeFromLocation());

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!pairingCodeComplete(code)) return setError('Type the 8 characters the device shows (XXXX-XXXX).');
    if (name.trim() === '') return setError('Give the device a name people will recognise, for example "Weld line TV".');
    if (role === Role.OPERATOR && stationIds.length === 0) return setError('Pick the station (or stations) this tablet works at.');
    const checked = ApprovePairingBody.safeParse({ code, name: name.trim(), role, ...(role === Role.OPERATOR ? { stationIds } : {}) });
    if (!checked.success) return setError(checked.error.issues[0]?.message ?? 'Check the form.');
    setBusy(true);
    setError(null);
    try {
      onApproved(await approvePairing(checked.data));
    } catch (err) {
      setBusy(false);
      if (err instanceof ApiError && err.code === 'FORBIDDEN') onForbidden();
      setError(
        err instanceof ApiError && err.code === 'NOT_FOUND'
          ? 'No device is waiting with this code. Codes last 10 minutes and work once: check the code on the device, or start pairing again there.'
          : errorText(err),
      );
    }
  }

  return (
    <form className="form admin-form pair-form" onSubmit={(e) => void submit(e)} noValidate>
      <p className="muted">
        Approve the code shown on a wall TV or station tablet. The device starts by itself a few seconds later.
      </p>
      {forbidden ? (
        <p className="admin-warning" role="alert">
          <Icon name="warning" /> Only a team lead or an admin can approve devices. Sign in with such an account.
        </p>
      ) : null}
      <label>
        Code on the device
        <input
          className="pair-code"
          value={code}
          onChange={(e) => setCode(formatPairingCode(e.target.value))}
          placeholder="XXXX-XXXX"
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          inputMode="text"
          maxLength={9}
          aria-describedby={codeHint}
          autoFocus={!prefilled}
        />
        <span id={codeHint} className="muted small">
          {prefilled ? 'Filled in from the QR code. Check it matches the device.' : 'Letters and digits; the dash is added for you.'}
        </span>
      </label>
      <label>
        Device name
        <input
          value={name}
          onChange={(e) => setName(e.target.value)}
          maxLength={Limits.NAME}
          autoComplete="off"
          placeholder={role === Role.VIEWER ? 'For example: Weld line TV' : 'For example: Weld tablet'}
          autoFocus={prefilled}
        />
      </label>
      <fieldset className="pair-roles">
        <legend>What is it?</legend>
        <label className={`pair-role${role === Role.VIEWER ? ' is-chosen' : ''}`}>
          <input type="radio" name="pair-role" checked={role === Role.VIEWER} onChange={() => setRole(Role.VIEWER)} />
          <span>
            <strong>Wall TV</strong>
            <span className="muted small">Shows the board. Nobody works on it.</span>
          </span>
        </label>
        <label className={`pair-role${role === Role.OPERATOR ? ' is-chosen' : ''}`}>
          <input type="radio" name="pair-role" checked={role === Role.OPERATOR} onChange={() => setRole(Role.OPERATOR)} />
          <span>
            <strong>Station tablet</strong>
            <span className="muted small">Operators start and finish cards at its stations.</span>
          </span>
        </label>
      </fieldset>
      {role === Role.OPERATOR ? (
        <>
          {stationsError ? <p className="form-error">Stations could not be loaded: {stationsError}</p> : null}
          <StationChecks stations={stations} value={stationIds} onChange={setStationIds} legend="Stations of this tablet" />
        </>
      ) : null}
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary btn-big pair-submit" disabled={busy}>
          <Icon name="check" /> {busy ? 'Approving…' : 'Approve'}
        </button>
      </div>
    </form>
  );
}

function Approved({ device, stations, onAnother }: { device: DeviceInfo; stations: StationInfo[]; onAnother: () => void }) {
  const where = device.role === Role.OPERATOR ? stationList(device.stationIds, stations) : '';
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    // The code is used: a reload must not show it again as if it were waiting.
    if (window.location.search) window.history.replaceState(null, '', window.location.pathname);
    // The Approve button is gone: focus the result, so a screen reader reads it.
    headingRef.current?.focus();
  }, []);
  return (
    <section className="pair-done" role="status">
      <h2 ref={headingRef} tabIndex={-1}>
        <Icon name="check" /> Approved
      </h2>
      <p>
        <strong>{device.name}</strong> is paired as {device.role === Role.OPERATOR ? 'a station tablet' : `a ${deviceKind(device.role)}`}
        {where ? ` for ${where}` : ''}. It starts by itself within a few seconds.
      </p>
      <div className="form-actions form-actions-start">
        <button type="button" className="btn btn-primary" onClick={onAnother}>
          Pair another device
        </button>
        <a className="btn" href="/admin#devices" onClick={onLinkClick}>
          All devices
        </a>
      </div>
    </section>
  );
}
