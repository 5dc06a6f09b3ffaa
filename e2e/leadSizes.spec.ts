// The lead board at the sizes it is used at, from a 1024 px laptop to a 2560 px monitor,
// on a phone, and on paper; and the station page on a phone. At each: every card's part
// number is whole (never cut off, never 0 px wide), no button reaches past its card, the
// page never scrolls sideways. Screenshots are kept in test-results/screenshots/.
import type { Page } from '@playwright/test';
import { keepScreenshot, expect, test } from './fixtures.ts';
import type { TestServer } from './fixtures.ts';
import { CARD, LeadBoardPage, cutOffButtons, horizontalOverflow, partNumberProblems, smallTargets } from './pages/leadBoard.ts';
import { StationTabletPage } from './pages/stationTablet.ts';

/** Apple's and WCAG 2.5.5's minimum touch target, and what the design asks for. */
const MIN_TARGET = 44;

/** A phone held upright (an iPhone 12-15's CSS size), used with a finger. */
const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 };

const phoneTest = test.extend<{ phone: Page }>({
  phone: async ({ browser, server }, use) => {
    const context = await browser.newContext(PHONE);
    try {
      await server.signIn(context);
      await use(await context.newPage());
    } finally {
      await context.close();
    }
  },
});

/** A 40-character part number (the longest allowed) with a long name, made and supplied at Machining. */
async function addLongPart(server: TestServer, supplier: string, consumer: string): Promise<string> {
  const partNumber = 'HC-250-CYLINDERHEAD-ASSEMBLY-REV-C-00042';
  expect(partNumber).toHaveLength(40);
  const res = await server.api('POST', '/loops', {
    partNumber,
    partName: 'Cylinder head assembly with integrated cushioning valve, revision C',
    supplierStationId: supplier,
    consumerStationId: consumer,
    cardCount: 2,
    containerQty: 12,
    leadTimeMinutes: 240,
  });
  expect(res.status).toBe(201);
  return partNumber;
}

const DESKTOPS = [
  { width: 2560, height: 1440 },
  { width: 1920, height: 1080 },
  { width: 1440, height: 900 },
  { width: 1366, height: 768 },
  { width: 1024, height: 768 },
];

test.describe('lead board sizes', () => {
  for (const size of DESKTOPS) {
    const name = `${size.width}x${size.height}`;
    test(`at ${name} every card shows its part number whole, no card button is cut off, and the page does not scroll sideways`, async ({
      server,
      leadBoard,
    }, testInfo) => {
      await leadBoard.page.setViewportSize(size);
      await leadBoard.open();
      const board = await server.board();
      // Every station's lane and every card is on the page (none hidden behind a switcher).
      expect(await leadBoard.visibleLanes()).toHaveLength(board.stations.length);
      expect(await leadBoard.visibleCards()).toHaveLength(board.cards.length);
      await keepScreenshot(leadBoard.page, `lead-${name}`, testInfo);

      expect(await partNumberProblems(leadBoard.page, '.lanes')).toEqual([]);
      expect(await cutOffButtons(leadBoard.page, '.lanes')).toEqual([]);
      expect(await horizontalOverflow(leadBoard.page)).toBeLessThanOrEqual(0);
      // The page's title is whole too (it was "Lea…" at 1024 px).
      const title = leadBoard.page.getByRole('heading', { name: 'Lead board', level: 1 });
      expect(await title.evaluate((e) => e.scrollWidth - e.clientWidth)).toBeLessThanOrEqual(1);

      // Further down: the assembly lane with its inbound material.
      const assembly = board.stations.find((s) => s.name === 'Final Assembly')!;
      await leadBoard.lane(assembly.id).scrollIntoViewIfNeeded();
      await keepScreenshot(leadBoard.page, `lead-${name}-assembly`, testInfo);
    });
  }

  test('a 40-character part number wraps whole at 1024x768 instead of being cut off', async ({ server, plant, leadBoard }, testInfo) => {
    const machining = plant.station('Machining');
    const partNumber = await addLongPart(server, machining.id, plant.station('Final Assembly').id);
    await leadBoard.page.setViewportSize({ width: 1024, height: 768 });
    await leadBoard.open();
    const part = leadBoard.lane(machining.id).locator(`${CARD} .part`, { hasText: partNumber }).first();
    await expect(part).toHaveText(partNumber);
    await part.scrollIntoViewIfNeeded();
    await keepScreenshot(leadBoard.page, 'lead-1024x768-long-part-number', testInfo);
    expect(await partNumberProblems(leadBoard.page, '.lanes')).toEqual([]);
    expect(await cutOffButtons(leadBoard.page, '.lanes')).toEqual([]);
    expect(await horizontalOverflow(leadBoard.page)).toBeLessThanOrEqual(0);
  });
});

