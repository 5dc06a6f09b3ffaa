// A card's history (GET /api/cards/:id/history): what happened to it, when and by whom,
// newest first. A modal <dialog>: Escape closes it, focus starts inside and goes back to
// the button that opened it.
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { z } from 'zod';
import { BoardEventSchema } from '../../../shared/schemas.ts';
import type { BoardEvent } from '../../../shared/schemas.ts';
import { errorText, request } from '../views/admin/api.ts';
import { store, useBoardStore } from '../store/hooks.ts';
import { describeActor, describeCardEvent, newestFirst } from './cardHistoryText.ts';
import { Icon } from './Icon.tsx';
import { formatCode } from '../../../shared/cardCode.ts';
import { onLinkClick } from '../router.ts';
import { useTranslations } from 'use-intl';
import { currentLocale } from '../i18n/store.ts';

/** The server answers at most this many events (the newest). */
const HISTORY_LIMIT = 200;

const HistoryAnswer = z.object({ cardId: z.string(), events: z.array(BoardEventSchema) });

type Load = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ok'; events: BoardEvent[] };

const stationName = (id: string) => store.getState().board.stations[id]?.name;

function eventTime(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t).toLocaleString(currentLocale(), { dateStyle: 'medium', timeStyle: 'medium' });
}

export function CardHistory({ cardId, onClose }: { cardId: string; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const returnTo = useRef<Element | null>(null);
  const titleId = useId();
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const loopId = useBoardStore((s) => s.board.cards[cardId]?.loopId);
  const code = useBoardStore((s) => s.board.cards[cardId]?.code);
  const t = useTranslations();
  const title = useBoardStore((s) => {
    const card = s.board.cards[cardId];
    const loop = card ? s.board.loops[card.loopId] : undefined;
    return card && loop ? t('history.title', { part: loop.partNumber, serial: card.serial, count: loop.cardCount }) : t('history.titleNone');
  });

  useEffect(() => {
    const d = ref.current;
    if (returnTo.current === null) returnTo.current = document.activeElement;
    if (d && !d.open) d.showModal();
    return () => {
      // After the dialog left the page, the opener can take focus again.
      const el = returnTo.current;
      if (el instanceof HTMLElement && el.isConnected) el.focus();
    };
  }, []);

  useEffect(() => {
    let live = true;
    setLoad({ status: 'loading' });
    request('GET', `/cards/${encodeURIComponent(cardId)}/history`, HistoryAnswer).then(
      (answer) => {
        if (live) setLoad({ status: 'ok', events: newestFirst(answer.events) });
      },
      (err: unknown) => {
        if (live) setLoad({ status: 'error', message: errorText(err) });
      },
    );
    return () => {
      live = false;
    };
  }, [cardId, attempt]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);

  return (
    <dialog
      ref={ref}
      className="dialog history-dialog"
      role="dialog"
      aria-modal="true"
      aria-labelledby={titleId}
      onClose={onClose}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClick={(e) => {
        // A click on the backdrop (the dialog element itself, outside its content) closes.
        e.stopPropagation();
        if (e.target === e.currentTarget) onClose();
      }}
      // The dialog sits inside a card in the React tree: its presses and keys must not
      // reach the card's drag handling.
      onPointerDown={(e) => e.stopPropagation()}
      onKeyDown={(e) => e.stopPropagation()}
    >
      <div className="history-body">
        <header className="dialog-head">
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="btn btn-quiet history-close" onClick={onClose} aria-label={t('common.close')}>
            <Icon name="close" /> {t('common.close')}
          </button>
        </header>
        {loopId !== undefined && code !== undefined ? (
          <p className="history-code">
            {t.rich('history.cardCode', { code: formatCode(code), strong: (chunks) => <strong className="history-code-value">{chunks}</strong> })}
            {' · '}
            <a href={`/print/loops/${encodeURIComponent(loopId)}`} onClick={onLinkClick}>
              {t('history.reprint')}
            </a>
          </p>
        ) : null}
        <HistoryContent load={load} cardId={cardId} onRetry={retry} />
      </div>
    </dialog>
  );
}

function HistoryContent({ load, cardId, onRetry }: { load: Load; cardId: string; onRetry: () => void }) {
  const t = useTranslations('history');
  if (load.status === 'loading') {
    return (
      <p className="history-state" role="status">
        <Icon name="clock" /> {t('loading')}
      </p>
    );
  }
  if (load.status === 'error') {
    return (
      <div className="history-state" role="alert">
        <p className="form-error">
          <Icon name="warning" /> {t('failed', { message: load.message })}
        </p>
        <button type="button" className="btn history-retry" onClick={onRetry}>
          {t('retry')}
        </button>
      </div>
    );
  }
  if (load.events.length === 0) {
    return (
      <p className="history-state muted" role="status">
        {t('empty')}
      </p>
    );
  }
  return (
    <>
      <ol className="history-list" aria-label={t('listLabel')}>
        {load.events.map((e) => {
          const text = describeCardEvent(e, cardId, stationName);
          const who = describeActor(e.actor);
          return (
            <li key={e.seq} className="history-item">
              <time className="history-time" dateTime={e.at}>
                {eventTime(e.at)}
              </time>
              <div className="history-what">
                <strong>{text.what}</strong>
                {text.detail ? <span className="muted small">{text.detail}</span> : null}
              </div>
              <div className="history-who">
                {t.rich('by', { name: who.name, strong: (chunks) => <strong>{chunks}</strong> })} <span className="history-kind">{who.kind}</span>
              </div>
            </li>
          );
        })}
      </ol>
      {load.events.length >= HISTORY_LIMIT ? (
        <p className="history-more muted small">{t('latest', { count: HISTORY_LIMIT })}</p>
      ) : null}
    </>
  );
}
