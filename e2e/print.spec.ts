// The printable kanban cards (/print/loops/:id, /print/stations/:id): every QR code on
// the page is read back from a screenshot and must hold exactly the codes the server has
// for those cards; printing shows the cards and nothing else, on the chosen paper, with
// page breaks between sheets only.
import fs from 'node:fs';
import path from 'node:path';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { formatCode } from '../shared/cardCode.ts';
import type { BoardSnapshot, Card, Loop } from '../shared/schemas.ts';
import { expect, test } from './fixtures.ts';
import type { Locator, Page, TestInfo } from '@playwright/test';

const CARDS_PER_SHEET = 8;
/** PDF page sizes in points (1/72 in). */
const A4_PT = { width: 595.28, height: 841.89 };
const LETTER_PT = { width: 612, height: 792 };

const cardView = (page: Page) => page.getByTestId('print-card');
const toolbar = (page: Page) => page.locator('.print-toolbar');

/** The cards of these loops as the server has them. */
function cardsOfLoops(board: BoardSnapshot, loops: readonly Loop[]): Card[] {
  const ids = new Set(loops.map((l) => l.id));
  return board.cards.filter((c) => ids.has(c.loopId));
}

/** Reads one QR code from an element screenshot (PNG) with jsQR. */
async function decodeQr(qr: Locator): Promise<string | null> {
  const png = PNG.sync.read(await qr.screenshot({ animations: 'disabled' }));
  const pixels = new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length);
  return jsQR(pixels, png.width, png.height, { inversionAttempts: 'dontInvert' })?.data ?? null;
}

/** Every QR code on the page, read back (null for one that does not read). */
async function decodeAll(page: Page): Promise<(string | null)[]> {
  const out: (string | null)[] = [];
  for (const qr of await page.getByTestId('print-qr').all()) out.push(await decodeQr(qr));
  return out;
}

/** Opens a print view and waits for its cards. */
async function openPrint(page: Page, url: string, cards: number): Promise<void> {
  await page.goto(url);
  await expect(toolbar(page)).toBeVisible();
  await expect(cardView(page)).toHaveCount(cards);
}

/** The size of every @page rule on the page, in lower case ("a4", "letter"). */
function pageSize(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.styleSheets].flatMap((sheet) =>
      [...sheet.cssRules]
        .filter((r) => r instanceof CSSPageRule)
        .map((r) => r.style.getPropertyValue('size').toLowerCase()),
    ),
  );
}

async function choosePaper(page: Page, paper: 'A4' | 'Letter'): Promise<void> {
  await page.getByRole('radio', { name: paper }).check();
  await expect(page.locator('.print-view')).toHaveAttribute('data-paper', paper === 'A4' ? 'a4' : 'letter');
}

