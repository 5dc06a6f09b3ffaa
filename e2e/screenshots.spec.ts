// Screenshots of the three screens at the sizes they are used at, kept as artifacts in
// test-results/screenshots/, with the layout checks a person would make looking at them.
import { Column } from '../shared/names.ts';
import { cardsIn, expect, keepScreenshot, test } from './fixtures.ts';
import type { Page } from '@playwright/test';
import { cutOffButtons, partNumberProblems } from './pages/leadBoard.ts';

/** Elements whose own text is cut off (wider than their box) and not shown with an ellipsis. */
async function clippedText(page: Page, selector: string): Promise<string[]> {
  return page.locator(selector).evaluateAll((els) =>
    els
      .filter((el) => {
        const e = el as HTMLElement;
        if (e.offsetParent === null) return false;
        const style = getComputedStyle(e);
        return e.scrollWidth > e.clientWidth + 1 && style.textOverflow !== 'ellipsis';
      })
      .map((el) => (el.textContent ?? '').trim()),
  );
}

async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.scrollingElement!.scrollWidth - window.innerWidth);
}

test.describe('screenshots', () => {
  test('the lead board at 1920x1080', async ({ leadBoard }, testInfo) => {
    await leadBoard.open();
    await expect(leadBoard.page.getByRole('heading', { name: 'Final Assembly' })).toBeVisible();
    await keepScreenshot(leadBoard.page, 'lead-board-1920x1080', testInfo);
    expect(await horizontalOverflow(leadBoard.page)).toBeLessThanOrEqual(0);
    // Every part number whole, no button past its card (other sizes: leadSizes.spec.ts).
    expect(await partNumberProblems(leadBoard.page, '.lanes')).toEqual([]);
    expect(await cutOffButtons(leadBoard.page, '.lanes')).toEqual([]);
    expect(await clippedText(leadBoard.page, '.lane-title h2, .column-head h3, .limit, .topbar-title')).toEqual([]);
  });

  test('the wall TV at 1920x1080 shows every station without scrolling', async ({ server, tv }, testInfo) => {
    await tv.open();
    const board = await server.board();
    await tv.expectShows(board);
    await keepScreenshot(tv.page, 'wall-tv-1920x1080', testInfo);

    const size = await tv.overflow();
    expect(size.scrollHeight).toBeLessThanOrEqual(size.innerHeight);
    expect(size.scrollWidth).toBeLessThanOrEqual(size.innerWidth);
    for (const s of board.stations) await expect(tv.station(s.id)).toBeInViewport({ ratio: 1 });
    expect(await clippedText(tv.page, '.tv-name h2, .tv-figures, .tv-chip, .tv-in, .mark')).toEqual([]);
  });

  test('the wall TV while the server is down', async ({ server, tv }, testInfo) => {
    await tv.open();
    await server.stop();
    await tv.expectStale();
    await keepScreenshot(tv.page, 'wall-tv-reconnecting-1920x1080', testInfo);
    const size = await tv.overflow();
    expect(size.scrollHeight).toBeLessThanOrEqual(size.innerHeight);
  });

  test('the Final Assembly tablet at 1024x768, with inbound material', async ({ plant, tablet }, testInfo) => {
    const assembly = plant.station('Final Assembly');
    await tablet.open(assembly.id);
    await expect(tablet.inbound(plant.loop('MC-2201').id)).toBeVisible();
    await keepScreenshot(tablet.page, 'tablet-final-assembly-1024x768', testInfo);
    expect(await horizontalOverflow(tablet.page)).toBeLessThanOrEqual(0);
    for (const loop of ['MC-2201', 'PT-5100-B', 'PU-SK50']) {
      await expect(tablet.button(`Use ${loop}`)).toBeInViewport({ ratio: 1 });
    }
  });

  test('the Final Assembly tablet calling for material', async ({ server, plant, tablet }, testInfo) => {
    const assembly = plant.station('Final Assembly');
    const rods = plant.loop('MC-2201');
    const full = cardsIn(plant.board, rods.supplierStationId, Column.DONE).filter((c) => c.loopId === rods.id).length;
    await tablet.open(assembly.id);
    for (let i = 0; i < full; i++) expect((await server.api('POST', `/loops/${rods.id}/consume`)).status).toBe(200);
    await expect(tablet.materialCall).toBeVisible();
    await keepScreenshot(tablet.page, 'tablet-final-assembly-starved-1024x768', testInfo);
    expect(await horizontalOverflow(tablet.page)).toBeLessThanOrEqual(0);
  });
});
