// /admin: users (admins), API tokens (admins) and paired devices (admins and team leads).
// Every change goes to the server at once; the lists are read back after it.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { FormEvent, KeyboardEvent, ReactNode } from 'react';
import { CreateTokenBody, CreateUserBody, UpdateUserBody } from '../../../../shared/accounts.ts';
import type { Me, PublicUser } from '../../../../shared/accounts.ts';
import { Limits, Role } from '../../../../shared/names.ts';
import { Dialog, FormFooter } from '../../components/Dialog.tsx';
import { Icon } from '../../components/Icon.tsx';
import { onLinkClick } from '../../router.ts';
import {
  ApiError,
  ROLES,
  roleLabel,
  createToken,
  createUser,
  deviceKind,
  errorText,
  fetchMe,
  fetchStations,
  hasStations,
  listDevices,
  listTokens,
  listUsers,
  revokeDevice,
  revokeToken,
  stationList,
  updateUser,
} from './api.ts';
import type { DeviceInfo, StationInfo, TokenInfo } from './api.ts';
import { AdminFrame, ConfirmAction, Notice, Refusal, StationChecks, When, useNow } from './parts.tsx';
import { tr } from '../../i18n/store.ts';

type Tab = 'users' | 'tokens' | 'devices';

/** The tabs a role may open. */
function tabsFor(role: Role): Tab[] {
  if (role === Role.ADMIN) return ['users', 'tokens', 'devices'];
  if (role === Role.LEAD) return ['devices'];
  return [];
}

