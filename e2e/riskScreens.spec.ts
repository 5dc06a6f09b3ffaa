// Live risk marks where people look, at the sizes they look at them: a loop drained
// fast (three uses of four cards sized for a slow, 8-hour refill) shows its time to
// stock-out and a demand spike on the wall TV (720p, 1080p, 4K: still readable from 5 m,
// nothing cut off), at the consuming station's tablet (1024x768 and a 390x844 phone), on
// the lead board (1920x1080, 1366x768, 390x844) with the signal's card marked at the
// supplier, and the metrics view holds at the same sizes. The figures come from the real
// server's GET /api/risk. Screenshots are kept for a person to look at.
import type { Browser, BrowserContextOptions, Page } from '@playwright/test';
import { expect, keepScreenshot, test } from './fixtures.ts';
import type { TestServer } from './fixtures.ts';
import { LeadBoardPage, horizontalOverflow } from './pages/leadBoard.ts';
import { MetricsPage } from './pages/metrics.ts';
import { StationTabletPage } from './pages/stationTablet.ts';
import { WallTvPage } from './pages/wallTv.ts';
import { addLoop, use } from './plantDriver.ts';

async function withPage(browser: Browser, server: TestServer, options: BrowserContextOptions, run: (page: Page) => Promise<void>): Promise<void> {
  const context = await browser.newContext(options);
  try {
    await server.signIn(context);
    await run(await context.newPage());
  } finally {
    await context.close();
  }
}

/** A loop sized for 8-hour refills with 4 cards, 3 of them used at once: draining, and a spike. */
async function drainedLoop(server: TestServer, supplierId: string, consumerId: string) {
  const loop = await addLoop(server, 'E2E-RISK-1', supplierId, consumerId, { cardCount: 4, containerQty: 4, leadTimeMinutes: 480 });
  const signals: string[] = [];
  for (let k = 0; k < 3; k++) signals.push(await use(server, loop.id));
  // 3 uses in the last 2 h = 1.5 per hour against 4 / (8 h x 1.1) = 0.45 sized for; 1 full left.
  const risk = await server.api('GET', '/risk');
  expect(risk.status).toBe(200);
  const mine = risk.body.loops.find((l: { loopId: string }) => l.loopId === loop.id);
  expect(mine).toMatchObject({ fullContainers: 1, demandSpike: true, stockOutWithinLeadTime: true });
  return { loop, signals };
}

test('a loop running out before a refill could come is marked on the TV at 720p, 1080p and 4K, readable and whole', async ({ browser, server, plant }, testInfo) => {
  const paint = plant.station('Paint');
  const { loop } = await drainedLoop(server, plant.station('Nordstahl (supplier)').id, paint.id);
  for (const size of [{ width: 1280, height: 720 }, { width: 1920, height: 1080 }, { width: 3840, height: 2160 }]) {
    await withPage(browser, server, { viewport: size, deviceScaleFactor: 1 }, async (page) => {
      const tv = new WallTvPage(page, server.url);
      await tv.open();
      // The demo plant drains other loops too: this loop's marks, by their part number.
      const row = tv.station(paint.id).getByTestId(`risk-${loop.id}`);
      // One mark per row, the most urgent: running out before a refill could come.
      await expect(row.getByTestId('risk-stockout')).toContainText(/^E2E-RISK-1 OUT IN \d+ MIN$/);
      await expect(row.getByTestId('risk-stockout')).toHaveClass(/\bis-late\b/);
      await keepScreenshot(page, `risk-tv-${size.width}x${size.height}`, testInfo);
      const box = await tv.overflow();
      expect(box.scrollHeight).toBeLessThanOrEqual(box.innerHeight);
      expect(box.scrollWidth).toBeLessThanOrEqual(box.innerWidth);
      expect((await tv.cutText()).clipped).toEqual([]);
      expect(await tv.cutVertically()).toEqual([]);
      expect(await tv.textSmallerThan(0.016)).toEqual([]);
    });
  }
});

test('the tablet and the lead board mark the loop where it is used, and its signal at the supplier, at every size', async ({ browser, server, plant }, testInfo) => {
  const paint = plant.station('Paint');
  const supplier = plant.station('Nordstahl (supplier)');
  const { loop, signals } = await drainedLoop(server, supplier.id, paint.id);

  for (const size of [{ width: 1024, height: 768 }, { width: 390, height: 844 }]) {
    await withPage(browser, server, { viewport: size, hasTouch: true }, async (page) => {
      const tablet = new StationTabletPage(page, server.url);
      await tablet.open(paint.id);
      const inbound = page.getByTestId(`inbound-${loop.id}`);
      await expect(inbound.getByTestId('risk-stockout')).toContainText(/^Out in \d+ min$/);
      await expect(inbound.getByTestId('risk-spike')).toContainText(/^Demand spike ×\d\.\d$/);
      await inbound.scrollIntoViewIfNeeded();
      await keepScreenshot(page, `risk-tablet-${size.width}x${size.height}`, testInfo);
      expect(await horizontalOverflow(page)).toBe(0);
    });
  }

  for (const size of [{ width: 1920, height: 1080 }, { width: 1366, height: 768 }, { width: 390, height: 844 }]) {
    await withPage(browser, server, { viewport: size, hasTouch: size.width < 600 }, async (page) => {
      const lead = new LeadBoardPage(page, server.url);
      await lead.open();
      if (size.width < 600) await lead.showStation(paint.id);
      const inbound = page.getByTestId(`lane-${paint.id}`).getByTestId(`inbound-${loop.id}`);
      await expect(inbound.getByTestId('risk-stockout')).toBeVisible();
      await expect(inbound.getByTestId('risk-spike')).toBeVisible();
      await inbound.scrollIntoViewIfNeeded();
      await keepScreenshot(page, `risk-lead-${size.width}x${size.height}`, testInfo);
      expect(await horizontalOverflow(page)).toBe(0);
      if (size.width >= 600) {
        // The signals of the draining loop at its supplier: the job that matters now.
        await expect(page.getByTestId(`card-${signals[0]}`).getByTestId('risk-stockout')).toContainText(/^Out in \d+ min$/);
      }
    });
  }
});

test('the metrics view holds at 1920x1080, 1366x768, 1024x768 and 390x844', async ({ browser, server }, testInfo) => {
  for (const size of [{ width: 1920, height: 1080 }, { width: 1366, height: 768 }, { width: 1024, height: 768 }, { width: 390, height: 844 }]) {
    await withPage(browser, server, { viewport: size }, async (page) => {
      const metrics = new MetricsPage(page, server.url);
      await metrics.open();
      await expect(metrics.chart('cfd').locator('canvas').first()).toBeVisible();
      await keepScreenshot(page, `metrics-${size.width}x${size.height}`, testInfo);
      await metrics.chart('cfd').scrollIntoViewIfNeeded();
      await keepScreenshot(page, `metrics-${size.width}x${size.height}-charts`, testInfo);
      await metrics.sizing.scrollIntoViewIfNeeded();
      await keepScreenshot(page, `metrics-${size.width}x${size.height}-sizing`, testInfo);
      // Wide tables scroll inside their own box; the page itself never scrolls sideways.
      expect(await horizontalOverflow(page)).toBe(0);
    });
  }
});
