// Languages: the lead board, a station tablet and the wall TV in German (the browser's
// language, or a device's fixed `?lang=`), a WIP refusal worded in German with its
// numbers, the TV with a second language under the first, and German's longer words at
// every size of the screens: nothing clipped on the TV at 1280x720 (and 4K), no label
// cut off on the lead board and the tablet from 1920x1080 down to a phone. Screenshots
// are kept at every size (test-results/screenshots/i18n-*).
import type { Browser, BrowserContextOptions, Page } from '@playwright/test';
import { Column } from '../shared/names.ts';
import { cardsIn, expect, keepScreenshot, test } from './fixtures.ts';
import type { Fixtures, TestServer } from './fixtures.ts';
import { LeadBoardPage } from './pages/leadBoard.ts';
import { StationTabletPage } from './pages/stationTablet.ts';
import { WallTvPage } from './pages/wallTv.ts';

type DemoPlant = Fixtures['plant'];

/** A German-speaking device: the browser's language is German (navigator.languages). */
const GERMAN: BrowserContextOptions = { locale: 'de-DE' };

/** "FG-HC250 Karte 2 / 5": what a German screen calls a card. */
function germanCardName(plant: DemoPlant, partNumber: string, serial: number): string {
  return `${partNumber} Karte ${serial} / ${plant.loop(partNumber).cardCount}`;
}

/** A screen of its own (a second device), signed in as the admin. */
async function device<T>(browser: Browser, server: TestServer, options: BrowserContextOptions, run: (page: Page) => Promise<T>): Promise<T> {
  const context = await browser.newContext(options);
  try {
    await server.signIn(context);
    return await run(await context.newPage());
  } finally {
    await context.close();
  }
}

/**
 * Words cut off sideways: a label, heading, button or mark whose text is wider than its
 * box (and not shortened to "…" on purpose).
 */
async function clippedLabels(page: Page): Promise<{ text: string; where: string }[]> {
  return page
    .locator('h1, h2, h3, button, label, th, a.btn, .btn, .flag, .limit-word, .limit-soft, .mark, .tv-heads span, .lanes-head span, .column-head, .tv-key li, .topbar-title')
    .evaluateAll((els) =>
      els
        .filter((el): el is HTMLElement => el instanceof HTMLElement && el.offsetParent !== null)
        .filter((el) => {
          const style = getComputedStyle(el);
          if (style.textOverflow === 'ellipsis') return false;
          if (el.clientWidth <= 1 && el.clientHeight <= 1) return false; // screen-reader only
          return el.scrollWidth > el.clientWidth + 1;
        })
        .map((el) => ({ text: (el.textContent ?? '').trim(), where: el.className })),
    );
}

/** Limits the Final Assembly's In Progress to the cards in it now: a Start there is refused. */
async function fillAssembly(server: TestServer, plant: DemoPlant): Promise<number> {
  const assembly = plant.station('Final Assembly');
  const n = cardsIn(plant.board, assembly.id, Column.IN_PROGRESS).length;
  const patched = await server.api('PATCH', `/stations/${assembly.id}`, { wipLimits: { inProgress: n } });
  expect(patched.status).toBe(200);
  return n;
}