function tabFromHash(hash: string, allowed: readonly Tab[]): Tab | undefined {
  const h = hash.replace(/^#/, '');
  return allowed.find((t) => t === h) ?? allowed[0];
}

type Who = { status: 'loading' } | { status: 'error'; error: unknown } | { status: 'ok'; me: Me };

export default function AdminPage() {
  const [who, setWho] = useState<Who>({ status: 'loading' });
  const [stations, setStations] = useState<StationInfo[]>([]);

  const loadWho = useCallback(() => {
    setWho({ status: 'loading' });
    fetchMe().then(
      (me) => setWho({ status: 'ok', me }),
      (error: unknown) => setWho({ status: 'error', error }),
    );
  }, []);
  useEffect(loadWho, [loadWho]);

  useEffect(() => {
    if (who.status !== 'ok' || tabsFor(who.me.role).length === 0) return;
    fetchStations().then(setStations, () => setStations([]));
  }, [who]);

  const t = tr();
  const links = (
    <a href="/pair/approve" className="btn" onClick={onLinkClick}>
      {t('app.titles.pair-approve')}
    </a>
  );

  if (who.status === 'loading') {
    return (
      <AdminFrame title={t('app.titles.admin')}>
        <p className="loading" role="status">
          {t('admin.loading')}
        </p>
      </AdminFrame>
    );
  }
  if (who.status === 'error') {
    return (
      <AdminFrame title={t('app.titles.admin')}>
        {who.error instanceof ApiError && who.error.code === 'UNAUTHENTICATED' ? (
          <Refusal title={t('admin.signInFirst')}>
            <p>{t('admin.signInFirstText')}</p>
            <a className="btn btn-primary" href="/" onClick={onLinkClick}>
              {t('signIn.goToSignIn')}
            </a>
          </Refusal>
        ) : (
          <Refusal title={t('admin.couldNotLoad')}>
            <p>{errorText(who.error)}</p>
            <button type="button" className="btn btn-primary" onClick={loadWho}>
              {t('admin.tryAgain')}
            </button>
          </Refusal>
        )}
      </AdminFrame>
    );
  }
  const tabs = tabsFor(who.me.role);
  if (tabs.length === 0) {
    return (
      <AdminFrame title={t('app.titles.admin')}>
        <Refusal title={t('admin.notForAccount')}>
          <p>{t.rich('admin.notForAccountText', { name: who.me.name, role: roleLabel(who.me.role), strong: (chunks) => <strong>{chunks}</strong> })}</p>
          <a className="btn btn-primary" href="/" onClick={onLinkClick}>
            {t('admin.backToBoard')}
          </a>
        </Refusal>
      </AdminFrame>
    );
  }
  return (
    <AdminFrame title={who.me.role === Role.ADMIN ? t('app.titles.admin') : t('admin.tabs.devices')} links={links}>
      <AdminTabs me={who.me} tabs={tabs} stations={stations} />
    </AdminFrame>
  );
}

function AdminTabs({ me, tabs, stations }: { me: Me; tabs: Tab[]; stations: StationInfo[] }) {
  const [tab, setTab] = useState<Tab>(() => tabFromHash(window.location.hash, tabs) ?? 'devices');
  const refs = useRef<Partial<Record<Tab, HTMLButtonElement | null>>>({});
  const tt = tr();

  function choose(t: Tab, focus = false) {
    setTab(t);
    window.history.replaceState(null, '', `#${t}`);
    if (focus) refs.current[t]?.focus();
  }

  function onKey(e: KeyboardEvent<HTMLDivElement>) {
    const i = tabs.indexOf(tab);
    let next: Tab | undefined;
    if (e.key === 'ArrowRight') next = tabs[(i + 1) % tabs.length];
    else if (e.key === 'ArrowLeft') next = tabs[(i - 1 + tabs.length) % tabs.length];
    else if (e.key === 'Home') next = tabs[0];
    else if (e.key === 'End') next = tabs[tabs.length - 1];
    if (next) {
      e.preventDefault();
      choose(next, true);
    }
  }

  return (
    <>
      {tabs.length > 1 ? (
        <div className="admin-tabs" role="tablist" aria-label={tt('admin.sections')} onKeyDown={onKey}>
          {tabs.map((t) => (
            <button
              key={t}
              ref={(el) => {
                refs.current[t] = el;
              }}
              type="button"
              role="tab"
              id={`admin-tab-${t}`}
              aria-selected={tab === t}
              aria-controls={`admin-panel-${t}`}
              tabIndex={tab === t ? 0 : -1}
              className="admin-tab"
              onClick={() => choose(t)}
            >
              {tt(`admin.tabs.${t}`)}
            </button>
          ))}
        </div>
      ) : null}
      <section
        className="admin-panel"
        role={tabs.length > 1 ? 'tabpanel' : undefined}
        id={`admin-panel-${tab}`}
        aria-labelledby={tabs.length > 1 ? `admin-tab-${tab}` : undefined}
      >
        {tab === 'users' ? <UsersSection me={me} stations={stations} /> : null}
        {tab === 'tokens' ? <TokensSection stations={stations} /> : null}
        {tab === 'devices' ? <DevicesSection stations={stations} /> : null}
      </section>
    </>
  );
}

// ---------------------------------------------------------------- shared bits

type List<T> = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ok'; items: T[] };

/** Loads a list, and loads it again on `reload()`. */
function useList<T>(load: () => Promise<T[]>): [List<T>, () => void] {
  const [list, setList] = useState<List<T>>({ status: 'loading' });
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (items) => {
        if (live) setList({ status: 'ok', items });
      },
      (err: unknown) => {
        if (live) setList({ status: 'error', message: errorText(err) });
      },
    );
    return () => {
      live = false;
    };
  }, [load, n]);
  return [list, useCallback(() => setN((x) => x + 1), [])];
}

function SectionHead({ title, intro, action }: { title: string; intro: string; action?: ReactNode }) {
  return (
    <div className="admin-section-head">
      <div>
        <h2>{title}</h2>
        <p className="muted">{intro}</p>
      </div>
      {action}
    </div>
  );
}

function ListState<T>({ list, empty, onRetry, children }: { list: List<T>; empty: string; onRetry: () => void; children: (items: T[]) => ReactNode }) {
  const t = tr();
  if (list.status === 'loading') {
    return (
      <p className="admin-empty muted" role="status">
        {t('admin.loading')}
      </p>
    );
  }
  if (list.status === 'error') {
    return (
      <div className="admin-empty" role="alert">
        <p className="form-error">{list.message}</p>
        <button type="button" className="btn" onClick={onRetry}>
          {t('admin.tryAgain')}
        </button>
      </div>
    );
  }
  if (list.items.length === 0) return <p className="admin-empty muted">{empty}</p>;
  return <>{children(list.items)}</>;
}

