// The team lead's board in a browser (a desktop, or a phone that shows one station at a
// time): every station's columns, drag and drop with the mouse or the keyboard, the card
// buttons, dnd-kit's spoken announcements, the search box, the legend; and the layout
// checks a person makes looking at a screen (part numbers whole, nothing cut off).
import { expect } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';
import type { Column } from '../../shared/names.ts';
import { Screen } from './screen.ts';

/** The cards of a board screen (lead board or station page): one article per card. */
export const CARD = 'article[data-card-id]';

/**
 * Part numbers of the cards and inbound entries inside `scope` that a person could not
 * read whole: hidden, zero wide, wider than their box (cut off or shown with an
 * ellipsis), or reaching past their card. Each as "part number: what is wrong".
 */
export async function partNumberProblems(page: Page, scope: string): Promise<string[]> {
  return page.locator(`${scope} ${CARD} .part, ${scope} .inbound-loop .part`).evaluateAll((els) =>
    els.flatMap((el) => {
      const e = el as HTMLElement;
      const text = (e.textContent ?? '').trim();
      const box = e.getBoundingClientRect();
      const holder = e.closest('article, .inbound-loop')!.getBoundingClientRect();
      if (e.offsetParent === null || getComputedStyle(e).visibility === 'hidden') return [`${text}: hidden`];
      if (box.width === 0 || box.height === 0) return [`${text}: ${box.width} x ${box.height} px`];
      if (e.scrollWidth > e.clientWidth + 1) return [`${text}: ${e.scrollWidth} px of text in ${e.clientWidth} px`];
      if (box.left < holder.left - 1 || box.right > holder.right + 1) return [`${text}: reaches past its card`];
      return [];
    }),
  );
}

/** Buttons of cards and inbound entries inside `scope` that reach past their card or column, or whose label is cut off. */
export async function cutOffButtons(page: Page, scope: string): Promise<string[]> {
  return page.locator(`${scope} ${CARD} button, ${scope} .inbound-loop button`).evaluateAll((els) =>
    els.flatMap((el) => {
      const e = el as HTMLElement;
      if (e.offsetParent === null) return [];
      const name = e.getAttribute('aria-label') ?? (e.textContent ?? '').trim();
      const box = e.getBoundingClientRect();
      const holder = e.closest('article, .inbound-loop')!.getBoundingClientRect();
      const column = (e.closest('.column, .lane-inbound, .tablet-inbound') ?? document.body).getBoundingClientRect();
      if (box.width === 0 || box.height === 0) return [`${name}: ${box.width} x ${box.height} px`];
      if (box.left < holder.left - 1 || box.right > holder.right + 1) return [`${name}: reaches past its card`];
      if (box.right > column.right + 1) return [`${name}: reaches past its column`];
      if (e.scrollWidth > e.clientWidth + 1) return [`${name}: label cut off`];
      return [];
    }),
  );
}

/** How far the page scrolls sideways (0 when it does not; columns scrolling inside their own box do not count). */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.scrollingElement!.scrollWidth - window.innerWidth);
}

/** Buttons, links and fields shown smaller than `min` px either way (touch targets), by name. */
export async function smallTargets(page: Page, scope: string, min: number): Promise<string[]> {
  return page.locator(`${scope} :is(button, a[href], input, select, textarea)`).evaluateAll(
    (els, least) =>
      els.flatMap((el) => {
        const e = el as HTMLElement;
        if (e.offsetParent === null || e.closest('.sr-only')) return [];
        const box = e.getBoundingClientRect();
        if (box.width >= least - 0.5 && box.height >= least - 0.5) return [];
        const name = e.getAttribute('aria-label') ?? ((e.textContent ?? '').trim() || e.tagName.toLowerCase());
        return [`${name}: ${Math.round(box.width)} x ${Math.round(box.height)}`];
      }),
    min,
  );
}

export class LeadBoardPage extends Screen {
  /** dnd-kit's visually hidden live region (role="status", aria-live="assertive"). */
  readonly announcements: Locator;
  /** The search box: part number, part name or station. */
  readonly search: Locator;
  /** What the search matches ("4 cards match in 2 stations."), empty without a search. */
  readonly searchSummary: Locator;
  readonly legendButton: Locator;
  readonly legend: Locator;
  /** The phone's strip of stations (one station shows at a time). */
  readonly switcher: Locator;

