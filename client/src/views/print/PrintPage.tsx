// /print/loops/:id and /print/stations/:id: the kanban cards of a loop, or of every loop
// a station supplies, as sheets to print and cut (8 cards of 90 × 58 mm per A4 or
// Letter sheet, with crop marks). Each card carries its QR code (the plain code) and the
// code as people read it, so a scanner or a person at a tablet can find it. Loaded on
// demand: the TV and the tablets never download it or the QR library.
import { memo, useMemo, useState } from 'react';
import type { ChangeEvent } from 'react';
import { formatCode } from '../../../../shared/cardCode.ts';
import type { BoardState } from '../../../../shared/board.ts';
import { useBoardStore, useShallowStore } from '../../store/hooks.ts';
import { inboundLoopIds, outboundLoopIds } from '../../store/selectors.ts';
import { duration, num } from '../../format.ts';
import { Loading } from '../../components/Status.tsx';
import { Icon } from '../../components/Icon.tsx';
import { onLinkClick, printPath } from '../../router.ts';
import type { PrintSubject } from '../../router.ts';
import {
  CARDS_PER_SHEET,
  CARD_HEIGHT_MM,
  CARD_WIDTH_MM,
  PAPERS,
  initialPaper,
  intoSheets,
  isPaperId,
  keepPaper,
} from './paper.ts';
import type { PaperId } from './paper.ts';
import { qrMatrix } from './qr.ts';
import './print.css';
import { useTranslations } from 'use-intl';

/** Card ids of one loop, card 1 first. */
function loopCardIds(board: BoardState, loopId: string): string[] {
  const cards = [];
  for (const id in board.cards) {
    const c = board.cards[id]!;
    if (c.loopId === loopId) cards.push(c);
  }
  return cards.sort((a, b) => a.serial - b.serial).map((c) => c.id);
}

/** The loops a print view prints: the one loop, or those the station supplies (by part number). */
function printedLoopIds(board: BoardState, of: PrintSubject, id: string): string[] {
  if (of === 'loop') return board.loops[id] ? [id] : [];
  return board.stations[id] ? outboundLoopIds(board, id) : [];
}

export default function PrintPage({ of, id }: { of: PrintSubject; id: string }) {
  const hasBoard = useBoardStore((s) => s.hasBoard);
  const exists = useBoardStore((s) => (of === 'loop' ? s.board.loops[id] : s.board.stations[id]) !== undefined);
  const [paper, setPaper] = useState<PaperId>(initialPaper);
  const [only, setOnly] = useState<number | null>(null);
  const allCardIds = useShallowStore((s) => printedLoopIds(s.board, of, id).flatMap((l) => loopCardIds(s.board, l)));
  const onlyId = useBoardStore((s) => {
    if (only === null) return null;
    return allCardIds.find((c) => s.board.cards[c]?.serial === only) ?? null;
  });
  const cardIds = only === null ? allCardIds : onlyId === null ? [] : [onlyId];
  const sheets = useMemo(() => intoSheets(cardIds), [cardIds]);

  const choosePaper = (e: ChangeEvent<HTMLInputElement>) => {
    if (!isPaperId(e.target.value)) return;
    setPaper(e.target.value);
    keepPaper(e.target.value);
  };

  if (!hasBoard) {
    return (
      <main className="print-view">
        <Loading />
      </main>
    );
  }

  const p = PAPERS[paper];
  return <PrintView p={p} paper={paper} of={of} id={id} exists={exists} cardIds={cardIds} sheets={sheets} choosePaper={choosePaper} only={only} setOnly={setOnly} />;
}