function RoleSelect({ value, onChange, roles = ROLES }: { value: Role; onChange: (r: Role) => void; roles?: readonly Role[] }) {
  const t = tr();
  return (
    <label>
      {t('admin.role')}
      <select value={value} onChange={(e) => onChange(roles.find((r) => r === e.target.value) ?? value)}>
        {roles.map((r) => (
          <option key={r} value={r}>
            {roleLabel(r)}
          </option>
        ))}
      </select>
      <span className="muted small">{t(`admin.roleHints.${value}`)}</span>
    </label>
  );
}

function RoleBadge({ role }: { role: Role }) {
  return <span className={`role-badge role-${role}`}>{roleLabel(role)}</span>;
}

/** The first problem of a zod check, as a sentence naming the field. */
function firstIssue(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>, labels: Record<string, string>): string {
  const i = issues[0];
  if (!i) return tr()('admin.checkForm');
  const key = String(i.path[0] ?? '');
  return tr()('admin.fieldIssue', { field: labels[key] ?? key, message: i.message });
}

/** The form's field names, for a zod issue's sentence. */
function fieldLabels(): Record<string, string> {
  const t = tr();
  return {
    username: t('signIn.username'),
    password: t('signIn.password'),
    badge: t('admin.badge'),
    pin: t('identity.pin'),
    role: t('admin.role'),
    stationIds: t('admin.stations'),
    name: t('stationForm.name'),
  };
}

const passwordRule = () => tr()('admin.passwordRule', { min: Limits.PASSWORD_MIN });
const passwordRuleStart = () => tr()('signIn.atLeast', { min: Limits.PASSWORD_MIN });

// ---------------------------------------------------------------- users

function UsersSection({ me, stations }: { me: Me; stations: StationInfo[] }) {
  const [list, reload] = useList(listUsers);
  const [editing, setEditing] = useState<PublicUser | 'new' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const t = tr();

  const done = (text: string) => {
    setNotice(text);
    reload();
  };

  return (
    <>
      <SectionHead
        title={t('admin.tabs.users')}
        intro={t('admin.usersIntro')}
        action={
          <button type="button" className="btn btn-primary" onClick={() => setEditing('new')}>
            <Icon name="plus" /> {t('admin.newUser')}
          </button>
        }
      />
      <Notice text={notice} onDismiss={() => setNotice(null)} />
      <ListState list={list} empty={t('admin.noUsers')} onRetry={reload}>
        {(users) => (
          <ul className="admin-list">
            {[...users]
              .sort((a, b) => Number(a.disabled) - Number(b.disabled) || a.username.localeCompare(b.username))
              .map((u) => (
                <li key={u.id} className={`admin-item${u.disabled ? ' is-disabled' : ''}`} data-testid={`user-${u.username}`}>
                  <div className="admin-item-main">
                    <p className="admin-item-title">
                      <strong>{u.username}</strong>
                      {me.user?.id === u.id ? <span className="muted">{t('admin.you')}</span> : null}
                      <RoleBadge role={u.role} />
                      {u.disabled ? <span className="flag flag-off">{t('admin.disabled')}</span> : null}
                    </p>
                    <p className="admin-item-meta">
                      {hasStations(u.role) ? (
                        <span>
                          {t('admin.stationsLabel')} {stationList(u.stationIds, stations) || <em>{t('admin.noneYet')}</em>}
                        </span>
                      ) : null}
                      <span>
                        {t('admin.signsInWith')} {signInWays(u)}
                      </span>
                    </p>
                  </div>
                  <div className="admin-item-actions">
                    <button type="button" className="btn" onClick={() => setEditing(u)} aria-label={t('admin.editName', { name: u.username })}>
                      <Icon name="edit" /> {t('lead.edit')}
                    </button>
                  </div>
                </li>
              ))}
          </ul>
        )}
      </ListState>
      {editing === 'new' ? (
        <Dialog title={t('admin.newUser')} onClose={() => setEditing(null)}>
          <CreateUserForm
            stations={stations}
            onCancel={() => setEditing(null)}
            onCreated={(u) => {
              setEditing(null);
              done(t('admin.userCreated', { name: u.username }));
            }}
          />
        </Dialog>
      ) : editing ? (
        <Dialog title={t('admin.editUser', { name: editing.username })} onClose={() => setEditing(null)}>
          <EditUser
            user={editing}
            isMe={me.user?.id === editing.id}
            stations={stations}
            onChanged={(u, text) => {
              setEditing(u);
              done(text);
            }}
          />
        </Dialog>
      ) : null}
    </>
  );
}

