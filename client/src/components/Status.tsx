// The live indicator, the clock and the alert region: on every screen.
import { useEffect, useState } from 'react';
import { useBoardStore, useShallowStore } from '../store/hooks.ts';
import { ConnectionStatus as Status } from '../store/store.ts';
import { clockTime, sinceTime } from '../format.ts';
import { Icon } from './Icon.tsx';

/** live / reconnecting / offline since HH:MM, with an icon and a word. */
export function ConnectionStatus({ large = false }: { large?: boolean }) {
  const { status, since, synced } = useShallowStore((s) => ({
    status: s.connection.status,
    since: s.connection.since,
    synced: s.hasBoard,
  }));
  const now = useBoardStore((s) => s.now);
  const text =
    status === Status.LIVE
      ? 'Live'
      : status === Status.RECONNECTING
        ? synced
          ? 'Reconnecting…'
          : 'Connecting…'
        : `Offline since ${sinceTime(since ?? now, now)}`;
  const icon = status === Status.LIVE ? 'live' : status === Status.RECONNECTING ? 'reconnect' : 'offline';
  return (
    <span
      className={`conn conn-${status}${large ? ' conn-large' : ''}`}
      data-testid="connection-status"
      data-status={status}
      role="status"
      aria-live="polite"
    >
      <Icon name={icon} />
      <span>{text}</span>
    </span>
  );
}

/** A wall clock that ticks on its own, so nothing else re-renders every second. */
export function Clock({ seconds = false }: { seconds?: boolean }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(t);
  }, []);
  return (
    <time className="clock" dateTime={new Date(now).toISOString()} data-testid="clock">
      {clockTime(now, seconds)}
    </time>
  );
}

const ALERT_MS = 12_000;

/**
 * Refusals and errors, newest last, in one role="alert" region that is always in the
 * page (so screen readers announce what is added). Messages clear themselves after a
 * while or with Dismiss.
 */
export function AlertRegion() {
  const alerts = useBoardStore((s) => s.alerts);
  const dismiss = useBoardStore((s) => s.dismissAlert);
  useEffect(() => {
    if (alerts.length === 0) return;
    const oldest = alerts[0]!;
    const t = setTimeout(() => dismiss(oldest.id), Math.max(0, oldest.at + ALERT_MS - Date.now()));
    return () => clearTimeout(t);
  }, [alerts, dismiss]);
  return (
    <div className="alerts" role="alert" data-testid="alerts">
      {alerts.map((a) => (
        <div key={a.id} className={`alert alert-${a.kind}`} data-testid="alert">
          <Icon name={a.kind === 'info' ? 'check' : 'stop'} />
          <p>{a.text}</p>
          <button type="button" className="btn btn-quiet" onClick={() => dismiss(a.id)}>
            Dismiss
          </button>
        </div>
      ))}
    </div>
  );
}

/** Shown until the first snapshot arrives. */
export function Loading() {
  const status = useBoardStore((s) => s.connection.status);
  return (
    <div className="loading" aria-busy="true">
      <Icon name={status === Status.OFFLINE ? 'offline' : 'reconnect'} />
      <p>{status === Status.OFFLINE ? 'Cannot reach the Pullboard server. Retrying…' : 'Loading the board…'}</p>
    </div>
  );
}