function PrintView({
  p,
  paper,
  of,
  id,
  exists,
  cardIds,
  sheets,
  choosePaper,
  only,
  setOnly,
}: {
  p: (typeof PAPERS)[PaperId];
  paper: PaperId;
  of: PrintSubject;
  id: string;
  exists: boolean;
  cardIds: readonly string[];
  sheets: readonly (readonly string[])[];
  choosePaper: (e: ChangeEvent<HTMLInputElement>) => void;
  only: number | null;
  setOnly: (serial: number | null) => void;
}) {
  const t = useTranslations('print');
  return (
    <div className={`print-view print-paper-${paper}`} data-paper={paper}>
      {/* The page box of the chosen paper, margins left to the sheets themselves (so the
          browser prints no header or footer). A <style> of this view only: it goes away
          with the view, and a lead board printed later keeps the browser's defaults. */}
      <style>{`@page { size: ${p.cssSize}; margin: 0; }`}</style>
      <header className="print-toolbar">
        <a className="btn btn-quiet" href="/" onClick={onLinkClick}>
          <Icon name="back" /> {t('back')}
        </a>
        <div className="print-title">
          <h1>{exists ? <Heading of={of} id={id} /> : t('nothing')}</h1>
          {exists ? (
            <p className="muted small" data-testid="print-summary">
              <PartName of={of} id={id} />
              {t('summary', { cards: cardIds.length, sheets: sheets.length, paper: t(`papers.${p.id}`), perSheet: CARDS_PER_SHEET })}
            </p>
          ) : null}
        </div>
        <fieldset className="print-paper">
          <legend>{t('paper')}</legend>
          {Object.values(PAPERS).map((x) => (
            <label key={x.id}>
              <input type="radio" name="paper" value={x.id} checked={paper === x.id} onChange={choosePaper} />{' '}
              {t(`paperShort.${x.id}`)}
            </label>
          ))}
        </fieldset>
        {of === 'loop' && exists ? <OnlyCard loopId={id} only={only} onChange={setOnly} /> : null}
        <button
          type="button"
          className="btn btn-primary"
          onClick={() => window.print()}
          disabled={cardIds.length === 0}
        >
          {t('print')}
        </button>
      </header>
      {/* The page's main landmark (axe landmark-one-main, region): what prints, and the sheets. */}
      <main className="print-main">
        <div className="print-help">
          {exists ? <About of={of} id={id} /> : <Missing of={of} id={id} />}
          {cardIds.length > 0 ? (
            <p className="muted small">
              {t('howToPrint', { width: CARD_WIDTH_MM, height: CARD_HEIGHT_MM })}
            </p>
          ) : null}
        </div>
        <div className="print-sheets">
          {sheets.map((ids, i) => (
            <section
              key={i}
              className="print-sheet"
              aria-label={t('sheet', { index: i + 1, count: sheets.length })}
              data-testid="print-sheet"
            >
              <div className="print-grid">
                {ids.map((cardId) => (
                  <PrintCard key={cardId} cardId={cardId} />
                ))}
              </div>
            </section>
          ))}
        </div>
      </main>
    </div>
  );
}

function Heading({ of, id }: { of: PrintSubject; id: string }) {
  const t = useTranslations('print');
  const text = useBoardStore((s) => {
    if (of === 'station') return t('headingStation', { name: s.board.stations[id]?.name ?? '' });
    const loop = s.board.loops[id];
    return loop ? t('headingLoop', { part: loop.partNumber }) : '';
  });
  return <>{text}</>;
}

/** The loop's part name in front of the summary ("Piston rod, ground & chromed · "). */
function PartName({ of, id }: { of: PrintSubject; id: string }) {
  const name = useBoardStore((s) => (of === 'loop' ? (s.board.loops[id]?.partName ?? '') : ''));
  return name ? <>{name} · </> : null;
}

/** What the view prints, in words, and where the other cards are printed. */
function About({ of, id }: { of: PrintSubject; id: string }) {
  const name = useBoardStore((s) => (of === 'station' ? s.board.stations[id]?.name : undefined));
  const loopIds = useShallowStore((s) => printedLoopIds(s.board, of, id));
  const inbound = useShallowStore((s) => (of === 'station' ? inboundLoopIds(s.board, id) : []));
  const t = useTranslations('print');
  const strongName = { name: name ?? '' };
  if (of === 'loop') {
    return (
      <p>{t('aboutLoop')}</p>
    );
  }
  return (
    <>
      <p>
        {loopIds.length === 0 ? (
          <>{t('suppliesNone', strongName)}</>
        ) : (
          <>
            {t('suppliesLoops', { name: name ?? '', count: loopIds.length })} <LoopLinks loopIds={loopIds} />
            {t('suppliesLoopsEnd', strongName)}
          </>
        )}
      </p>
      {inbound.length > 0 ? (
        <p>
          {t('inboundPrinted', strongName)} <LoopLinks loopIds={inbound} />.
        </p>
      ) : null}
    </>
  );
}

function LoopLinks({ loopIds }: { loopIds: readonly string[] }) {
  const t = useTranslations('print');
  return (
    <>
      {loopIds.map((l, i) => (
        <span key={l}>
          {i > 0 ? t('listSeparator') : null}
          <LoopLink loopId={l} />
        </span>
      ))}
    </>
  );
}

function LoopLink({ loopId }: { loopId: string }) {
  const part = useBoardStore((s) => s.board.loops[loopId]?.partNumber ?? '');
  const count = useBoardStore((s) => s.board.loops[loopId]?.cardCount ?? 0);
  const href = printPath('loop', loopId);
  const t = useTranslations('print');
  return (
    <a href={href} onClick={onLinkClick}>
      {part}
      <span className="muted">{t('cardsInBrackets', { count })}</span>
    </a>
  );
}

