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
  ROLE_HINTS,
  ROLE_LABELS,
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

type Tab = 'users' | 'tokens' | 'devices';
const TAB_LABELS: Record<Tab, string> = { users: 'Users', tokens: 'API tokens', devices: 'Devices' };

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

  const links = (
    <a href="/pair/approve" className="btn" onClick={onLinkClick}>
      Pair a device
    </a>
  );

  if (who.status === 'loading') {
    return (
      <AdminFrame title="Admin">
        <p className="loading" role="status">
          Loading…
        </p>
      </AdminFrame>
    );
  }
  if (who.status === 'error') {
    return (
      <AdminFrame title="Admin">
        {who.error instanceof ApiError && who.error.code === 'UNAUTHENTICATED' ? (
          <Refusal title="Sign in first">
            <p>This page is for admins and team leads. Sign in, then open it again.</p>
            <a className="btn btn-primary" href="/" onClick={onLinkClick}>
              Go to sign-in
            </a>
          </Refusal>
        ) : (
          <Refusal title="The page could not load">
            <p>{errorText(who.error)}</p>
            <button type="button" className="btn btn-primary" onClick={loadWho}>
              Try again
            </button>
          </Refusal>
        )}
      </AdminFrame>
    );
  }
  const tabs = tabsFor(who.me.role);
  if (tabs.length === 0) {
    return (
      <AdminFrame title="Admin">
        <Refusal title="Not for this account">
          <p>
            You are signed in as <strong>{who.me.name}</strong> ({ROLE_LABELS[who.me.role]}). Only admins and team leads can
            manage accounts and devices.
          </p>
          <a className="btn btn-primary" href="/" onClick={onLinkClick}>
            Back to the board
          </a>
        </Refusal>
      </AdminFrame>
    );
  }
  return (
    <AdminFrame title={who.me.role === Role.ADMIN ? 'Admin' : 'Devices'} links={links}>
      <AdminTabs me={who.me} tabs={tabs} stations={stations} />
    </AdminFrame>
  );
}

function AdminTabs({ me, tabs, stations }: { me: Me; tabs: Tab[]; stations: StationInfo[] }) {
  const [tab, setTab] = useState<Tab>(() => tabFromHash(window.location.hash, tabs) ?? 'devices');
  const refs = useRef<Partial<Record<Tab, HTMLButtonElement | null>>>({});

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
        <div className="admin-tabs" role="tablist" aria-label="Admin sections" onKeyDown={onKey}>
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
              {TAB_LABELS[t]}
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
  if (list.status === 'loading') {
    return (
      <p className="admin-empty muted" role="status">
        Loading…
      </p>
    );
  }
  if (list.status === 'error') {
    return (
      <div className="admin-empty" role="alert">
        <p className="form-error">{list.message}</p>
        <button type="button" className="btn" onClick={onRetry}>
          Try again
        </button>
      </div>
    );
  }
  if (list.items.length === 0) return <p className="admin-empty muted">{empty}</p>;
  return <>{children(list.items)}</>;
}

function RoleSelect({ value, onChange, roles = ROLES }: { value: Role; onChange: (r: Role) => void; roles?: readonly Role[] }) {
  return (
    <label>
      Role
      <select value={value} onChange={(e) => onChange(roles.find((r) => r === e.target.value) ?? value)}>
        {roles.map((r) => (
          <option key={r} value={r}>
            {ROLE_LABELS[r]}
          </option>
        ))}
      </select>
      <span className="muted small">{ROLE_HINTS[value]}</span>
    </label>
  );
}

function RoleBadge({ role }: { role: Role }) {
  return <span className={`role-badge role-${role}`}>{ROLE_LABELS[role]}</span>;
}

/** The first problem of a zod check, as a sentence naming the field. */
function firstIssue(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>, labels: Record<string, string>): string {
  const i = issues[0];
  if (!i) return 'Check the form.';
  const key = String(i.path[0] ?? '');
  return `${labels[key] ?? key}: ${i.message}`;
}

const FIELD_LABELS: Record<string, string> = {
  username: 'Username',
  password: 'Password',
  badge: 'Badge',
  pin: 'PIN',
  role: 'Role',
  stationIds: 'Stations',
  name: 'Name',
};