phoneTest.describe('lead board on a phone', () => {
  phoneTest(
    'it shows one station at a time, picked in a switcher, with every part number whole and 44 px touch targets',
    async ({ server, phone }, testInfo) => {
      const lead = new LeadBoardPage(phone, server.url);
      await lead.open();
      const board = await server.board();
      const stations = [...board.stations].sort((a, b) => a.position - b.position);
      await expect(lead.switcher).toBeVisible();
      await expect(lead.switcher.getByRole('button')).toHaveCount(stations.length);
      // The first station shows until another is picked.
      expect(await lead.visibleLanes()).toEqual([stations[0]!.id]);
      await keepScreenshot(phone, 'lead-phone-390x844', testInfo);

      for (const station of stations) {
        await lead.showStation(station.id);
        expect(await lead.visibleLanes()).toEqual([station.id]);
        const scope = `[data-testid="lane-${station.id}"]`;
        const here = board.cards.filter((c) => c.stationId === station.id).map((c) => c.id).sort();
        expect((await lead.visibleCards()).sort()).toEqual(here);
        expect(await partNumberProblems(phone, scope)).toEqual([]);
        expect(await cutOffButtons(phone, scope)).toEqual([]);
        expect(await horizontalOverflow(phone)).toBeLessThanOrEqual(0);
        expect(await smallTargets(phone, '.screen-lead', MIN_TARGET)).toEqual([]);
        if (station.name === 'Machining' || station.name === 'Final Assembly') {
          await keepScreenshot(phone, `lead-phone-390x844-${station.name.toLowerCase().replace(/\s+/g, '-')}`, testInfo);
        }
      }
    },
  );

  phoneTest('the station switcher stays at the top while the cards scroll under it', async ({ server, plant, phone }, testInfo) => {
    const lead = new LeadBoardPage(phone, server.url);
    await lead.open();
    const supplier = plant.station('Nordstahl (supplier)');
    await lead.showStation(supplier.id);
    await phone.mouse.wheel(0, 1400);
    await expect.poll(() => phone.evaluate(() => window.scrollY)).toBeGreaterThan(600);
    const bar = await lead.switcher.boundingBox();
    expect(bar?.y).toBe(0);
    await keepScreenshot(phone, 'lead-phone-390x844-scrolled', testInfo);
    // Picking another station from down the page starts it at its top.
    const paint = plant.station('Paint');
    await lead.showStation(paint.id);
    await expect(lead.lane(paint.id).getByRole('heading', { name: 'Paint' })).toBeInViewport();
  });

  phoneTest('a 40-character part number wraps whole on a phone', async ({ server, plant, phone }, testInfo) => {
    const machining = plant.station('Machining');
    const partNumber = await addLongPart(server, machining.id, plant.station('Final Assembly').id);
    const lead = new LeadBoardPage(phone, server.url);
    await lead.open();
    await lead.showStation(machining.id);
    const part = lead.lane(machining.id).locator(`${CARD} .part`, { hasText: partNumber }).first();
    await part.scrollIntoViewIfNeeded();
    await keepScreenshot(phone, 'lead-phone-390x844-long-part-number', testInfo);
    expect(await partNumberProblems(phone, `[data-testid="lane-${machining.id}"]`)).toEqual([]);
    expect(await horizontalOverflow(phone)).toBeLessThanOrEqual(0);
  });
});