function signInWays(u: PublicUser): ReactNode {
  const t = tr();
  if (u.hasPassword && u.hasBadge) return t('admin.waysBoth');
  if (u.hasPassword) return t('admin.wayPassword');
  if (u.hasBadge) return t('admin.wayBadge');
  return <em className="warn-text">{t('admin.waysNone')}</em>;
}

function CreateUserForm({ stations, onCancel, onCreated }: { stations: StationInfo[]; onCancel: () => void; onCreated: (u: PublicUser) => void }) {
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<Role>(Role.OPERATOR);
  const [stationIds, setStationIds] = useState<string[]>([]);
  const [password, setPassword] = useState('');
  const [badge, setBadge] = useState('');
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const t = tr();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (password === '' && badge.trim() === '') return setError(t('admin.errNoWay'));
    if (password !== '' && password.length < Limits.PASSWORD_MIN) return setError(t('admin.errPassword', { rule: passwordRule() }));
    if (pin !== '' && badge.trim() === '') return setError(t('admin.errPinNoBadge'));
    if (hasStations(role) && stationIds.length === 0) return setError(t('admin.errNoStation'));
    const body = {
      username: username.trim(),
      role,
      ...(hasStations(role) ? { stationIds } : {}),
      ...(password !== '' ? { password } : {}),
      ...(badge.trim() !== '' ? { badge: badge.trim() } : {}),
      ...(pin !== '' ? { pin } : {}),
    };
    const checked = CreateUserBody.safeParse(body);
    if (!checked.success) return setError(firstIssue(checked.error.issues, fieldLabels()));
    setBusy(true);
    setError(null);
    try {
      onCreated(await createUser(checked.data));
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  }

  return (
    <form className="form admin-form" onSubmit={(e) => void submit(e)} noValidate>
      <label>
        {t('signIn.username')}
        <input
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          maxLength={Limits.USERNAME}
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          required
          autoFocus
        />
        <span className="muted small">{t('admin.usernameHint')}</span>
      </label>
      <RoleSelect value={role} onChange={setRole} />
      {hasStations(role) ? (
        <StationChecks stations={stations} value={stationIds} onChange={setStationIds} hint={t('admin.operatorStationsHint')} />
      ) : null}
      <fieldset>
        <legend>{t('admin.howSignIn')}</legend>
        <label>
          {t('admin.passwordOptional')}
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" maxLength={Limits.PASSWORD_MAX} />
          <span className="muted small">{t('admin.passwordFor', { rule: passwordRule() })}</span>
        </label>
        <div className="form-grid">
          <label>
            {t('admin.badgeOptional')}
            <input value={badge} onChange={(e) => setBadge(e.target.value)} autoComplete="off" spellCheck={false} maxLength={Limits.BADGE} />
            <span className="muted small">{t('admin.badgeHint')}</span>
          </label>
          <label>
            {t('admin.pinOptional')}
            <input value={pin} onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))} inputMode="numeric" autoComplete="off" maxLength={8} />
            <span className="muted small">{t('admin.pinHint')}</span>
          </label>
        </div>
      </fieldset>
      <FormFooter error={error} busy={busy} submitLabel={t('admin.createUser')} onCancel={onCancel} />
    </form>
  );
}