test.describe('languages', () => {
  test.use({ locale: 'de-DE' });

  test('the lead board follows a German browser, and a WIP refusal says so in German with its numbers', async ({
    server,
    plant,
    page,
    leadBoard,
  }, testInfo) => {
    await leadBoard.open();
    await expect(page.locator('html')).toHaveAttribute('lang', 'de');
    await expect(page).toHaveTitle('Leitstand — Pullboard');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Leitstand');
    await expect(page.getByTestId('language-picker')).toHaveValue('de');
    const assembly = plant.station('Final Assembly');
    await expect(leadBoard.lane(assembly.id).getByRole('heading', { name: 'In Arbeit' })).toBeVisible();
    // The time shown in German: the live indicator's word and the 24-hour clock.
    await expect(leadBoard.connection).toHaveText('Live');
    await expect(page.getByTestId('clock').first()).toHaveText(/^\d\d:\d\d$/);

    const n = await fillAssembly(server, plant);
    await expect(leadBoard.column(assembly.id, Column.IN_PROGRESS)).toHaveAttribute('data-limit-state', 'at');
    const job = plant.card('FG-HC250', 2);
    expect(job).toMatchObject({ stationId: assembly.id, column: Column.REQUESTED });
    const name = germanCardName(plant, 'FG-HC250', 2);
    await page.getByRole('button', { name: `${name} starten`, exact: true }).click();

    await expect(leadBoard.alerts).toContainText(`${name} starten abgelehnt — WIP-Limit erreicht: Final Assembly In Arbeit ist voll (${n} / ${n}).`);
    await expect(leadBoard.alerts).toContainText('Erst Arbeit abschließen oder weitergeben, dann neue beginnen.');
    await expect(leadBoard.card(job.id)).toHaveAttribute('data-column', Column.REQUESTED);
    await keepScreenshot(page, 'i18n-lead-de-refusal', testInfo);
  });

  test('a tablet fixed to German by its address keeps it, refuses in German, and the picker switches to Spanish', async ({
    browser,
    server,
    plant,
  }, testInfo) => {
    const assembly = plant.station('Final Assembly');
    const n = await fillAssembly(server, plant);
    // An English browser: only the address (a kiosk's bookmark) makes this tablet German.
    await device(browser, server, { viewport: { width: 1024, height: 768 }, hasTouch: true, locale: 'en-US' }, async (page) => {
      await page.goto(`${server.url}/station/${encodeURIComponent(assembly.id)}?lang=de`);
      await expect(page.getByTestId('station-tablet')).toBeVisible();
      // Opened again without `?lang=`: the device kept its language.
      const tablet = new StationTabletPage(page, server.url);
      await tablet.open(assembly.id);
      await expect(page.locator('html')).toHaveAttribute('lang', 'de');
      await expect(page.getByRole('heading', { name: 'Angefordert', level: 2 })).toBeVisible();
      await expect(page.getByRole('heading', { name: 'Eingangsmaterial', level: 2 })).toBeVisible();

      const name = germanCardName(plant, 'FG-HC250', 2);
      await tablet.tap(`${name} starten`);
      await expect(tablet.alerts).toContainText(`WIP-Limit erreicht: Final Assembly In Arbeit ist voll (${n} / ${n})`);
      await keepScreenshot(page, 'i18n-tablet-de-refusal', testInfo);

      // The tablet's picker (its top bar): Spanish from now on, on this device.
      await page.getByTestId('language-picker').selectOption('es');
      await expect(page.locator('html')).toHaveAttribute('lang', 'es');
      await expect(page.getByRole('heading', { name: 'En curso', level: 2 })).toBeVisible();
      await expect(page.getByRole('button', { name: `Iniciar ${plant.loop('FG-HC250').partNumber} tarjeta 2 / ${plant.loop('FG-HC250').cardCount}` })).toBeVisible();
      await page.reload();
      await expect(page.getByRole('heading', { name: 'En curso', level: 2 })).toBeVisible();
    });
  });

  test('the picker is a labelled control in each language', async ({ page, leadBoard }) => {
    await leadBoard.open();
    const picker = page.getByRole('combobox', { name: 'Sprache' });
    await expect(picker).toHaveValue('de');
    await expect(picker.locator('option')).toHaveText(['English', 'Deutsch', 'Español']);
    await expect(picker.locator('option[value="de"]')).toHaveAttribute('lang', 'de');
    await picker.selectOption('en');
    await expect(page.getByRole('combobox', { name: 'Language' })).toHaveValue('en');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Lead board');
  });
});

const TV_SIZES = [
  { width: 1280, height: 720 },
  { width: 3840, height: 2160 },
] as const;

