// A station's tablet (1024x768, touch): its own three columns with Start / Finish
// buttons, its inbound full containers with a Use button each, the material call.
import { expect } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';
import type { Column } from '../../shared/names.ts';
import { Screen } from './screen.ts';

export interface TouchTarget {
  name: string;
  width: number;
  height: number;
}

export class StationTabletPage extends Screen {
  readonly materialCall: Locator;

  constructor(page: Page, baseUrl: string) {
    super(page, baseUrl);
    this.materialCall = page.getByTestId('material-call');
  }

  async open(stationId: string): Promise<void> {
    await this.goto(`/station/${encodeURIComponent(stationId)}`);
    await this.expectLive();
    await expect(this.page.getByTestId('station-tablet')).toHaveAttribute('data-station', stationId);
  }

  column(stationId: string, column: Column): Locator {
    return this.page.getByTestId(`column-${stationId}-${column}`);
  }

  card(cardId: string): Locator {
    return this.page.getByTestId(`card-${cardId}`);
  }

  inbound(loopId: string): Locator {
    return this.page.getByTestId(`inbound-${loopId}`);
  }

  button(name: string): Locator {
    return this.page.getByRole('button', { name, exact: true });
  }

  /** Taps a button as a gloved finger would (touch, not a mouse click). */
  async tap(name: string): Promise<void> {
    await this.button(name).tap();
  }

  /** The part of a card that is picked up. */
  handle(cardId: string): Locator {
    return this.card(cardId).locator('[aria-roledescription="draggable card"]');
  }

  /**
   * Drags a card with a finger: press and hold on its face until the card lifts (the
   * touch sensor waits for a still press, so scrolling never moves a card), slide to
   * the target column, lift the finger once the column shows it is the drop target.
   */
  async dragWithFinger(cardId: string, stationId: string, column: Column): Promise<void> {
    const from = await this.handle(cardId).boundingBox();
    const target = this.column(stationId, column);
    const to = await target.boundingBox();
    if (!from || !to) throw new Error(`card ${cardId} or column ${stationId}/${column} is not on screen`);
    const cdp = await this.page.context().newCDPSession(this.page);
    const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', x: number, y: number) =>
      cdp.send('Input.dispatchTouchEvent', {
        type,
        touchPoints: type === 'touchEnd' ? [] : [{ x: Math.round(x), y: Math.round(y), radiusX: 12, radiusY: 12, force: 1, id: 1 }],
      });
    const start = { x: from.x + from.width / 2, y: from.y + Math.min(from.height / 2, 30) };
    const end = { x: to.x + to.width / 2, y: to.y + Math.min(to.height / 2, 160) };
    await touch('touchStart', start.x, start.y);
    await expect(this.card(cardId)).toHaveClass(/\bis-dragging\b/);
    const steps = 12;
    for (let i = 1; i <= steps; i++) {
      await touch('touchMove', start.x + ((end.x - start.x) * i) / steps, start.y + ((end.y - start.y) * i) / steps);
    }
    await expect(target).toHaveClass(/\bis-target\b/);
    await touch('touchEnd', end.x, end.y);
    await cdp.detach();
  }

  /** Size of every visible thing a finger can hit: buttons, links, draggable cards, fields. */
  async touchTargets(): Promise<TouchTarget[]> {
    const targets = this.page.locator('button, a[href], [role="button"], input, select, textarea');
    const out: TouchTarget[] = [];
    for (const t of await targets.all()) {
      if (!(await t.isVisible())) continue;
      const box = await t.boundingBox();
      if (!box) continue;
      const name = (await t.getAttribute('aria-label')) ?? ((await t.textContent()) ?? '').trim();
      out.push({ name, width: Math.round(box.width * 10) / 10, height: Math.round(box.height * 10) / 10 });
    }
    return out;
  }
}