  constructor(page: Page, baseUrl: string) {
    super(page, baseUrl);
    this.announcements = page.locator('[id^="DndLiveRegion"]');
    this.search = page.getByRole('searchbox', { name: 'Search' });
    this.searchSummary = page.getByTestId('search-summary');
    this.legendButton = page.getByRole('button', { name: 'Legend', exact: true });
    this.legend = page.getByTestId('legend');
    this.switcher = page.getByRole('navigation', { name: 'Station shown' });
  }

  async open(): Promise<void> {
    await this.goto('/');
    await this.expectLive();
  }

  lane(stationId: string): Locator {
    return this.page.getByTestId(`lane-${stationId}`);
  }

  column(stationId: string, column: Column): Locator {
    return this.page.getByTestId(`column-${stationId}-${column}`);
  }

  card(cardId: string): Locator {
    return this.page.getByTestId(`card-${cardId}`);
  }

  /** The lanes on screen, by station id, top to bottom. */
  async visibleLanes(): Promise<string[]> {
    return this.page
      .locator('.lanes [data-testid^="lane-"]')
      .evaluateAll((els) =>
        els.filter((e) => (e as HTMLElement).offsetParent !== null).map((e) => e.getAttribute('data-testid')!.slice('lane-'.length)),
      );
  }

  /** Ids of the cards on screen (any lane shown), in page order. */
  async visibleCards(): Promise<string[]> {
    return this.page
      .locator(`.lanes ${CARD}`)
      .evaluateAll((els) => els.filter((e) => (e as HTMLElement).offsetParent !== null).map((e) => e.getAttribute('data-card-id')!));
  }

  /** On a phone: shows a station by tapping its chip in the switcher. */
  async showStation(stationId: string): Promise<void> {
    const chip = this.page.getByTestId(`station-chip-${stationId}`);
    await chip.tap();
    await expect(chip).toHaveAttribute('aria-pressed', 'true');
    await expect(this.lane(stationId)).toBeVisible();
  }

  /** The part of a card that is picked up (mouse, touch, keyboard). */
  handle(cardId: string): Locator {
    return this.card(cardId).locator('[aria-roledescription="draggable card"]');
  }

  button(name: string): Locator {
    return this.page.getByRole('button', { name, exact: true });
  }

  /**
   * Starts recording every text the live region shows, as a screen reader would read
   * it. A text replaced before it is ever rendered is never heard, so it is not recorded.
   */
  async listenToAnnouncements(): Promise<void> {
    await this.announcements.waitFor({ state: 'attached' });
    await this.page.evaluate(() => {
      const region = document.querySelector('[id^="DndLiveRegion"]')!;
      const heard: string[] = [];
      (window as unknown as { pullboardHeard: string[] }).pullboardHeard = heard;
      new MutationObserver(() => {
        const text = region.textContent ?? '';
        if (text !== '' && heard[heard.length - 1] !== text) heard.push(text);
      }).observe(region, { childList: true, characterData: true, subtree: true });
    });
  }

  /** What the live region said since `listenToAnnouncements()`, in order. */
  async heard(): Promise<string[]> {
    return this.page.evaluate(() => [...(window as unknown as { pullboardHeard: string[] }).pullboardHeard]);
  }

  async expectCount(stationId: string, column: Column, count: number): Promise<void> {
    await expect(this.column(stationId, column)).toHaveAttribute('data-count', String(count));
  }

  /**
   * Drags a card with a real mouse: press on its face, travel past the sensor's
   * activation distance, glide to the middle of the target column, release once the
   * column shows it is the drop target.
   */
  async dragWithMouse(cardId: string, stationId: string, column: Column): Promise<void> {
    const handle = this.handle(cardId);
    await handle.scrollIntoViewIfNeeded();
    const from = await handle.boundingBox();
    const target = this.column(stationId, column);
    const to = await target.boundingBox();
    if (!from || !to) throw new Error(`card ${cardId} or column ${stationId}/${column} is not on screen`);
    const start = { x: from.x + from.width / 3, y: from.y + from.height / 2 };
    await this.page.mouse.move(start.x, start.y);
    await this.page.mouse.down();
    await this.page.mouse.move(start.x + 12, start.y + 4, { steps: 4 });
    await this.page.mouse.move(to.x + to.width / 2, to.y + Math.min(to.height / 2, 120), { steps: 15 });
    await expect(target).toHaveClass(/\bis-target\b/);
    await this.page.mouse.up();
  }
}
