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
import { tr } from '../../i18n/store.ts';

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

  const t = tr();
  return (
    <AdminFrame title={t('app.titles.pair-approve')}>
      <div className="pair">
        {refused === 'signin' ? (
          <section className="admin-refusal" role="alert">
            <h2>{t('admin.signInFirst')}</h2>
            <p>{t('pair.signInFirstText')}</p>
            <a className="btn btn-primary" href="/" onClick={onLinkClick}>
              {t('signIn.goToSignIn')}
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
  const t = tr();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!pairingCodeComplete(code)) return setError(t('pair.errCode'));
    if (name.trim() === '') return setError(t('pair.errName'));
    if (role === Role.OPERATOR && stationIds.length === 0) return setError(t('pair.errStation'));
    const checked = ApprovePairingBody.safeParse({ code, name: name.trim(), role, ...(role === Role.OPERATOR ? { stationIds } : {}) });
    if (!checked.success) return setError(checked.error.issues[0]?.message ?? t('admin.checkForm'));
    setBusy(true);
    setError(null);
    try {
      onApproved(await approvePairing(checked.data));
    } catch (err) {
      setBusy(false);
      if (err instanceof ApiError && err.code === 'FORBIDDEN') onForbidden();
      setError(
        err instanceof ApiError && err.code === 'NOT_FOUND'
          ? t('pair.notFound')
          : errorText(err),
      );
    }
  }

  return (
    <form className="form admin-form pair-form" onSubmit={(e) => void submit(e)} noValidate>
      <p className="muted">{t('pair.intro')}</p>
      {forbidden ? (
        <p className="admin-warning" role="alert">
          <Icon name="warning" /> {t('pair.forbidden')}
        </p>
      ) : null}
      <label>
        {t('pair.code')}
        <input
          className="pair-code"
          value={code}
          onChange={(e) => setCode(formatPairingCode(e.target.value))}
          placeholder={t('pair.codePlaceholder')}
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          inputMode="text"
          maxLength={9}
          aria-describedby={codeHint}
          autoFocus={!prefilled}
        />
        <span id={codeHint} className="muted small">
          {prefilled ? t('pair.prefilled') : t('pair.codeHint')}
        </span>
      </label>
      <label>
        {t('pair.name')}
        <input
          value={name}
          onChange={(e) => setName(e.target.value)}
          maxLength={Limits.NAME}
          autoComplete="off"
          placeholder={role === Role.VIEWER ? t('pair.nameTv') : t('pair.nameTablet')}
          autoFocus={prefilled}
        />
      </label>
      <fieldset className="pair-roles">
        <legend>{t('pair.whatIsIt')}</legend>
        <label className={`pair-role${role === Role.VIEWER ? ' is-chosen' : ''}`}>
          <input type="radio" name="pair-role" checked={role === Role.VIEWER} onChange={() => setRole(Role.VIEWER)} />
          <span>
            <strong>{t('app.titles.tv')}</strong>
            <span className="muted small">{t('pair.tvHint')}</span>
          </span>
        </label>
        <label className={`pair-role${role === Role.OPERATOR ? ' is-chosen' : ''}`}>
          <input type="radio" name="pair-role" checked={role === Role.OPERATOR} onChange={() => setRole(Role.OPERATOR)} />
          <span>
            <strong>{t('app.stationTablet')}</strong>
            <span className="muted small">{t('pair.tabletHint')}</span>
          </span>
        </label>
      </fieldset>
      {role === Role.OPERATOR ? (
        <>
          {stationsError ? <p className="form-error">{t('pair.stationsFailed', { message: stationsError })}</p> : null}
          <StationChecks stations={stations} value={stationIds} onChange={setStationIds} legend={t('pair.stationsOfTablet')} />
        </>
      ) : null}
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary btn-big pair-submit" disabled={busy}>
          <Icon name="check" /> {busy ? t('pair.approving') : t('pair.approve')}
        </button>
      </div>
    </form>
  );
}

function Approved({ device, stations, onAnother }: { device: DeviceInfo; stations: StationInfo[]; onAnother: () => void }) {
  const where = device.role === Role.OPERATOR ? stationList(device.stationIds, stations) : '';
  const headingRef = useRef<HTMLHeadingElement>(null);
  const t = tr();
  useEffect(() => {
    // The code is used: a reload must not show it again as if it were waiting.
    if (window.location.search) window.history.replaceState(null, '', window.location.pathname);
    // The Approve button is gone: focus the result, so a screen reader reads it.
    headingRef.current?.focus();
  }, []);
  return (
    <section className="pair-done" role="status">
      <h2 ref={headingRef} tabIndex={-1}>
        <Icon name="check" /> {t('pair.approved')}
      </h2>
      <p>
        {t.rich(where ? 'pair.pairedAsFor' : 'pair.pairedAs', {
          name: device.name,
          kind: deviceKind(device.role),
          where,
          strong: (chunks) => <strong>{chunks}</strong>,
        })}
      </p>
      <div className="form-actions form-actions-start">
        <button type="button" className="btn btn-primary" onClick={onAnother}>
          {t('pair.another')}
        </button>
        <a className="btn" href="/admin#devices" onClick={onLinkClick}>
          {t('pair.allDevices')}
        </a>
      </div>
    </section>
  );
}
