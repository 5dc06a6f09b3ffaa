// The live indicator, the clock and the alert region: on every screen. The outbox
// status (moves not sent yet) and the refused list: on the screens that make moves.
import { useEffect, useState } from 'react';
import { useBoardStore, useShallowStore } from '../store/hooks.ts';
import { ConnectionStatus as Status } from '../store/store.ts';
import { outboxText, refusedTitle } from '../store/messages.ts';
import { clockTime, sinceTime } from '../format.ts';
import { Icon } from './Icon.tsx';
import { useTranslations } from 'use-intl';

/** live / reconnecting / offline since HH:MM, with an icon and a word. */
export function ConnectionStatus({ large = false }: { large?: boolean }) {
  const { status, since, synced } = useShallowStore((s) => ({
    status: s.connection.status,
    since: s.connection.since,
    synced: s.hasBoard,
  }));
  const now = useBoardStore((s) => s.now);
  const t = useTranslations('status');
  const text =
    status === Status.LIVE
      ? t('live')
      : status === Status.RECONNECTING
        ? synced
          ? t('reconnecting')
          : t('connecting')
        : t('offlineSince', { time: sinceTime(since ?? now, now) });
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
  const t = useTranslations('common');
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
            {t('dismiss')}
          </button>
        </div>
      ))}
    </div>
  );
}

/** Shown until the first snapshot arrives. */
export function Loading() {
  const status = useBoardStore((s) => s.connection.status);
  const t = useTranslations('status');
  return (
    <div className="loading" aria-busy="true">
      <Icon name={status === Status.OFFLINE ? 'offline' : 'reconnect'} />
      <p>{status === Status.OFFLINE ? t('unreachable') : t('loading')}</p>
    </div>
  );
}

/**
 * How many moves this screen has not had answered yet: "3 moves not sent yet — will be
 * sent when back online" while not live, "Sending 3 moves…" while they go. Hidden at 0.
 */
export function OutboxStatus() {
  const count = useBoardStore((s) => s.pending.reduce((n, p) => (p.ackSeq === null ? n + 1 : n), 0));
  const live = useBoardStore((s) => s.connection.status === Status.LIVE);
  if (count === 0) return null;
  const text = outboxText(count, live);
  return (
    <span
      className={`outbox ${live ? 'outbox-sending' : 'outbox-waiting'}`}
      data-testid="outbox-status"
      data-count={count}
      data-live={live ? 'true' : 'false'}
      role="status"
    >
      <Icon name={live ? 'reconnect' : 'clock'} />
      <span>
        {text.head}
        {text.detail ? <span className="outbox-detail">{text.detail}</span> : null}
      </span>
    </span>
  );
}

/**
 * Moves that waited for a connection and were then refused, with the reason each. It
 * stays (also across reloads) until the operator dismisses it: a move made offline and
 * refused later must not pass unnoticed in a toast.
 */
export function RefusedMoves() {
  const refused = useBoardStore((s) => s.refused);
  const dismiss = useBoardStore((s) => s.dismissRefused);
  const now = useBoardStore((s) => s.now);
  const t = useTranslations('status');
  if (refused.length === 0) return null;
  return (
    <section className="refused" role="alert" aria-labelledby="refused-title" data-testid="refused-moves" data-count={refused.length}>
      <Icon name="stop" />
      <div className="refused-body">
        <h2 id="refused-title">{refusedTitle(refused.length)}</h2>
        <p className="refused-hint">
          {t('refusedHint')}
        </p>
        <ul className="refused-list">
          {refused.map((r) => (
            <li key={r.key} data-testid="refused-move" data-code={r.code}>
              <strong className="refused-label">{r.label}</strong> — <span className="refused-reason">{r.reason}</span>{' '}
              <span className="refused-when">{t('madeAt', { time: sinceTime(Date.parse(r.madeAt), now) })}</span>
            </li>
          ))}
        </ul>
      </div>
      <button type="button" className="btn btn-big refused-ok" onClick={() => dismiss()}>
        <Icon name="check" /> {t('seenClear')}
      </button>
    </section>
  );
}
