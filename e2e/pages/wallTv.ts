// The wall TV: read-only, every station on one screen (or in pages that take turns),
// counts per cell, a stale banner when the link is down, and the checks a person 5 m
// away would make: nothing cut off, nothing too small to read.
import { expect } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';
import { COLUMNS, StationKind } from '../../shared/names.ts';
import type { Column } from '../../shared/names.ts';
import type { BoardSnapshot } from '../../shared/schemas.ts';
import { Screen } from './screen.ts';

/** A piece of text that does not fit its box, as the layout checks report it. */
export interface CutText {
  text: string;
  /** The element's classes, to tell where it is. */
  where: string;
}

/** Visible text smaller than asked for: its font size against the window's height. */
export interface SmallText {
  text: string;
  where: string;
  fontPx: number;
  ratio: number;
}

/** "stationId/column" -> number of cards, as a screen should show them. */
export type CellCounts = Record<string, number>;

/** The counts every TV cell should show for a board from the server. */
function cellCountsOf(board: BoardSnapshot): CellCounts {
  const counts: CellCounts = {};
  for (const s of board.stations) {
    const supplies = board.loops.some((l) => l.supplierStationId === s.id);
    if (!supplies && s.kind === StationKind.CUSTOMER) continue; // the customer end has no columns
    for (const c of COLUMNS) {
      counts[`${s.id}/${c}`] = board.cards.filter((k) => k.stationId === s.id && k.column === c).length;
    }
  }
  return counts;
}

export class WallTvPage extends Screen {
  readonly root: Locator;
  readonly staleBanner: Locator;

  constructor(page: Page, baseUrl: string) {
    super(page, baseUrl);
    this.root = page.getByTestId('wall-tv');
    this.staleBanner = page.getByTestId('stale-banner');
  }

  async open(): Promise<void> {
    await this.goto('/tv');
    await this.expectLive();
  }

  station(stationId: string): Locator {
    return this.page.getByTestId(`tv-station-${stationId}`);
  }

  cell(stationId: string, column: Column): Locator {
    return this.page.getByTestId(`tv-cell-${stationId}-${column}`);
  }

  async count(stationId: string, column: Column): Promise<number> {
    return Number(await this.cell(stationId, column).getAttribute('data-count'));
  }

  async expectCount(stationId: string, column: Column, count: number, timeout?: number): Promise<void> {
    await expect(this.cell(stationId, column)).toHaveAttribute(
      'data-count',
      String(count),
      timeout === undefined ? {} : { timeout },
    );
  }

  /** Every cell's count as the TV shows it. */
  async cellCounts(): Promise<CellCounts> {
    return this.page.locator('[data-testid^="tv-cell-"]').evaluateAll((cells) => {
      const out: Record<string, number> = {};
      for (const el of cells) {
        const id = el.getAttribute('data-testid')!.slice('tv-cell-'.length);
        const column = ['requested', 'in_progress', 'done'].find((c) => id.endsWith(`-${c}`))!;
        out[`${id.slice(0, -column.length - 1)}/${column}`] = Number(el.getAttribute('data-count'));
      }
      return out;
    });
  }

  async expectShows(board: BoardSnapshot, timeout?: number): Promise<void> {
    await expect
      .poll(() => this.cellCounts(), timeout === undefined ? {} : { timeout })
      .toEqual(cellCountsOf(board));
  }

  async expectStale(): Promise<void> {
    await expect(this.root).toHaveAttribute('data-stale', 'true');
    await expect(this.staleBanner).toBeVisible();
  }

  async expectNotStale(timeout?: number): Promise<void> {
    await expect(this.root).toHaveAttribute('data-stale', 'false', timeout === undefined ? {} : { timeout });
    await expect(this.staleBanner).toBeHidden();
  }

  /** Whether the document scrolls: the TV must fit its stations (one page of them) on the screen. */
  async overflow(): Promise<{ scrollHeight: number; innerHeight: number; scrollWidth: number; innerWidth: number }> {
    return this.page.evaluate(() => ({
      scrollHeight: document.scrollingElement!.scrollHeight,
      innerHeight: window.innerHeight,
      scrollWidth: document.scrollingElement!.scrollWidth,
      innerWidth: window.innerWidth,
    }));
  }