const PASSWORD_RULE = `at least ${Limits.PASSWORD_MIN} characters`;
const PASSWORD_RULE_START = `At least ${Limits.PASSWORD_MIN} characters`;

// ---------------------------------------------------------------- users

function UsersSection({ me, stations }: { me: Me; stations: StationInfo[] }) {
  const [list, reload] = useList(listUsers);
  const [editing, setEditing] = useState<PublicUser | 'new' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const done = (text: string) => {
    setNotice(text);
    reload();
  };

  return (
    <>
      <SectionHead
        title="Users"
        intro="People who sign in with a password, or with a badge at a station."
        action={
          <button type="button" className="btn btn-primary" onClick={() => setEditing('new')}>
            <Icon name="plus" /> New user
          </button>
        }
      />
      <Notice text={notice} onDismiss={() => setNotice(null)} />
      <ListState list={list} empty="No users yet." onRetry={reload}>
        {(users) => (
          <ul className="admin-list">
            {[...users]
              .sort((a, b) => Number(a.disabled) - Number(b.disabled) || a.username.localeCompare(b.username))
              .map((u) => (
                <li key={u.id} className={`admin-item${u.disabled ? ' is-disabled' : ''}`} data-testid={`user-${u.username}`}>
                  <div className="admin-item-main">
                    <p className="admin-item-title">
                      <strong>{u.username}</strong>
                      {me.user?.id === u.id ? <span className="muted"> (you)</span> : null}
                      <RoleBadge role={u.role} />
                      {u.disabled ? <span className="flag flag-off">Disabled</span> : null}
                    </p>
                    <p className="admin-item-meta">
                      {hasStations(u.role) ? (
                        <span>Stations: {stationList(u.stationIds, stations) || <em>none yet</em>}</span>
                      ) : null}
                      <span>Signs in with: {signInWays(u)}</span>
                    </p>
                  </div>
                  <div className="admin-item-actions">
                    <button type="button" className="btn" onClick={() => setEditing(u)} aria-label={`Edit ${u.username}`}>
                      <Icon name="edit" /> Edit
                    </button>
                  </div>
                </li>
              ))}
          </ul>
        )}
      </ListState>
      {editing === 'new' ? (
        <Dialog title="New user" onClose={() => setEditing(null)}>
          <CreateUserForm
            stations={stations}
            onCancel={() => setEditing(null)}
            onCreated={(u) => {
              setEditing(null);
              done(`User ${u.username} created.`);
            }}
          />
        </Dialog>
      ) : editing ? (
        <Dialog title={`Edit user: ${editing.username}`} onClose={() => setEditing(null)}>
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
  const ways = [u.hasPassword ? 'password' : null, u.hasBadge ? 'badge' : null].filter((w) => w !== null);
  if (ways.length === 0) return <em className="warn-text">nothing (set a password or a badge)</em>;
  return ways.join(' and ');
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

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (password === '' && badge.trim() === '') return setError('Give a password or a badge (or both): otherwise the user cannot sign in.');
    if (password !== '' && password.length < Limits.PASSWORD_MIN) return setError(`Password: ${PASSWORD_RULE}.`);
    if (pin !== '' && badge.trim() === '') return setError('A PIN goes with a badge: give the badge too, or leave the PIN empty.');
    if (hasStations(role) && stationIds.length === 0) return setError('Pick at least one station for an operator.');
    const body = {
      username: username.trim(),
      role,
      ...(hasStations(role) ? { stationIds } : {}),
      ...(password !== '' ? { password } : {}),
      ...(badge.trim() !== '' ? { badge: badge.trim() } : {}),
      ...(pin !== '' ? { pin } : {}),
    };
    const checked = CreateUserBody.safeParse(body);
    if (!checked.success) return setError(firstIssue(checked.error.issues, FIELD_LABELS));
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
        Username
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
        <span className="muted small">Letters, digits and . _ @ - only.</span>
      </label>
      <RoleSelect value={role} onChange={setRole} />
      {hasStations(role) ? (
        <StationChecks stations={stations} value={stationIds} onChange={setStationIds} hint="The stations this operator works at." />
      ) : null}
      <fieldset>
        <legend>How they sign in</legend>
        <label>
          Password (optional)
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" maxLength={Limits.PASSWORD_MAX} />
          <span className="muted small">For the lead board and this page: {PASSWORD_RULE}.</span>
        </label>
        <div className="form-grid">
          <label>
            Badge (optional)
            <input value={badge} onChange={(e) => setBadge(e.target.value)} autoComplete="off" spellCheck={false} maxLength={Limits.BADGE} />
            <span className="muted small">Scan it here, or type the number printed on it.</span>
          </label>
          <label>
            PIN (optional)
            <input value={pin} onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))} inputMode="numeric" autoComplete="off" maxLength={8} />
            <span className="muted small">4 to 8 digits, asked after the badge when PINs are on.</span>
          </label>
        </div>
      </fieldset>
      <FormFooter error={error} busy={busy} submitLabel="Create user" onCancel={onCancel} />
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
  return (
    <div className="admin-edit">
      {isMe ? (
        <p className="admin-warning">
          <Icon name="warning" /> This is your own account: a new role, a new password or disabling it signs you out.
        </p>
      ) : null}
      <RoleForm user={user} stations={stations} onChanged={onChanged} />
      <PasswordForm user={user} onChanged={onChanged} />
      <BadgeForm user={user} onChanged={onChanged} />
      <section className="form admin-form">
        <h3>Account</h3>
        <p className="muted">
          {user.disabled
            ? 'This account is disabled: it cannot sign in.'
            : 'Disabling signs the user out everywhere at once; nothing they did is lost.'}
        </p>
        <div className="form-actions form-actions-start">
          {user.disabled ? (
            <ConfirmAction
              key="enable"
              label="Enable account"
              question={`Let ${user.username} sign in again?`}
              confirmLabel="Enable"
              danger={false}
              onConfirm={async () => onChanged(await updateUser(user.id, { disabled: false }), `${user.username} can sign in again.`)}
            />
          ) : (
            <ConfirmAction
              key="disable"
              label="Disable account"
              question={`Disable ${user.username}? They are signed out now and cannot sign in until enabled.`}
              confirmLabel="Disable"
              onConfirm={async () => onChanged(await updateUser(user.id, { disabled: true }), `${user.username} is disabled and signed out.`)}
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
      setError(firstIssue(checked.error.issues, FIELD_LABELS));
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
  const changed =
    role !== user.role || (hasStations(role) && JSON.stringify([...stationIds].sort()) !== JSON.stringify([...user.stationIds].sort()));

  function submit(e: FormEvent) {
    e.preventDefault();
    if (hasStations(role) && stationIds.length === 0) return setError('Pick at least one station for an operator.');
    void run(hasStations(role) ? { role, stationIds } : { role }, `${user.username} is now ${ROLE_LABELS[role].toLowerCase()}; their sessions were signed out.`);
  }
  return (
    <form className="form admin-form" onSubmit={submit}>
      <h3>Role and stations</h3>
      <RoleSelect value={role} onChange={setRole} />
      {hasStations(role) ? <StationChecks stations={stations} value={stationIds} onChange={setStationIds} /> : null}
      <Outcome error={error} saved={saved} />
      <div className="form-actions form-actions-start">
        <button type="submit" className="btn btn-primary" disabled={busy || !changed}>
          {busy ? 'Saving…' : 'Save role and stations'}
        </button>
      </div>
    </form>
  );
}

function PasswordForm({ user, onChanged }: { user: PublicUser; onChanged: (u: PublicUser, text: string) => void }) {
  const [password, setPassword] = useState('');
  const { error, setError, saved, busy, run } = usePatch(user, onChanged);
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (password.length < Limits.PASSWORD_MIN) return setError(`Password: ${PASSWORD_RULE}.`);
    if (await run({ password }, `New password set for ${user.username}; their sessions were signed out.`)) setPassword('');
  }
  return (
    <form className="form admin-form" onSubmit={(e) => void submit(e)}>
      <h3>{user.hasPassword ? 'Reset password' : 'Set a password'}</h3>
      <label>
        New password
        <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" maxLength={Limits.PASSWORD_MAX} />
        <span className="muted small">{PASSWORD_RULE_START}. Tell it to the user; they are signed out everywhere.</span>
      </label>
      <Outcome error={error} saved={saved} />
      <div className="form-actions form-actions-start">
        <button type="submit" className="btn btn-primary" disabled={busy || password === ''}>
          {busy ? 'Saving…' : user.hasPassword ? 'Reset password' : 'Set password'}
        </button>
      </div>
    </form>
  );
}

function BadgeForm({ user, onChanged }: { user: PublicUser; onChanged: (u: PublicUser, text: string) => void }) {
  const [badge, setBadge] = useState('');
  const [pin, setPin] = useState('');
  const { error, setError, saved, busy, run } = usePatch(user, onChanged);
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (badge.trim() === '') return setError('Scan or type the badge first.');
    const patch = pin !== '' ? { badge: badge.trim(), pin } : { badge: badge.trim() };
    if (await run(patch, `New badge set for ${user.username}.`)) {
      setBadge('');
      setPin('');
    }
  }
  return (
    <form className="form admin-form" onSubmit={(e) => void submit(e)}>
      <h3>Badge</h3>
      <p className="muted">{user.hasBadge ? 'This user has a badge. A new one replaces it.' : 'No badge yet.'}</p>
      <div className="form-grid">
        <label>
          {user.hasBadge ? 'New badge' : 'Badge'}
          <input value={badge} onChange={(e) => setBadge(e.target.value)} autoComplete="off" spellCheck={false} maxLength={Limits.BADGE} />
        </label>
        <label>
          PIN (optional)
          <input value={pin} onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))} inputMode="numeric" autoComplete="off" maxLength={8} />
        </label>
      </div>
      <Outcome error={error} saved={saved} />
      <div className="form-actions form-actions-start">
        <button type="submit" className="btn btn-primary" disabled={busy || badge.trim() === ''}>
          {busy ? 'Saving…' : 'Set badge'}
        </button>
        {user.hasBadge ? (
          <ConfirmAction
            label="Remove badge"
            question={`Remove the badge of ${user.username}? It stops working at once.`}
            confirmLabel="Remove badge"
            onConfirm={async () => {
              await run({ badge: null, pin: null }, `Badge of ${user.username} removed.`);
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

  return (
    <>
      <SectionHead
        title="API tokens"
        intro="For scanners, scripts and ERP/MES links. A token acts with its role; revoke it when it is no longer used."
        action={
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
            <Icon name="plus" /> New token
          </button>
        }
      />
      <Notice text={notice} onDismiss={() => setNotice(null)} />
      <ListState list={list} empty="No API tokens." onRetry={reload}>
        {(tokens) => (
          <ul className="admin-list">
            {tokens.map((t) => (
              <TokenRow
                key={t.id}
                token={t}
                stations={stations}
                nowMs={nowMs}
                onRevoked={() => {
                  setNotice(`Token ${t.name} revoked.`);
                  reload();
                }}
              />
            ))}
          </ul>
        )}
      </ListState>
      {creating ? (
        <Dialog title="New API token" onClose={() => setCreating(false)}>
          <CreateTokenForm stations={stations} onCreated={reload} onDone={() => setCreating(false)} />
        </Dialog>
      ) : null}
    </>
  );
}

function TokenRow({ token, stations, nowMs, onRevoked }: { token: TokenInfo; stations: StationInfo[]; nowMs: number; onRevoked: () => void }) {
  return (
    <li className="admin-item" data-testid={`token-${token.name}`}>
      <div className="admin-item-main">
        <p className="admin-item-title">
          <strong>{token.name}</strong>
          <RoleBadge role={token.role} />
        </p>
        <p className="admin-item-meta">
          {hasStations(token.role) ? <span>Stations: {stationList(token.stationIds, stations) || <em>none</em>}</span> : null}
          <span>
            Last used: <When iso={token.lastUsedAt} nowMs={nowMs} />
          </span>
          <span>
            Created by {token.createdBy}, <When iso={token.createdAt} nowMs={nowMs} />
          </span>
        </p>
      </div>
      <div className="admin-item-actions">
        <ConfirmAction
          label="Revoke"
          question={`Revoke ${token.name}? Everything using it is refused from now on.`}
          confirmLabel="Revoke token"
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

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (name.trim() === '') return setError('Give the token a name that says what uses it (for example "ERP bridge").');
    if (hasStations(role) && stationIds.length === 0) return setError('Pick at least one station for an operator token.');
    const checked = CreateTokenBody.safeParse({ name: name.trim(), role, ...(hasStations(role) ? { stationIds } : {}) });
    if (!checked.success) return setError(firstIssue(checked.error.issues, FIELD_LABELS));
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
        Name
        <input value={name} onChange={(e) => setName(e.target.value)} maxLength={Limits.NAME} autoComplete="off" required autoFocus />
        <span className="muted small">What uses it: "Receiving scanner", "ERP bridge"…</span>
      </label>
      <RoleSelect value={role} onChange={setRole} />
      {hasStations(role) ? <StationChecks stations={stations} value={stationIds} onChange={setStationIds} hint="The stations this token may work at." /> : null}
      <FormFooter error={error} busy={busy} submitLabel="Create token" onCancel={onDone} />
    </form>
  );
}

/** The new token, shown this once, with a copy button. */
function TokenOnce({ name, token, onDone }: { name: string; token: string; onDone: () => void }) {
  const [copied, setCopied] = useState<'no' | 'yes' | 'failed'>('no');
  const inputRef = useRef<HTMLInputElement>(null);

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
        <Icon name="warning" /> Copy this token now. It is shown only once: Pullboard keeps only a fingerprint of it, and
        nobody can show it again. If it is lost, revoke it and create a new one.
      </p>
      <label>
        Token for {name}
        <input ref={inputRef} className="token-value" value={token} readOnly spellCheck={false} onFocus={(e) => e.target.select()} />
      </label>
      <p className="muted small" aria-live="polite">
        {copied === 'yes' ? 'Copied to the clipboard.' : copied === 'failed' ? 'This browser cannot copy here: the token is selected, copy it by hand.' : 'Send it as the header Authorization: Bearer <token>.'}
      </p>
      <div className="form-actions">
        <button type="button" className="btn" onClick={() => void copy()}>
          {copied === 'yes' ? <Icon name="check" /> : null} {copied === 'yes' ? 'Copied' : 'Copy token'}
        </button>
        <button type="button" className="btn btn-primary" onClick={onDone}>
          I have copied it
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

  return (
    <>
      <SectionHead
        title="Devices"
        intro="Wall TVs and station tablets paired with a code. Revoking one cuts its screen at once."
        action={
          <div className="admin-head-actions">
            <button type="button" className="btn" onClick={reload}>
              <Icon name="reconnect" /> Refresh
            </button>
            <a href="/pair/approve" className="btn btn-primary" onClick={onLinkClick}>
              <Icon name="plus" /> Pair a device
            </a>
          </div>
        }
      />
      <Notice text={notice} onDismiss={() => setNotice(null)} />
      <ListState list={list} empty="No devices are paired. Open /pair on the TV or tablet and approve the code it shows." onRetry={reload}>
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
                      setNotice(`${d.name} revoked: its screen was cut off.`);
                      reload();
                    }}
                  />
                ))}
              </ul>
              {revoked.length > 0 ? (
                <details className="admin-revoked">
                  <summary>Revoked devices ({revoked.length})</summary>
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
  return (
    <li className={`admin-item${device.revokedAt ? ' is-disabled' : ''}`} data-testid={`device-${device.name}`}>
      <div className="admin-item-main">
        <p className="admin-item-title">
          <strong>{device.name}</strong>
          <span className="muted">{deviceKind(device.role)}</span>
          <RoleBadge role={device.role} />
        </p>
        <p className="admin-item-meta">
          {hasStations(device.role) ? <span>Stations: {stationList(device.stationIds, stations) || <em>none</em>}</span> : null}
          <span>
            Last seen: <When iso={device.lastSeenAt} nowMs={nowMs} never="not yet" />
          </span>
          <span>
            Paired by {device.createdBy}, <When iso={device.createdAt} nowMs={nowMs} />
          </span>
          {device.revokedAt ? (
            <span>
              Revoked <When iso={device.revokedAt} nowMs={nowMs} />
            </span>
          ) : null}
        </p>
      </div>
      {device.revokedAt ? null : (
        <div className="admin-item-actions">
          <ConfirmAction
            label="Revoke"
            question={`Revoke ${device.name}? Its screen is cut off at once and must be paired again.`}
            confirmLabel="Revoke device"
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