function EditUser({
  user,
  isMe,
  stations,
  onChanged,
}: {
  user: PublicUser;
  isMe: boolean;
  stations: StationInfo[];
  onChanged: (u: PublicUser, text: string) => void;
}) {
  const t = tr();
  return (
    <div className="admin-edit">
      {isMe ? (
        <p className="admin-warning">
          <Icon name="warning" /> {t('admin.ownAccount')}
        </p>
      ) : null}
      <RoleForm user={user} stations={stations} onChanged={onChanged} />
      <PasswordForm user={user} onChanged={onChanged} />
      <BadgeForm user={user} onChanged={onChanged} />
      <section className="form admin-form">
        <h3>{t('admin.account')}</h3>
        <p className="muted">
          {user.disabled ? t('admin.isDisabled') : t('admin.disableHint')}
        </p>
        <div className="form-actions form-actions-start">
          {user.disabled ? (
            <ConfirmAction
              key="enable"
              label={t('admin.enableAccount')}
              question={t('admin.enableQuestion', { name: user.username })}
              confirmLabel={t('admin.enable')}
              danger={false}
              onConfirm={async () => onChanged(await updateUser(user.id, { disabled: false }), t('admin.enabled', { name: user.username }))}
            />
          ) : (
            <ConfirmAction
              key="disable"
              label={t('admin.disableAccount')}
              question={t('admin.disableQuestion', { name: user.username })}
              confirmLabel={t('admin.disable')}
              onConfirm={async () => onChanged(await updateUser(user.id, { disabled: true }), t('admin.disabledDone', { name: user.username }))}
            />
          )}
        </div>
      </section>
    </div>
  );
}

/** Runs a PATCH for a sub-form: busy flag, error line, answer to the parent. */
function usePatch(user: PublicUser, onChanged: (u: PublicUser, text: string) => void) {
  const [error, setErrorState] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const setError = (text: string | null) => {
    setErrorState(text);
    if (text) setSaved(null);
  };
  async function run(patch: unknown, text: string): Promise<boolean> {
    const checked = UpdateUserBody.safeParse(patch);
    if (!checked.success) {
      setError(firstIssue(checked.error.issues, fieldLabels()));
      return false;
    }
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      const u = await updateUser(user.id, checked.data);
      setBusy(false);
      setSaved(text);
      onChanged(u, text);
      return true;
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
      return false;
    }
  }
  return { error, setError, saved, busy, run };
}

/** A sub-form's outcome: its error, or what was saved. */
function Outcome({ error, saved }: { error: string | null; saved: string | null }) {
  if (error) {
    return (
      <p className="form-error" role="alert">
        {error}
      </p>
    );
  }
  return (
    <p className="form-ok" role="status">
      {saved ? (
        <>
          <Icon name="check" /> {saved}
        </>
      ) : null}
    </p>
  );
}

function RoleForm({ user, stations, onChanged }: { user: PublicUser; stations: StationInfo[]; onChanged: (u: PublicUser, text: string) => void }) {
  const [role, setRole] = useState<Role>(user.role);
  const [stationIds, setStationIds] = useState<string[]>(user.stationIds);
  const { error, setError, saved, busy, run } = usePatch(user, onChanged);
  const t = tr();
  const changed =
    role !== user.role || (hasStations(role) && JSON.stringify([...stationIds].sort()) !== JSON.stringify([...user.stationIds].sort()));

  function submit(e: FormEvent) {
    e.preventDefault();
    if (hasStations(role) && stationIds.length === 0) return setError(t('admin.errNoStation'));
    void run(hasStations(role) ? { role, stationIds } : { role }, t('admin.roleChanged', { name: user.username, role: roleLabel(role) }));
  }
  return (
    <form className="form admin-form" onSubmit={submit}>
      <h3>{t('admin.roleAndStations')}</h3>
      <RoleSelect value={role} onChange={setRole} />
      {hasStations(role) ? <StationChecks stations={stations} value={stationIds} onChange={setStationIds} /> : null}
      <Outcome error={error} saved={saved} />
      <div className="form-actions form-actions-start">
        <button type="submit" className="btn btn-primary" disabled={busy || !changed}>
          {busy ? t('common.saving') : t('admin.saveRole')}
        </button>
      </div>
    </form>
  );
}