function Missing({ of, id }: { of: PrintSubject; id: string }) {
  const t = useTranslations('print');
  return (
    <p role="alert">
      {t('missing', { of, id })}{' '}
      <a href="/" onClick={onLinkClick}>
        {t('backToLead')}
      </a>
    </p>
  );
}

/** Reprinting one lost or worn card: "All 5 cards" or "Card 3 only". */
function OnlyCard({
  loopId,
  only,
  onChange,
}: {
  loopId: string;
  only: number | null;
  onChange: (serial: number | null) => void;
}) {
  const count = useBoardStore((s) => s.board.loops[loopId]?.cardCount ?? 0);
  const serials = useShallowStore((s) => loopCardIds(s.board, loopId).map((c) => s.board.cards[c]?.serial ?? 0));
  const t = useTranslations('print');
  return (
    <label className="print-only">
      {t('cards')}{' '}
      <select
        value={only === null ? 'all' : String(only)}
        onChange={(e) => onChange(e.target.value === 'all' ? null : Number(e.target.value))}
      >
        <option value="all">{t('all', { count })}</option>
        {serials.map((n) => (
          <option key={n} value={String(n)}>
            {t('only', { serial: n })}
          </option>
        ))}
      </select>
    </label>
  );
}


/**
 * Font size by length, so a part number fits on one line beside "card 3 of 5" (about
 * 50 mm): up to 10 characters at 22 pt, 13 at 18 pt, 17 at 14 pt; longer ones (up to
 * 40) at 11 pt on two lines.
 */
function partSize(partNumber: string): string {
  const n = partNumber.length;
  return n <= 10 ? 'pc-part-xl' : n <= 13 ? 'pc-part-l' : n <= 17 ? 'pc-part-m' : 'pc-part-s';
}

const PrintCard = memo(function PrintCard({ cardId }: { cardId: string }) {
  const code = useBoardStore((s) => s.board.cards[cardId]?.code ?? '');
  const serial = useBoardStore((s) => s.board.cards[cardId]?.serial ?? 0);
  const loop = useBoardStore((s) => {
    const c = s.board.cards[cardId];
    return c ? s.board.loops[c.loopId] : undefined;
  });
  const supplier = useBoardStore((s) => (loop ? s.board.stations[loop.supplierStationId]?.name : undefined));
  const consumer = useBoardStore((s) => (loop ? s.board.stations[loop.consumerStationId]?.name : undefined));
  const t = useTranslations('print');
  if (!loop || !code) return null;
  const qty = num(loop.containerQty);
  return (
    <article
      className="print-card"
      data-testid="print-card"
      data-code={code}
      aria-label={t('cardLabel', { part: loop.partNumber, serial, count: loop.cardCount })}
    >
      <span className="crop crop-tl" aria-hidden="true" />
      <span className="crop crop-tr" aria-hidden="true" />
      <span className="crop crop-bl" aria-hidden="true" />
      <span className="crop crop-br" aria-hidden="true" />
      <div className="pc-inner">
        <div className="pc-head">
          <span className={`pc-part ${partSize(loop.partNumber)}`}>{loop.partNumber}</span>
          <span className="pc-serial">
            {t('serial', { serial, count: loop.cardCount })}
          </span>
        </div>
        <div className="pc-name-box">
          <span className="pc-name">{loop.partName}</span>
        </div>
        <dl className="pc-facts">
          <div>
            <dt>{t('quantity')}</dt>
            <dd className={qty.length <= 7 ? 'pc-qty' : 'pc-qty pc-qty-long'}>{t('pcs', { qty })}</dd>
          </div>
          <div>
            <dt>{t('suppliedBy')}</dt>
            <dd>{supplier ?? '?'}</dd>
          </div>
          <div>
            <dt>{t('usedAt')}</dt>
            <dd>{consumer ?? '?'}</dd>
          </div>
          <div>
            <dt>{t('leadTime')}</dt>
            <dd>{duration(loop.leadTimeMinutes)}</dd>
          </div>
        </dl>
        <figure className="pc-qr">
          <QrCode code={code} />
          <figcaption className="pc-code" data-testid="print-code">
            {formatCode(code)}
          </figcaption>
        </figure>
      </div>
    </article>
  );
});

/** The card's QR code holding the plain code ("7KQ2M9XD", no dash). */
const QrCode = memo(function QrCode({ code }: { code: string }) {
  const { size, path } = useMemo(() => qrMatrix(code), [code]);
  const t = useTranslations('print');
  return (
    <svg
      className="pc-qr-svg"
      data-testid="print-qr"
      viewBox={`0 0 ${size} ${size}`}
      shapeRendering="crispEdges"
      role="img"
      aria-label={t('qrOf', { code: formatCode(code) })}
    >
      <rect width={size} height={size} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
});
