// The team lead's board in a desktop browser: every station's columns, drag and drop
// with the mouse or the keyboard, the card buttons and dnd-kit's spoken announcements.
import { expect } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';
import type { Column } from '../../shared/names.ts';
import { Screen } from './screen.ts';

export class LeadBoardPage extends Screen {
  /** dnd-kit's visually hidden live region (role="status", aria-live="assertive"). */
  readonly announcements: Locator;

  constructor(page: Page, baseUrl: string) {
    super(page, baseUrl);
    this.announcements = page.locator('[id^="DndLiveRegion"]');
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