  /** The stations the TV shows now (the page on show, when the plant takes pages). */
  async shownStationIds(): Promise<string[]> {
    return this.page
      .locator('[data-testid^="tv-station-"]')
      .evaluateAll((els) => els.map((el) => el.getAttribute('data-testid')!.slice('tv-station-'.length)));
  }

  /** "Page 2 of 3" as numbers, or null while every station fits on one page. */
  async paging(): Promise<{ page: number; pages: number } | null> {
    const indicator = this.page.getByTestId('tv-page');
    if ((await indicator.count()) === 0) return null;
    return {
      page: Number(await indicator.getAttribute('data-page')),
      pages: Number(await indicator.getAttribute('data-pages')),
    };
  }

  /**
   * Text cut off sideways: a block whose contents are wider than its box. `clipped` is
   * text cut without a sign; `ellipsis` is text shortened to "…" (also cut, but said
   * so). Inline elements and SVG have no box of their own and are not looked at.
   */
  async cutText(): Promise<{ clipped: CutText[]; ellipsis: CutText[] }> {
    return this.root.evaluate((root) => {
      const clipped: { text: string; where: string }[] = [];
      const ellipsis: { text: string; where: string }[] = [];
      for (const el of root.querySelectorAll('*')) {
        if (!(el instanceof HTMLElement) || el.offsetParent === null) continue;
        const style = getComputedStyle(el);
        if (style.display === 'inline' || style.display === 'contents') continue;
        // A screen-reader-only label is a 1 px box on purpose.
        if (el.clientWidth <= 1 && el.clientHeight <= 1) continue;
        if (el.scrollWidth <= el.clientWidth + 1) continue;
        const item = { text: (el.textContent ?? '').trim(), where: el.className };
        (style.textOverflow === 'ellipsis' ? ellipsis : clipped).push(item);
      }
      return { clipped, ellipsis };
    });
  }

  /** Boxes of the board whose contents are taller than they are (cut off at the bottom). */
  async cutVertically(): Promise<CutText[]> {
    return this.root
      .locator('.tv-station, .tv-name, .tv-marks, .tv-cell, .tv-count, .tv-chips, .tv-inbound, .tv-andons ul, .tv-head, .tv-foot')
      .evaluateAll((els) =>
        els
          .filter((el) => el instanceof HTMLElement && el.offsetParent !== null && el.scrollHeight > el.clientHeight + 1)
          .map((el) => ({ text: (el.textContent ?? '').trim(), where: el.className })),
      );
  }

  /** Visible text on the whole page whose font is under `minRatio` of the window's height. */
  async textSmallerThan(minRatio: number): Promise<SmallText[]> {
    return this.page.evaluate((min) => {
      const out: { text: string; where: string; fontPx: number; ratio: number }[] = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = (node.textContent ?? '').trim();
        const el = node.parentElement;
        if (!text || !el || !el.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        const r = range.getBoundingClientRect();
        // A screen-reader-only label is a 1 px box; text off the screen is not seen either.
        if (r.width <= 1 || r.height <= 1 || r.bottom <= 0 || r.right <= 0 || r.top >= innerHeight || r.left >= innerWidth) continue;
        const fontPx = parseFloat(getComputedStyle(el).fontSize);
        if (fontPx / innerHeight < min) out.push({ text, where: el.className, fontPx, ratio: fontPx / innerHeight });
      }
      return out;
    }, minRatio);
  }

  /** The smallest station name's font size against the window's height. */
  async smallestNameRatio(): Promise<number> {
    return this.page.locator('.tv-name h2').evaluateAll((els) =>
      Math.min(...els.map((el) => parseFloat(getComputedStyle(el).fontSize) / innerHeight)),
    );
  }

  /** The andon banner's height against the window's height (0 without a banner). */
  async bannerRatio(): Promise<number> {
    const banner = this.page.getByTestId('andon-banner');
    if ((await banner.count()) === 0) return 0;
    const box = await banner.boundingBox();
    const height = await this.page.evaluate(() => innerHeight);
    return box ? box.height / height : 0;
  }
}