phoneTest.describe('station page on a phone', () => {
  for (const name of ['Final Assembly', 'Machining']) {
    phoneTest(`${name}: every part number whole, no sideways scroll, 44 px touch targets`, async ({ server, plant, phone }, testInfo) => {
      const station = plant.station(name);
      const tablet = new StationTabletPage(phone, server.url);
      await tablet.open(station.id);
      const cards = plant.board.cards.filter((c) => c.stationId === station.id);
      await expect(phone.locator(`.tablet ${CARD}`)).toHaveCount(cards.length);
      await keepScreenshot(phone, `station-phone-390x844-${name.toLowerCase().replace(/\s+/g, '-')}`, testInfo);
      expect(await partNumberProblems(phone, '.tablet')).toEqual([]);
      expect(await cutOffButtons(phone, '.tablet')).toEqual([]);
      expect(await horizontalOverflow(phone)).toBeLessThanOrEqual(0);
      const small = (await tablet.touchTargets()).filter((t) => t.width < MIN_TARGET || t.height < MIN_TARGET);
      expect(small).toEqual([]);
    });
  }
});

test.describe('lead board on paper', () => {
  test('printed, it shows every lane and card with the legend, and no top bar, search or button', async ({ server, leadBoard }, testInfo) => {
    await leadBoard.page.setViewportSize({ width: 1366, height: 768 });
    await leadBoard.open();
    const board = await server.board();
    await leadBoard.page.emulateMedia({ media: 'print' });

    await expect(leadBoard.page.locator('.topbar')).toBeHidden();
    await expect(leadBoard.search).toBeHidden();
    await expect(leadBoard.page.locator('body :is(button, .btn)').filter({ visible: true })).toHaveCount(0);
    await expect(leadBoard.legend).toBeVisible();
    await expect(leadBoard.page.locator('.print-heading')).toContainText('Pullboard lead board');
    expect(await leadBoard.visibleLanes()).toHaveLength(board.stations.length);
    expect(await leadBoard.visibleCards()).toHaveLength(board.cards.length);
    expect(await partNumberProblems(leadBoard.page, '.lanes')).toEqual([]);
    // No column scrolls on paper: every card is printed, none is hidden below a fold.
    const scrolling = await leadBoard.page
      .locator('.lanes .column .cards')
      .evaluateAll((els) => els.filter((e) => e.scrollHeight > e.clientHeight + 1).length);
    expect(scrolling).toBe(0);
    // A lane is kept on one page when it fits (one of ordinary size); a lane too long
    // for any page (the supplier's 32 full containers) may break.
    const breaks = await leadBoard.page
      .locator('.lanes .lane')
      .evaluateAll((els) => els.map((e) => [e.getAttribute('data-testid'), getComputedStyle(e).breakInside]));
    const supplier = board.stations.find((s) => s.name === 'Nordstahl (supplier)')!;
    expect(Object.fromEntries(breaks)).toEqual(
      Object.fromEntries(board.stations.map((s) => [`lane-${s.id}`, s.id === supplier.id ? 'auto' : 'avoid'])),
    );
    await keepScreenshot(leadBoard.page, 'lead-print-1366', testInfo);

    // The pages are landscape (the named page rule of the lead board).
    const file = testInfo.outputPath('lead-board.pdf');
    const pdf = (await leadBoard.page.pdf({ path: file, preferCSSPageSize: true, printBackground: true })).toString('latin1');
    await testInfo.attach('lead-board.pdf', { path: file, contentType: 'application/pdf' });
    const boxes = [...pdf.matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
    expect(boxes.length).toBeGreaterThan(0);
    for (const [w, h] of boxes) expect(w).toBeGreaterThan(h);
  });
});