function PasswordForm({ user, onChanged }: { user: PublicUser; onChanged: (u: PublicUser, text: string) => void }) {
  const [password, setPassword] = useState('');
  const { error, setError, saved, busy, run } = usePatch(user, onChanged);
  const t = tr();
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (password.length < Limits.PASSWORD_MIN) return setError(t('admin.errPassword', { rule: passwordRule() }));
    if (await run({ password }, t('admin.passwordSet', { name: user.username }))) setPassword('');
  }
  return (
    <form className="form admin-form" onSubmit={(e) => void submit(e)}>
      <h3>{user.hasPassword ? t('admin.resetPassword') : t('admin.setAPassword')}</h3>
      <label>
        {t('admin.newPassword')}
        <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" maxLength={Limits.PASSWORD_MAX} />
        <span className="muted small">{t('admin.passwordTell', { rule: passwordRuleStart() })}</span>
      </label>
      <Outcome error={error} saved={saved} />
      <div className="form-actions form-actions-start">
        <button type="submit" className="btn btn-primary" disabled={busy || password === ''}>
          {busy ? t('common.saving') : user.hasPassword ? t('admin.resetPassword') : t('admin.setPassword')}
        </button>
      </div>
    </form>
  );
}

function BadgeForm({ user, onChanged }: { user: PublicUser; onChanged: (u: PublicUser, text: string) => void }) {
  const [badge, setBadge] = useState('');
  const [pin, setPin] = useState('');
  const { error, setError, saved, busy, run } = usePatch(user, onChanged);
  const t = tr();
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (badge.trim() === '') return setError(t('admin.errBadgeFirst'));
    const patch = pin !== '' ? { badge: badge.trim(), pin } : { badge: badge.trim() };
    if (await run(patch, t('admin.badgeSet', { name: user.username }))) {
      setBadge('');
      setPin('');
    }
  }
  return (
    <form className="form admin-form" onSubmit={(e) => void submit(e)}>
      <h3>{t('admin.badge')}</h3>
      <p className="muted">{user.hasBadge ? t('admin.hasBadge') : t('admin.noBadge')}</p>
      <div className="form-grid">
        <label>
          {user.hasBadge ? t('admin.newBadge') : t('admin.badge')}
          <input value={badge} onChange={(e) => setBadge(e.target.value)} autoComplete="off" spellCheck={false} maxLength={Limits.BADGE} />
        </label>
        <label>
          {t('admin.pinOptional')}
          <input value={pin} onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))} inputMode="numeric" autoComplete="off" maxLength={8} />
        </label>
      </div>
      <Outcome error={error} saved={saved} />
      <div className="form-actions form-actions-start">
        <button type="submit" className="btn btn-primary" disabled={busy || badge.trim() === ''}>
          {busy ? t('common.saving') : t('admin.setBadge')}
        </button>
        {user.hasBadge ? (
          <ConfirmAction
            label={t('admin.removeBadge')}
            question={t('admin.removeBadgeQuestion', { name: user.username })}
            confirmLabel={t('admin.removeBadge')}
            onConfirm={async () => {
              await run({ badge: null, pin: null }, t('admin.badgeRemoved', { name: user.username }));
            }}
          />
        ) : null}
      </div>
    </form>
  );
}

// ---------------------------------------------------------------- API tokens

function TokensSection({ stations }: { stations: StationInfo[] }) {
  const [list, reload] = useList(listTokens);
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const nowMs = useNow();
  const t = tr();

  return (
    <>
      <SectionHead
        title={t('admin.tabs.tokens')}
        intro={t('admin.tokensIntro')}
        action={
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
            <Icon name="plus" /> {t('admin.newToken')}
          </button>
        }
      />
      <Notice text={notice} onDismiss={() => setNotice(null)} />
      <ListState list={list} empty={t('admin.noTokens')} onRetry={reload}>
        {(tokens) => (
          <ul className="admin-list">
            {tokens.map((tk) => (
              <TokenRow
                key={tk.id}
                token={tk}
                stations={stations}
                nowMs={nowMs}
                onRevoked={() => {
                  setNotice(t('admin.tokenRevoked', { name: tk.name }));
                  reload();
                }}
              />
            ))}
          </ul>
        )}
      </ListState>
      {creating ? (
        <Dialog title={t('admin.newApiToken')} onClose={() => setCreating(false)}>
          <CreateTokenForm stations={stations} onCreated={reload} onDone={() => setCreating(false)} />
        </Dialog>
      ) : null}
    </>
  );
}