/** Full-page screenshot kept in test-results/screenshots/ (an artifact of the run). */
async function keep(page: Page, name: string, testInfo: TestInfo): Promise<void> {
  const file = testInfo.outputPath(`${name}.png`);
  // From the top: a full-page screenshot of a scrolled page draws the sticky toolbar mid-page.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled', caret: 'hide' });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
  const dir = path.resolve(import.meta.dirname, '..', 'test-results', 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(file, path.join(dir, `${name}.png`));
}

/** Page count and the first page's size (points) of a PDF made by Chromium. */
function pdfPages(pdf: Buffer): { count: number; width: number; height: number } {
  const text = pdf.toString('latin1');
  const count = (text.match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length;
  const box = /\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/.exec(text);
  return { count, width: Number(box?.[1] ?? 0), height: Number(box?.[2] ?? 0) };
}

/**
 * Cards that stick out of their sheet, whose content overflows the card, or whose part
 * number, "card N of M", quantity or code is cut off. (Only a part name or a station
 * name too long for two lines may end in an ellipsis.)
 */
async function clippedCards(page: Page): Promise<string[]> {
  return page.locator('.print-sheet').evaluateAll((sheets) =>
    sheets.flatMap((sheet) => {
      const s = sheet.getBoundingClientRect();
      const cut = (e: Element) => e.scrollHeight > e.clientHeight + 1 || e.scrollWidth > e.clientWidth + 1;
      return [...sheet.querySelectorAll<HTMLElement>('.print-card')]
        .filter((card) => {
          const c = card.getBoundingClientRect();
          const outside = c.left < s.left || c.top < s.top || c.right > s.right + 0.5 || c.bottom > s.bottom + 0.5;
          const inner = card.querySelector('.pc-inner')!;
          const inside = inner.getBoundingClientRect();
          const spills = [...inner.querySelectorAll('.pc-part, .pc-serial, .pc-qty, .pc-code, .pc-qr-svg')].some((e) => {
            const r = e.getBoundingClientRect();
            return cut(e) || r.bottom > inside.bottom + 0.5 || r.right > inside.right + 0.5;
          });
          return outside || cut(inner) || spills;
        })
        .map((card) => card.getAttribute('aria-label') ?? '?');
    }),
  );
}

test.describe('printable cards', () => {
  test.use({ locale: 'de-DE' });
  // A German browser picks A4 paper; the words are pinned to English (the screens follow
  // the browser's language otherwise, and these tests read English words).
  test.beforeEach(async ({ context }) => {
    await context.addInitScript(() => window.localStorage.setItem('pullboard.locale', 'en'));
  });

  test("a loop's sheet: every card with its text, and every QR code holds exactly the loop's card codes", async ({
    page,
    server,
    plant,
  }) => {
    const loop = plant.loop('MC-2201');
    const machining = plant.station('Machining');
    const assembly = plant.station('Final Assembly');
    const board = await server.board();
    const cards = cardsOfLoops(board, [loop]);
    expect(cards).toHaveLength(loop.cardCount);
    await openPrint(page, `${server.url}/print/loops/${loop.id}`, cards.length);
    await expect(page).toHaveTitle(`Print — ${loop.partNumber} cards — Pullboard`);

    const decoded = await decodeAll(page);
    expect(decoded).not.toContain(null);
    expect(decoded).toHaveLength(cards.length);
    expect(new Set(decoded)).toEqual(new Set(cards.map((c) => c.code)));

    for (const c of cards) {
      const face = page.locator(`[data-testid="print-card"][data-code="${c.code}"]`);
      await expect(face).toContainText(loop.partNumber);
      await expect(face).toContainText(loop.partName);
      await expect(face).toContainText(`card ${c.serial} of ${loop.cardCount}`);
      await expect(face).toContainText(`${loop.containerQty} pcs`);
      await expect(face).toContainText(machining.name);
      await expect(face).toContainText(assembly.name);
      await expect(face).toContainText('1 h 30 min'); // lead time 90 min
      await expect(face.getByTestId('print-code')).toHaveText(formatCode(c.code));
      // What the QR code of this very card holds.
      expect(await decodeQr(face.getByTestId('print-qr'))).toBe(c.code);
    }
  });

  test("the lead board's lane of a supplying station leads to its print view", async ({ page, leadBoard, plant }) => {
    const machining = plant.station('Machining');
    await leadBoard.open();
    await leadBoard.lane(machining.id).getByRole('link', { name: `Print the cards of ${machining.name}` }).click();
    await expect(page).toHaveURL(new RegExp(`/print/stations/${machining.id}$`));
    await expect(page.getByTestId('print-card').first()).toBeVisible();
  });

  test('a station prints the cards of every loop it supplies, and points to where the others are printed', async ({
    page,
    server,
    plant,
  }) => {
    const machining = plant.station('Machining');
    const board = await server.board();
    const supplied = board.loops.filter((l) => l.supplierStationId === machining.id);
    expect(supplied.map((l) => l.partNumber).sort()).toEqual(['MC-2201', 'MC-3105']);
    const cards = cardsOfLoops(board, supplied);
    await openPrint(page, `${server.url}/print/stations/${machining.id}`, cards.length);
    await expect(page).toHaveTitle('Print — Machining cards — Pullboard');

    const decoded = await decodeAll(page);
    expect(decoded).not.toContain(null);
    expect(decoded).toHaveLength(cards.length);
    expect(new Set(decoded)).toEqual(new Set(cards.map((c) => c.code)));
    await expect(page.locator('.print-sheet')).toHaveCount(Math.ceil(cards.length / CARDS_PER_SHEET));

    // The page says what it prints; what Machining uses is printed at its supplier.
    const help = page.locator('.print-help');
    await expect(help).toContainText('The cards of every loop Machining supplies');
    const rawBar = plant.loop('RM-4140-B50');
    const link = help.getByRole('link', { name: new RegExp(rawBar.partNumber) });
    await expect(link).toHaveAttribute('href', `/print/loops/${rawBar.id}`);
    await link.click();
    await expect(cardView(page)).toHaveCount(rawBar.cardCount);
    await expect(page).toHaveTitle(`Print — ${rawBar.partNumber} cards — Pullboard`);
  });

  test('the customer end supplies nothing: no sheet, and nothing to print', async ({ page, server, plant }) => {
    const shipping = plant.station('Shipping');
    await page.goto(`${server.url}/print/stations/${shipping.id}`);
    await expect(page.locator('.print-help')).toContainText('Shipping supplies no loop');
    await expect(page.locator('.print-sheet')).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Print…' })).toBeDisabled();
  });

  test('an unknown loop says so', async ({ page, server }) => {
    await page.goto(`${server.url}/print/loops/no-such-loop`);
    await expect(page.getByRole('alert').filter({ hasText: 'There is no loop' })).toContainText('no-such-loop');
    await expect(page.locator('.print-sheet')).toHaveCount(0);
  });

  test('one card can be reprinted alone', async ({ page, server, plant }) => {
    const loop = plant.loop('MC-3105');
    const card = plant.card('MC-3105', 2);
    await openPrint(page, `${server.url}/print/loops/${loop.id}`, loop.cardCount);
    await page.getByLabel('Cards').selectOption({ label: 'Card 2 only' });
    await expect(cardView(page)).toHaveCount(1);
    await expect(cardView(page)).toContainText(`card 2 of ${loop.cardCount}`);
    expect(await decodeAll(page)).toEqual([card.code]);
  });

  test('printed: the toolbar is hidden, the cards and their QR codes are all there', async ({ page, server, plant }) => {
    const loop = plant.loop('MC-2201');
    const cards = cardsOfLoops(await server.board(), [loop]);
    await openPrint(page, `${server.url}/print/loops/${loop.id}`, cards.length);
    await expect(page.getByRole('button', { name: 'Print…' })).toBeVisible();

    await page.emulateMedia({ media: 'print' });
    await expect(toolbar(page)).toBeHidden();
    await expect(page.getByRole('button', { name: 'Print…' })).toBeHidden();
    await expect(page.locator('.print-help')).toBeHidden();
    for (const c of cards) {
      const face = page.locator(`[data-testid="print-card"][data-code="${c.code}"]`);
      await expect(face).toBeVisible();
      await expect(face).toContainText(loop.partNumber);
      await expect(face).toContainText(`card ${c.serial} of ${loop.cardCount}`);
    }
    expect(new Set(await decodeAll(page))).toEqual(new Set(cards.map((c) => c.code)));
    expect(await clippedCards(page)).toEqual([]);

    await page.emulateMedia({ media: 'screen' });
    await expect(toolbar(page)).toBeVisible();
  });

  test('the paper: A4 from a German browser, Letter from an American one, and the choice sets @page and is kept', async ({
    browser,
    page,
    server,
    plant,
  }) => {
    const loop = plant.loop('MC-2201');
    await openPrint(page, `${server.url}/print/loops/${loop.id}`, loop.cardCount);
    await expect(page.getByRole('radio', { name: 'A4' })).toBeChecked();
    expect(await pageSize(page)).toEqual(['a4']);

    await choosePaper(page, 'Letter');
    expect(await pageSize(page)).toEqual(['letter']);
    await expect(page.getByTestId('print-summary')).toContainText('Letter');
    // Kept on this computer.
    await page.reload();
    await expect(page.getByRole('radio', { name: 'Letter' })).toBeChecked();
    await choosePaper(page, 'A4');
    expect(await pageSize(page)).toEqual(['a4']);

    const us = await browser.newContext({ locale: 'en-US' });
    try {
      await server.signIn(us);
      const usPage = await us.newPage();
      await openPrint(usPage, `${server.url}/print/loops/${loop.id}`, loop.cardCount);
      await expect(usPage.getByRole('radio', { name: 'Letter' })).toBeChecked();
      expect(await pageSize(usPage)).toEqual(['letter']);
    } finally {
      await us.close();
    }

    // Leaving the print view takes its page size with it: the lead board keeps only its own
    // landscape rule, inside @media print (pageSize lists top-level @page rules).
    await page.getByRole('link', { name: 'Lead board' }).click();
    await expect(page.getByRole('heading', { name: 'Machining' })).toBeVisible();
    expect(await pageSize(page)).toEqual([]);
  });

  test('as PDF: one page per sheet of 8 cards, on A4 and on Letter, with nothing clipped', async ({
    page,
    server,
    plant,
  }, testInfo) => {
    // The external supplier supplies five loops: several sheets, the last one part full.
    const supplier = plant.station('Nordstahl (supplier)');
    const board = await server.board();
    const cards = cardsOfLoops(board, board.loops.filter((l) => l.supplierStationId === supplier.id));
    const sheets = Math.ceil(cards.length / CARDS_PER_SHEET);
    expect(sheets).toBeGreaterThan(1);
    await page.setViewportSize({ width: 1280, height: 900 });
    await openPrint(page, `${server.url}/print/stations/${supplier.id}`, cards.length);
    await expect(page.locator('.print-sheet')).toHaveCount(sheets);

    for (const [paper, size] of [
      ['A4', A4_PT],
      ['Letter', LETTER_PT],
    ] as const) {
      await choosePaper(page, paper);
      await keep(page, `print-${paper.toLowerCase()}-screen`, testInfo);
      await page.emulateMedia({ media: 'print' });
      expect(await clippedCards(page)).toEqual([]);
      await keep(page, `print-${paper.toLowerCase()}-print`, testInfo);
      // page.pdf() renders with the emulated media: print, as a browser's print dialog does.
      const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: false });
      await page.emulateMedia({ media: 'screen' });
      fs.writeFileSync(testInfo.outputPath(`print-${paper.toLowerCase()}.pdf`), pdf);
      const got = pdfPages(pdf);
      expect(got.count, `${paper}: ${cards.length} cards`).toBe(sheets);
      expect(got.width).toBeCloseTo(size.width, 0);
      expect(got.height).toBeCloseTo(size.height, 0);
    }
  });

  test('the longest names fit on the card', async ({ page, server, plant }, testInfo) => {
    const longName = 'Ölmühle Wärmebehandlung, Halle 4 Süd, '.repeat(3).slice(0, 80).trim();
    const made = await server.api('POST', '/stations', { name: longName });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const loop = await server.api('POST', '/loops', {
      partNumber: 'WWWWWWWWWW-WWWWWWWWWW-WWWWWWWWWW-WWWWWWW',
      partName: 'A part name as long as a part name may be: '.repeat(3).slice(0, 120),
      supplierStationId: made.body.id,
      consumerStationId: plant.station('Final Assembly').id,
      cardCount: 3,
      containerQty: 1_000_000,
      leadTimeMinutes: 60 * 24 * 365,
    });
    expect(loop.status, JSON.stringify(loop.body)).toBe(201);
    const loopId: string = loop.body.loop.id;
    const cards = (await server.board()).cards.filter((c) => c.loopId === loopId);
    await openPrint(page, `${server.url}/print/loops/${loopId}`, 3);
    expect(await clippedCards(page)).toEqual([]);
    expect(new Set(await decodeAll(page))).toEqual(new Set(cards.map((c) => c.code)));
    await keep(page, 'print-long-names', testInfo);
  });

  test('the wall TV and the tablets never download the print view', async ({
    page,
    server,
    plant,
  }) => {
    const loaded: string[] = [];
    page.on('request', (r) => loaded.push(new URL(r.url()).pathname));
    await page.goto(`${server.url}/tv`);
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'live');
    await page.goto(`${server.url}/station/${plant.station('Machining').id}`);
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'live');
    expect(loaded.filter((p) => p.includes('PrintPage'))).toEqual([]);

    // The print view is a chunk of its own that these screens never asked for.
    const clientDir = process.env.PULLBOARD_E2E_CLIENT_DIR ?? path.resolve(import.meta.dirname, '..', 'dist', 'client');
    const chunks = fs.readdirSync(path.join(clientDir, 'assets')).filter((f) => /^PrintPage-.*\.js$/.test(f));
    expect(chunks).toHaveLength(1);
  });
});