for (const size of TV_SIZES) {
  const at = `${size.width}x${size.height}`;
  test(`the wall TV in German at ${at}, alone and with Spanish under it: nothing clipped`, async ({ browser, server }, testInfo) => {
    const board = await server.board();
    await device(browser, server, { ...GERMAN, viewport: size, deviceScaleFactor: 1 }, async (page) => {
      const tv = new WallTvPage(page, server.url);
      await tv.open();
      await tv.expectShows(board);
      await expect(page.locator('html')).toHaveAttribute('lang', 'de');
      const heads = page.locator('.tv-heads');
      await expect(heads).toContainText('Angefordert');
      await expect(heads).toContainText('Eingang (voll)');
      await expect(page.getByTestId('tv-legend')).toContainText('Läuft');

      const expectNothingCut = async () => {
        const cut = await tv.cutText();
        expect(cut.clipped).toEqual([]);
        expect(cut.ellipsis.filter((e) => !e.where.includes('tv-andon-note'))).toEqual([]);
        expect(await tv.cutVertically()).toEqual([]);
        expect(await clippedLabels(page)).toEqual([]);
        const o = await tv.overflow();
        expect(o.scrollWidth).toBeLessThanOrEqual(o.innerWidth);
        expect(o.scrollHeight).toBeLessThanOrEqual(o.innerHeight);
        await expect(page.getByTestId('tv-legend')).toBeInViewport({ ratio: 1 });
      };
      await expectNothingCut();
      await keepScreenshot(page, `i18n-tv-de-${at}`, testInfo);

      // A mixed workforce: Spanish under German (the TV's own setting, kept on the device).
      // The TV's language menu (one small control in its head) opens on the two pickers.
      await page.getByTestId('tv-language-menu').locator('summary').click();
      await page.getByRole('combobox', { name: 'Zweite Sprache' }).selectOption('es');
      await expect(page.getByTestId('tv-language-menu').locator('summary')).toHaveText('DE + ES');
      await page.getByTestId('tv-language-menu').locator('summary').click();
      await expect(heads.locator('[lang="es"]').first()).toHaveText('Estación');
      await expect(page.getByTestId('tv-legend').locator('[lang="es"]').first()).toHaveText('Fluye');
      await expectNothingCut();
      await keepScreenshot(page, `i18n-tv-de-es-${at}`, testInfo);
      await page.reload();
      await tv.expectShows(board);
      await expect(heads.locator('[lang="es"]').first()).toHaveText('Estación');
    });
  });
}

const SIZES = [
  { width: 1920, height: 1080 },
  { width: 1366, height: 768 },
  { width: 1024, height: 768 },
  { width: 390, height: 844 },
] as const;

for (const size of SIZES) {
  const at = `${size.width}x${size.height}`;
  test(`the lead board and a tablet in German at ${at}: no label cut off, no sideways scroll`, async ({ browser, server, plant }, testInfo) => {
    const phone = size.width < 600;
    const options: BrowserContextOptions = { ...GERMAN, viewport: size, ...(phone ? { hasTouch: true, isMobile: true } : {}) };
    await device(browser, server, options, async (page) => {
      const lead = new LeadBoardPage(page, server.url);
      await lead.open();
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Leitstand');
      expect(await clippedLabels(page)).toEqual([]);
      const width = await page.evaluate(() => document.scrollingElement!.scrollWidth - window.innerWidth);
      expect(width).toBeLessThanOrEqual(0);
      await keepScreenshot(page, `i18n-lead-de-${at}`, testInfo);

      const tablet = new StationTabletPage(page, server.url);
      await tablet.open(plant.station('Final Assembly').id);
      await expect(page.getByRole('heading', { name: 'Angefordert', level: 2 })).toBeVisible();
      expect(await clippedLabels(page)).toEqual([]);
      const tabletWidth = await page.evaluate(() => document.scrollingElement!.scrollWidth - window.innerWidth);
      expect(tabletWidth).toBeLessThanOrEqual(0);
      await keepScreenshot(page, `i18n-tablet-de-${at}`, testInfo);
    });
  });
}