function TokenRow({ token, stations, nowMs, onRevoked }: { token: TokenInfo; stations: StationInfo[]; nowMs: number; onRevoked: () => void }) {
  const t = tr();
  return (
    <li className="admin-item" data-testid={`token-${token.name}`}>
      <div className="admin-item-main">
        <p className="admin-item-title">
          <strong>{token.name}</strong>
          <RoleBadge role={token.role} />
        </p>
        <p className="admin-item-meta">
          {hasStations(token.role) ? (
            <span>
              {t('admin.stationsLabel')} {stationList(token.stationIds, stations) || <em>{t('admin.none')}</em>}
            </span>
          ) : null}
          <span>
            {t('admin.lastUsed')} <When iso={token.lastUsedAt} nowMs={nowMs} />
          </span>
          <span>
            {t('admin.createdBy', { name: token.createdBy })} <When iso={token.createdAt} nowMs={nowMs} />
          </span>
        </p>
      </div>
      <div className="admin-item-actions">
        <ConfirmAction
          label={t('admin.revoke')}
          question={t('admin.revokeTokenQuestion', { name: token.name })}
          confirmLabel={t('admin.revokeToken')}
          onConfirm={async () => {
            await revokeToken(token.id);
            onRevoked();
          }}
        />
      </div>
    </li>
  );
}

