// The wall TV: read-only, every station on one screen, counts per cell, a stale banner
// when the link is down.
import { expect } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';
import { COLUMNS, StationKind } from '../../shared/names.ts';
import type { Column } from '../../shared/names.ts';
import type { BoardSnapshot } from '../../shared/schemas.ts';
import { Screen } from './screen.ts';

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

  /** Whether the document scrolls: the TV must fit every station on one screen. */
  async overflow(): Promise<{ scrollHeight: number; innerHeight: number; scrollWidth: number; innerWidth: number }> {
    return this.page.evaluate(() => ({
      scrollHeight: document.scrollingElement!.scrollHeight,
      innerHeight: window.innerHeight,
      scrollWidth: document.scrollingElement!.scrollWidth,
      innerWidth: window.innerWidth,
    }));
  }
}
