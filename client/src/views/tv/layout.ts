// How the wall TV lays out a plant of any size: every size is in units of the screen
// (1u = 1 % of the height of a 16:9 screen; --u in tv.css), so 1280x720, 1920x1080 and
// 3840x2160 show the same board at any device scale factor. A station row never gets
// shorter than MIN_ROW_U: a plant with more stations than fit is shown in pages that
// take turns, never in rows too small to read.
import { useEffect, useLayoutEffect, useState } from 'react';

/** The least height of a station row, in u: a name, a line of marks, a count and a line of chips. */
export const MIN_ROW_U = 10;
/** The gap between two station rows, in u (tv.css .tv-rows). */
export const ROW_GAP_U = 0.7;
/** How long each page of stations stays up when the plant needs more than one. */
export const PAGE_MS = 15_000;

/** 1u in CSS pixels for a window: tv.css's --u, min(1vh, 0.5625vw). */
export function unitPx(width: number, height: number): number {
  return Math.min(height, (width * 9) / 16) / 100;
}

export interface Paging {
  /** Rows on each page (the last page may have fewer stations). */
  perPage: number;
  pages: number;
}

/**
 * Pages for n stations in a box `heightPx` high: as few pages as rows of MIN_ROW_U allow,
 * the stations shared evenly between them (20 stations, 8 rows fit: 7, 7 and 6).
 */
export function pagingFor(n: number, heightPx: number, unit: number): Paging {
  const gap = ROW_GAP_U * unit;
  const fit = Math.max(1, Math.floor((heightPx + gap) / (MIN_ROW_U * unit + gap)));
  const pages = Math.max(1, Math.ceil(n / fit));
  return { perPage: Math.max(1, Math.ceil(n / pages)), pages };
}

/** The height of the rows' box and the size of 1u, kept up to date as banners come and go. */
export function useRowsBox<E extends HTMLElement>() {
  // A callback ref: the box appears only once the board has loaded.
  const [el, setEl] = useState<E | null>(null);
  const [box, setBox] = useState(() => ({
    height: window.innerHeight * 0.8,
    unit: unitPx(window.innerWidth, window.innerHeight),
  }));
  useLayoutEffect(() => {
    if (!el) return;
    const measure = () => {
      const next = { height: el.clientHeight, unit: unitPx(window.innerWidth, window.innerHeight) };
      setBox((b) => (b.height === next.height && b.unit === next.unit ? b : next));
    };
    measure();
    if (typeof ResizeObserver === 'undefined') {
      window.addEventListener('resize', measure);
      return () => window.removeEventListener('resize', measure);
    }
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [el]);
  return { ref: setEl, ...box };
}

/** The page on show: 0 while everything fits, else the next one every PAGE_MS. */
export function usePageTurn(pages: number): number {
  const [turn, setTurn] = useState(0);
  useEffect(() => {
    if (pages <= 1) return;
    const t = setInterval(() => setTurn((k) => k + 1), PAGE_MS);
    return () => clearInterval(t);
  }, [pages]);
  return pages <= 1 ? 0 : turn % pages;
}