function CreateTokenForm({ stations, onCreated, onDone }: { stations: StationInfo[]; onCreated: () => void; onDone: () => void }) {
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>(Role.OPERATOR);
  const [stationIds, setStationIds] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const t = tr();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (name.trim() === '') return setError(t('admin.errTokenName'));
    if (hasStations(role) && stationIds.length === 0) return setError(t('admin.errTokenStation'));
    const checked = CreateTokenBody.safeParse({ name: name.trim(), role, ...(hasStations(role) ? { stationIds } : {}) });
    if (!checked.success) return setError(firstIssue(checked.error.issues, fieldLabels()));
    setBusy(true);
    setError(null);
    try {
      const out = await createToken(checked.data);
      setCreated({ name: checked.data.name, token: out.token });
      onCreated();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  if (created) return <TokenOnce name={created.name} token={created.token} onDone={onDone} />;
  return (
    <form className="form admin-form" onSubmit={(e) => void submit(e)} noValidate>
      <label>
        {t('stationForm.name')}
        <input value={name} onChange={(e) => setName(e.target.value)} maxLength={Limits.NAME} autoComplete="off" required autoFocus />
        <span className="muted small">{t('admin.tokenNameHint')}</span>
      </label>
      <RoleSelect value={role} onChange={setRole} />
      {hasStations(role) ? <StationChecks stations={stations} value={stationIds} onChange={setStationIds} hint={t('admin.tokenStationsHint')} /> : null}
      <FormFooter error={error} busy={busy} submitLabel={t('admin.createToken')} onCancel={onDone} />
    </form>
  );
}

/** The new token, shown this once, with a copy button. */
function TokenOnce({ name, token, onDone }: { name: string; token: string; onDone: () => void }) {
  const [copied, setCopied] = useState<'no' | 'yes' | 'failed'>('no');
  const inputRef = useRef<HTMLInputElement>(null);
  const t = tr();

  useEffect(() => {
    inputRef.current?.focus();
    inputRef.current?.select();
  }, []);

  async function copy() {
    try {
      await navigator.clipboard.writeText(token);
      setCopied('yes');
    } catch {
      // No clipboard (plain http, or refused): select the text so Ctrl+C / a long press copies it.
      inputRef.current?.focus();
      inputRef.current?.select();
      setCopied('failed');
    }
  }

  return (
    <div className="form admin-form token-once">
      <p className="admin-warning" role="alert">
        <Icon name="warning" /> {t('admin.copyNow')}
      </p>
      <label>
        {t('admin.tokenFor', { name })}
        <input ref={inputRef} className="token-value" value={token} readOnly spellCheck={false} onFocus={(e) => e.target.select()} />
      </label>
      <p className="muted small" aria-live="polite">
        {copied === 'yes' ? t('admin.copied') : copied === 'failed' ? t('admin.copyFailed') : t('admin.sendAs')}
      </p>
      <div className="form-actions">
        <button type="button" className="btn" onClick={() => void copy()}>
          {copied === 'yes' ? <Icon name="check" /> : null} {copied === 'yes' ? t('admin.copiedShort') : t('admin.copyToken')}
        </button>
        <button type="button" className="btn btn-primary" onClick={onDone}>
          {t('admin.haveCopied')}
        </button>
      </div>
    </div>
  );
}

// ---------------------------------------------------------------- devices

function DevicesSection({ stations }: { stations: StationInfo[] }) {
  const [list, reload] = useList(listDevices);
  const [notice, setNotice] = useState<string | null>(null);
  const nowMs = useNow();
  const t = tr();

  return (
    <>
      <SectionHead
        title={t('admin.tabs.devices')}
        intro={t('admin.devicesIntro')}
        action={
          <div className="admin-head-actions">
            <button type="button" className="btn" onClick={reload}>
              <Icon name="reconnect" /> {t('admin.refresh')}
            </button>
            <a href="/pair/approve" className="btn btn-primary" onClick={onLinkClick}>
              <Icon name="plus" /> {t('app.titles.pair-approve')}
            </a>
          </div>
        }
      />
      <Notice text={notice} onDismiss={() => setNotice(null)} />
      <ListState list={list} empty={t('admin.noDevices')} onRetry={reload}>
        {(devices) => {
          const active = devices.filter((d) => d.revokedAt === null);
          const revoked = devices.filter((d) => d.revokedAt !== null);
          return (
            <>
              <ul className="admin-list">
                {active.map((d) => (
                  <DeviceRow
                    key={d.id}
                    device={d}
                    stations={stations}
                    nowMs={nowMs}
                    onRevoked={() => {
                      setNotice(t('admin.deviceRevoked', { name: d.name }));
                      reload();
                    }}
                  />
                ))}
              </ul>
              {revoked.length > 0 ? (
                <details className="admin-revoked">
                  <summary>{t('admin.revokedDevices', { count: revoked.length })}</summary>
                  <ul className="admin-list">
                    {revoked.map((d) => (
                      <DeviceRow key={d.id} device={d} stations={stations} nowMs={nowMs} onRevoked={reload} />
                    ))}
                  </ul>
                </details>
              ) : null}
            </>
          );
        }}
      </ListState>
    </>
  );
}

function DeviceRow({ device, stations, nowMs, onRevoked }: { device: DeviceInfo; stations: StationInfo[]; nowMs: number; onRevoked: () => void }) {
  const t = tr();
  return (
    <li className={`admin-item${device.revokedAt ? ' is-disabled' : ''}`} data-testid={`device-${device.name}`}>
      <div className="admin-item-main">
        <p className="admin-item-title">
          <strong>{device.name}</strong>
          <span className="muted">{deviceKind(device.role)}</span>
          <RoleBadge role={device.role} />
        </p>
        <p className="admin-item-meta">
          {hasStations(device.role) ? (
            <span>
              {t('admin.stationsLabel')} {stationList(device.stationIds, stations) || <em>{t('admin.none')}</em>}
            </span>
          ) : null}
          <span>
            {t('admin.lastSeen')} <When iso={device.lastSeenAt} nowMs={nowMs} never={t('admin.notYet')} />
          </span>
          <span>
            {t('admin.pairedBy', { name: device.createdBy })} <When iso={device.createdAt} nowMs={nowMs} />
          </span>
          {device.revokedAt ? (
            <span>
              {t('admin.revokedAt')} <When iso={device.revokedAt} nowMs={nowMs} />
            </span>
          ) : null}
        </p>
      </div>
      {device.revokedAt ? null : (
        <div className="admin-item-actions">
          <ConfirmAction
            label={t('admin.revoke')}
            question={t('admin.revokeDeviceQuestion', { name: device.name })}
            confirmLabel={t('admin.revokeDevice')}
            onConfirm={async () => {
              await revokeDevice(device.id);
              onRevoked();
            }}
          />
        </div>
      )}
    </li>
  );
}
