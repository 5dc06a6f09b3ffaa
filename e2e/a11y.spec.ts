// Accessibility, as the open issue sets the bar: axe-core (Deque's rules, run by
// @axe-core/playwright in the real page) finds no serious or critical violation on any
// screen, in the states people see: the lead board, the wall TV, a station's tablet and
// the station picker, sign-in and pairing, the admin pages, pairing approval, the print
// views and the open dialogs. Then what axe cannot see: Use, Start and Finish are spoken
// by a polite live region, a refused drop is spoken as refused, a dialog opens on its
// first field and gives the focus back, and every page's title names the screen.
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Locator, Page } from '@playwright/test';
import { Column } from '../shared/names.ts';
import { TABLET_VIEWPORT, TV_VIEWPORT, cardsIn, expect, startE2eServer, test } from './fixtures.ts';
import type { TestServer } from './fixtures.ts';

type Violation = Awaited<ReturnType<AxeBuilder['analyze']>>['violations'][number];

/** The impacts the issue forbids; moderate and minor ones are listed in the report only. */
const BLOCKING = new Set(['serious', 'critical']);

function described(v: Violation): string {
  const where = v.nodes.map((n) => `${n.target.join(' ')} (${(n.failureSummary ?? '').replace(/\s+/g, ' ').trim()})`);
  return `${v.id} [${v.impact ?? 'no impact'}] ${v.help}: ${where.join('; ')}`;
}

/**
 * Runs every axe rule on the page (or only inside `scope`, for a dialog over a screen
 * already checked) and fails the test, softly so the other states are still checked,
 * on any serious or critical violation, each named with its rule, elements and fix.
 */
async function expectAccessible(page: Page, what: string, scope?: string): Promise<void> {
  const builder = new AxeBuilder({ page });
  if (scope) builder.include(scope);
  const { violations } = await builder.analyze();
  const blocking = violations.filter((v) => BLOCKING.has(v.impact ?? ''));
  const other = violations.filter((v) => !BLOCKING.has(v.impact ?? ''));
  if (other.length > 0) {
    test.info().annotations.push({ type: 'axe, moderate or minor', description: `${what}: ${other.map(described).join(' | ')}` });
  }
  expect.soft(blocking.map(described), `serious or critical axe violations: ${what}`).toEqual([]);
}

/** A browser context nobody signed in to: a new device on the shop floor. */
async function freshPage(browser: Browser, viewport = TV_VIEWPORT, hasTouch = false): Promise<Page> {
  const context = await browser.newContext({ viewport, hasTouch });
  return context.newPage();
}

/** dnd-kit's visually hidden live region of a board screen (what a drag says). */
const dragRegion = (page: Page): Locator => page.locator('[id^="DndLiveRegion"]');

/** The app's polite live region (what a Use, Start or Finish says). */
const announcer = (page: Page): Locator => page.getByTestId('announcer');

/**
 * Moves a card with the keyboard alone, as a screen reader user does: focus its handle,
 * Space to pick it up, the arrow keys, Space to drop.
 */
async function keyboardDrag(page: Page, cardId: string, keys: readonly string[]): Promise<void> {
  const handle = page.getByTestId(`card-${cardId}`).locator('[aria-roledescription="draggable card"]');
  await handle.focus();
  await expect(handle).toBeFocused();
  await page.keyboard.press('Space');
  await expect(page.getByTestId(`card-${cardId}`)).toHaveClass(/\bis-dragging\b/);
  for (const key of keys) await page.keyboard.press(key);
  await page.keyboard.press('Space');
}

/** A badge reader: the id and Enter, very fast, no field focused (retried like a swipe). */
async function scanBadge(page: Page, badge: string, until: Locator): Promise<void> {
  await expect(async () => {
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.type(badge);
    await page.keyboard.press('Enter');
    await expect(until).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 20_000 });
}

/** Sets a station's In Progress limit to what it holds now, so one more start is refused. */
async function fillInProgress(server: TestServer, stationId: string): Promise<number> {
  const n = cardsIn(await server.board(), stationId, Column.IN_PROGRESS).length;
  const patched = await server.api('PATCH', `/stations/${stationId}`, { wipLimits: { inProgress: n } });
  expect(patched.status).toBe(200);
  return n;
}

test.describe('accessibility: axe-core finds no serious or critical violation', () => {
  test('on the lead board: as it opens, with an andon call, the legend, a search, a refusal and the Undo bar, and on a phone', async ({
    server,
    plant,
    leadBoard,
  }) => {
    test.setTimeout(240_000);
    const page = leadBoard.page;
    await leadBoard.open();
    await expectAccessible(page, 'lead board');

    const welding = plant.station('Welding');
    const assembly = plant.station('Final Assembly');
    expect((await server.api('POST', `/stations/${welding.id}/andon`, { kind: 'stop', note: 'Torch fault' })).status).toBe(200);
    await expect(page.getByTestId(`andon-${welding.id}`)).toBeVisible();
    await fillInProgress(server, assembly.id);
    await expect(leadBoard.column(assembly.id, Column.IN_PROGRESS)).toHaveAttribute('data-limit-state', 'at');
    const job = plant.card('FG-HC250', 2);
    await leadBoard.button(`Start ${plant.cardName(job)}`).click();
    await expect(leadBoard.alerts).toContainText('refused');
    const barrel = plant.card('MC-3105', 1);
    await leadBoard.button(`Start ${plant.cardName(barrel)}`).click();
    await expect(page.getByTestId('undo-bar')).toBeVisible();
    await leadBoard.legendButton.click();
    await expect(leadBoard.legend).toBeVisible();
    await expectAccessible(page, 'lead board with an andon call, a refusal, the Undo bar and the legend');

    await leadBoard.search.fill('mc-3105');
    await expect(leadBoard.searchSummary).not.toBeEmpty();
    await expectAccessible(page, 'lead board searched for a part');
    await leadBoard.search.fill('no such part');
    await expect(page.getByTestId('no-match')).toBeVisible();
    await expectAccessible(page, 'lead board with a search that matches nothing');
    await leadBoard.search.fill('');

    await page.setViewportSize({ width: 390, height: 844 });
    await expect(leadBoard.switcher).toBeVisible();
    await expectAccessible(page, 'lead board on a phone');
  });

  // Fails until the card left behind by a drag is readable: styles.css `.card.is-dragging`
  // fades it to 35 %, so its part number, part name, figures and buttons read 1.6-2.2:1
  // (axe color-contrast, serious). styles.css is another change's; the fix is theirs.
  test('on the lead board during a keyboard drag: the card picked up and the one that follows the keys', async ({ plant, leadBoard }) => {
    test.setTimeout(120_000);
    const page = leadBoard.page;
    await leadBoard.open();
    const barrel = plant.card('MC-3105', 1);
    await leadBoard.handle(barrel.id).focus();
    await page.keyboard.press('Space');
    await expect(leadBoard.card(barrel.id)).toHaveClass(/\bis-dragging\b/);
    await page.keyboard.press('ArrowRight');
    await expect(dragRegion(page)).toContainText('is over');
    await expectAccessible(page, 'lead board during a keyboard drag');
    await page.keyboard.press('Escape');
  });

  test("in the lead board's dialogs: a station, a new station, the loops, a new loop, and a card's history", async ({
    plant,
    leadBoard,
  }) => {
    test.setTimeout(120_000);
    const page = leadBoard.page;
    const dialog = page.getByRole('dialog');
    await leadBoard.open();

    await leadBoard.button('Edit station Welding').click();
    await expect(dialog).toBeVisible();
    await expectAccessible(page, 'station dialog', 'dialog[open]');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toHaveCount(0);

    await page.getByRole('button', { name: 'Add station' }).click();
    await expect(dialog).toBeVisible();
    await expectAccessible(page, 'new station dialog', 'dialog[open]');
    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);

    await leadBoard.button('Loops').click();
    await expect(dialog).toBeVisible();
    await expectAccessible(page, 'loops dialog', 'dialog[open]');
    await dialog.getByRole('button', { name: 'New loop' }).click();
    await expect(dialog.getByRole('form', { name: 'New loop' })).toBeVisible();
    await expectAccessible(page, 'loops dialog with the new loop form', 'dialog[open]');
    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);

    const barrel = plant.card('MC-3105', 1);
    await page.getByRole('button', { name: `History of ${plant.cardName(barrel)}` }).click();
    await expect(dialog.getByRole('list', { name: 'Events, newest first' })).toBeVisible();
    await expectAccessible(page, 'card history dialog', 'dialog[open]');
  });

  test('on the wall TV: live, with andon calls and a starved station, and offline', async ({ server, plant, tv }) => {
    test.setTimeout(120_000);
    await tv.open();
    await expectAccessible(tv.page, 'wall TV');

    const welding = plant.station('Welding');
    const paint = plant.station('Paint');
    expect((await server.api('POST', `/stations/${welding.id}/andon`, { kind: 'stop' })).status).toBe(200);
    expect((await server.api('POST', `/stations/${paint.id}/andon`, { kind: 'material', note: 'Powder low' })).status).toBe(200);
    const rods = plant.loop('MC-2201');
    const full = cardsIn(await server.board(), rods.supplierStationId, Column.DONE).filter((c) => c.loopId === rods.id);
    for (const _ of full) expect((await server.api('POST', `/loops/${rods.id}/consume`)).status).toBe(200);
    await expect(tv.page.getByTestId(`andon-${paint.id}`)).toBeVisible();
    await expect(tv.page.getByTestId('tv-starved').first()).toBeVisible();
    await expectAccessible(tv.page, 'wall TV with andon calls and a starved station');

    await server.stop();
    await tv.expectConnection('offline', 30_000);
    await expectAccessible(tv.page, 'wall TV offline');
  });

  test("on a station's tablet: its columns and scan box, inbound material and a material call, a scan's result, the Undo bar, an andon call, and the station picker", async ({
    server,
    plant,
    tablet,
  }) => {
    test.setTimeout(120_000);
    const page = tablet.page;
    const machining = plant.station('Machining');
    await tablet.open(machining.id);
    await expectAccessible(page, 'Machining tablet');

    const barrel = plant.card('MC-3105', 1);
    await tablet.tap(`Start ${plant.cardName(barrel)}`);
    await expect(page.getByTestId('undo-bar')).toBeVisible();
    await page.getByRole('textbox', { name: 'Scan a card' }).fill('NOT-A-CODE');
    await page.getByRole('button', { name: 'Go', exact: true }).click();
    await expect(page.getByTestId('scan-result')).toHaveAttribute('data-tone', 'bad');
    await tablet.tap('Call help');
    await expect(tablet.button('Clear help needed')).toBeVisible();
    await expectAccessible(page, 'Machining tablet after a Start, a refused scan and a call for help');
    // The camera (none on the test machine: it says so and offers Close).
    await tablet.tap('Camera');
    await expect(page.locator('.scan-camera')).toBeVisible();
    await expectAccessible(page, 'Machining tablet with the camera open');
    await tablet.tap('Stop camera');

    const assembly = plant.station('Final Assembly');
    const rods = plant.loop('MC-2201');
    const full = cardsIn(await server.board(), rods.supplierStationId, Column.DONE).filter((c) => c.loopId === rods.id);
    for (const _ of full) expect((await server.api('POST', `/loops/${rods.id}/consume`)).status).toBe(200);
    await tablet.open(assembly.id);
    await expect(tablet.materialCall).toBeVisible();
    await expectAccessible(page, 'Final Assembly tablet, starved');

    await tablet.open(plant.station('Shipping').id);
    await expectAccessible(page, 'Shipping tablet (the customer end)');

    await page.goto(`${server.url}/station`);
    await expect(page.getByRole('link', { name: 'Machining' })).toBeVisible();
    await expectAccessible(page, 'station picker');

    await page.goto(`${server.url}/station/no-such-station`);
    await expect(page.getByRole('heading', { name: 'Station not found' })).toBeVisible();
    await expectAccessible(page, 'a station that does not exist');
  });

  test('on the sign-in pages: sign-in, a refused sign-in, a wall TV pairing, a station tablet with a refused badge and then an operator signed in by badge, and a page that does not exist', async ({
    browser,
    server,
    plant,
  }) => {
    test.setTimeout(120_000);
    const page = await freshPage(browser);
    await page.goto(`${server.url}/`);
    const form = page.getByRole('form', { name: 'Sign in' });
    await expect(form).toBeVisible();
    await expectAccessible(page, 'sign-in');
    await form.getByLabel('Username').fill('admin');
    await form.getByLabel('Password').fill('not-the-password');
    await form.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByTestId('sign-in-error')).toBeVisible();
    await expectAccessible(page, 'sign-in refused');

    await page.goto(`${server.url}/tv`);
    await page.getByRole('button', { name: 'Pair this device' }).click();
    await expect(page.getByTestId('pairing-code')).toBeVisible();
    await expectAccessible(page, 'wall TV pairing code');

    const tabletPage = await freshPage(browser, TABLET_VIEWPORT, true);
    await tabletPage.goto(`${server.url}/station/${plant.station('Machining').id}`);
    await expect(tabletPage.getByTestId('badge-hint')).toBeVisible();
    await expectAccessible(tabletPage, 'station tablet sign-in');
    await scanBadge(tabletPage, '04DEADBEEF00', tabletPage.getByTestId('badge-error'));
    await expectAccessible(tabletPage, 'station tablet with a refused badge');
    await tabletPage.getByTestId('badge-error').getByRole('button', { name: 'OK' }).click();

    // An operator signs in with a badge: the station's page with the badge bar.
    const machining = plant.station('Machining');
    const created = await server.api('POST', '/users', { username: 'olga', badge: '04A1C0FFEE01', role: 'operator', stationIds: [machining.id] });
    expect(created.status).toBe(201);
    await scanBadge(tabletPage, '04A1C0FFEE01', tabletPage.getByTestId('badge-bar'));
    await expect(tabletPage.getByTestId('station-tablet')).toBeVisible();
    await expectAccessible(tabletPage, 'station tablet signed in by badge');

    await page.goto(`${server.url}/no/such/page`);
    await expect(page.getByRole('form', { name: 'Sign in' })).toBeVisible();
    const signedIn = await browser.newContext({ viewport: TV_VIEWPORT });
    await server.signIn(signedIn);
    const lost = await signedIn.newPage();
    await lost.goto(`${server.url}/no/such/page`);
    await expect(lost.getByRole('heading', { name: 'Page not found' })).toBeVisible();
    await expectAccessible(lost, 'page not found');
  });

  test('on the admin pages: users, a new user, editing a user, API tokens, a token shown once, devices', async ({ page, server }) => {
    test.setTimeout(120_000);
    await page.goto(`${server.url}/admin`);
    await expect(page.getByRole('tab', { name: 'Users' })).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByTestId('user-admin')).toBeVisible();
    await expectAccessible(page, 'admin: users');

    const dialog = page.getByRole('dialog');
    await page.getByRole('button', { name: 'New user' }).click();
    await expect(dialog).toBeVisible();
    await expectAccessible(page, 'admin: new user dialog', 'dialog[open]');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Edit admin' }).click();
    await expect(dialog).toBeVisible();
    await expectAccessible(page, 'admin: edit user dialog', 'dialog[open]');
    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);

    await page.getByRole('tab', { name: 'API tokens' }).click();
    await page.getByRole('button', { name: 'New token' }).click();
    await expect(dialog).toBeVisible();
    await expectAccessible(page, 'admin: new token dialog', 'dialog[open]');
    await dialog.getByLabel('Name').fill('line scanner');
    await dialog.getByRole('checkbox').first().check();
    await dialog.getByRole('button', { name: 'Create token' }).click();
    await expect(dialog.locator('.token-value')).toBeVisible();
    await expectAccessible(page, 'admin: a new token shown once', 'dialog[open]');
    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);
    await expect(page.getByTestId('token-line scanner')).toBeVisible();
    await expectAccessible(page, 'admin: API tokens');

    await page.getByRole('tab', { name: 'Devices' }).click();
    await expect(page.getByRole('tab', { name: 'Devices' })).toHaveAttribute('aria-selected', 'true');
    await expectAccessible(page, 'admin: devices');
  });

  test('on the metrics view: tables, charts, sizing with its question open, a what-if answer, and on a phone', async ({ page, server, plant }) => {
    test.setTimeout(120_000);
    // Some flow first, so the tables and charts have figures.
    const supplier = plant.station('Nordstahl (supplier)');
    const loop = plant.loop('RM-RAL5015');
    for (let k = 0; k < 2; k++) {
      const used = await server.api('POST', `/loops/${loop.id}/consume`);
      expect(used.status).toBe(200);
      for (const to of ['in_progress', 'done']) expect((await server.api('POST', `/cards/${used.body.card.id}/move`, { to })).status).toBe(200);
    }
    await page.goto(`${server.url}/metrics`);
    await expect(page.getByTestId('metrics-loops')).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('chart-cfd').locator('canvas').first()).toBeVisible();
    await expect(page).toHaveTitle('Metrics — Pullboard');
    await expectAccessible(page, 'metrics view');

    const row = page.getByTestId(`sizing-${plant.loop('MC-2201').id}`);
    await page.getByTestId('safety-factor').fill('3');
    await row.getByRole('button', { name: /^Set to \d+$/ }).click();
    await expect(row.getByRole('group')).toBeVisible();
    await expectAccessible(page, 'metrics view with a sizing question open');
    await row.getByRole('button', { name: 'Cancel' }).click();

    await page.getByTestId('whatif-station').selectOption({ label: supplier.name });
    await page.getByRole('button', { name: 'Run the what-if' }).click();
    await expect(page.getByTestId('whatif-result')).toContainText(/Nordstahl/, { timeout: 30_000 });
    await expectAccessible(page, 'metrics view with a what-if answer');

    await page.setViewportSize({ width: 390, height: 844 });
    await expectAccessible(page, 'metrics view on a phone');
  });

  test('on pairing approval: the form, a refused code, and the approved device', async ({ page, server, plant }) => {
    test.setTimeout(120_000);
    // A device asks for a code, as a tablet's "Pair this device" does.
    const started = await server.api('POST', '/devices/pairings', undefined, null);
    expect(started.body.code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    await page.goto(`${server.url}/pair/approve`);
    const approve = page.getByRole('button', { name: 'Approve' });
    await expect(approve).toBeVisible();
    await expectAccessible(page, 'pairing approval');
    await approve.click();
    await expect(page.locator('.pair-form').getByRole('alert')).toBeVisible();
    await expectAccessible(page, 'pairing approval refused (no code)');

    await page.goto(`${server.url}/pair/approve?code=${encodeURIComponent(started.body.code)}`);
    await page.getByLabel('Device name').fill('Machining tablet');
    await page.getByRole('radio', { name: /Station tablet/ }).check();
    await page.getByRole('checkbox', { name: plant.station('Machining').name }).check();
    await expectAccessible(page, 'pairing approval of a station tablet');
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect(page.getByRole('heading', { name: /Approved/ })).toBeVisible();
    await expectAccessible(page, 'pairing approved');
  });

  test('on the print views of a loop and of a station', async ({ page, server, plant }) => {
    test.setTimeout(120_000);
    await page.goto(`${server.url}/print/loops/${plant.loop('MC-2201').id}`);
    await expect(page.getByTestId('print-sheet').first()).toBeVisible();
    await expectAccessible(page, 'print view of a loop');
    await page.goto(`${server.url}/print/stations/${plant.station('Machining').id}`);
    await expect(page.getByTestId('print-sheet').first()).toBeVisible();
    await expectAccessible(page, 'print view of a station');
    await page.goto(`${server.url}/print/stations/${plant.station('Shipping').id}`);
    await expect(page.locator('.print-help')).toContainText('supplies no loop');
    await expectAccessible(page, 'print view with nothing to print');
  });
});

test.describe('accessibility: first run and a PIN', () => {
  test('axe finds no serious or critical violation on the setup page or the page before setup', async ({ browser }) => {
    const server = await startE2eServer({ adminPassword: null });
    try {
      const { setupToken } = await server.app.ready;
      const page = await freshPage(browser);
      await page.goto(`${server.url}/`);
      await expect(page.getByRole('heading', { name: 'Pullboard is not set up yet' })).toBeVisible();
      await expectAccessible(page, 'not set up yet');
      await page.goto(`${server.url}/setup#token=${setupToken}`);
      const form = page.getByRole('form', { name: 'Create the admin account' });
      await expect(form).toBeVisible();
      await form.getByLabel('Password', { exact: true }).fill('first-admin-pw');
      await form.getByLabel('Repeat password').fill('first-admin-pw2');
      await form.getByRole('button', { name: 'Create admin and sign in' }).click();
      await expect(form.getByRole('alert')).toHaveText('The two passwords differ.');
      await expectAccessible(page, 'setup with an error');
    } finally {
      await server.stop();
    }
  });

  test.describe('where the plant asks for a PIN', () => {
    test.use({ serverOptions: { accountOptions: { badgePin: true } } });

    test('the PIN dialog opens on the PIN field, and axe finds no serious or critical violation in it', async ({ browser, server, plant }) => {
      const machining = plant.station('Machining');
      const created = await server.api('POST', '/users', { username: 'nina', badge: '04B7C0FFEE', pin: '2468', role: 'operator', stationIds: [machining.id] });
      expect(created.status).toBe(201);
      const page = await freshPage(browser, TABLET_VIEWPORT, true);
      await page.goto(`${server.url}/station/${machining.id}`);
      await expect(page.getByTestId('badge-hint')).toBeVisible();
      const dialog = page.getByRole('dialog', { name: 'Enter your PIN' });
      await scanBadge(page, '04B7C0FFEE', dialog);
      await expect(dialog.getByLabel('PIN')).toBeFocused();
      await expectAccessible(page, 'PIN dialog', 'dialog[open]');
    });
  });
});

test.describe('accessibility: what a screen reader hears', () => {
  test("a Start on a station's tablet is announced politely with the container its cascade used, and a Use with where its card goes", async ({
    plant,
    tablet,
  }) => {
    const page = tablet.page;
    const machining = plant.station('Machining');
    const barrel = plant.card('MC-3105', 1);
    expect(barrel).toMatchObject({ stationId: machining.id, column: Column.REQUESTED });
    expect(plant.loop('MC-3105').inputLoopIds).toEqual([plant.loop('RM-E355-T80').id]);
    await tablet.open(machining.id);
    const region = announcer(page);
    await expect(region).toHaveAttribute('aria-live', 'polite');
    await expect(region).toHaveAttribute('role', 'status');
    await expect(region).toBeEmpty();

    await tablet.tap(`Start ${plant.cardName(barrel)}`);
    await expect(region).toHaveText('Started MC-3105 card 1 of 4; used one full container of RM-E355-T80.');

    await tablet.tap(`Finish ${plant.cardName(barrel)}`);
    await expect(region).toHaveText('Finished MC-3105 card 1 of 4; it waits in Done as a full container.');

    const assembly = plant.station('Final Assembly');
    const rods = plant.loop('MC-2201');
    await tablet.open(assembly.id);
    await tablet.tap(`Use ${rods.partNumber}`);
    await expect(region).toHaveText(/^Used MC-2201 card \d of \d; its card goes back to Machining to be refilled\.$/);
  });

  test('a start with three inputs names every container it used', async ({ plant, tablet }) => {
    const assembly = plant.station('Final Assembly');
    const cylinders = plant.loop('FG-HC250');
    expect(cylinders.inputLoopIds).toEqual(['MC-2201', 'PT-5100-B', 'PU-SK50'].map((p) => plant.loop(p).id));
    const job = plant.card('FG-HC250', 2);
    expect(job).toMatchObject({ stationId: assembly.id, column: Column.REQUESTED });
    await tablet.open(assembly.id);
    await tablet.tap(`Start ${plant.cardName(job)}`);
    await expect(announcer(tablet.page)).toHaveText(
      `Started FG-HC250 card 2 of ${cylinders.cardCount}; used one full container of MC-2201, one of PT-5100-B and one of PU-SK50.`,
    );
  });

  test('a drop the rules refuse is announced as refused, with the reason, and not as dropped', async ({ server, plant, leadBoard }) => {
    const page = leadBoard.page;
    const assembly = plant.station('Final Assembly');
    const job = plant.card('FG-HC250', 2);
    expect(job).toMatchObject({ stationId: assembly.id, column: Column.REQUESTED });
    await leadBoard.open();
    const n = await fillInProgress(server, assembly.id);
    await expect(leadBoard.column(assembly.id, Column.IN_PROGRESS)).toHaveAttribute('data-limit-state', 'at');

    await keyboardDrag(page, job.id, ['ArrowRight']);

    const name = plant.cardName(job);
    await expect(dragRegion(page)).toHaveText(
      `Refused: ${name} cannot go to In Progress. WIP limit reached: Final Assembly In Progress is full (${n} / ${n}). ` +
        `Finish or move work on before adding more. It stays in Requested, position 1 of 1.`,
    );
    await expect(dragRegion(page)).not.toContainText('dropped');
    await expect(leadBoard.card(job.id)).toHaveAttribute('data-column', Column.REQUESTED);
    // The server has the last word, and the alert region says it too.
    await expect(leadBoard.alerts).toContainText(`Start ${name} refused`);
  });

  test('a drop that goes is announced as dropped, and the Start it made with its cascade', async ({ plant, leadBoard }) => {
    const page = leadBoard.page;
    const barrel = plant.card('MC-3105', 1);
    await leadBoard.open();
    await keyboardDrag(page, barrel.id, ['ArrowRight']);
    const name = plant.cardName(barrel);
    await expect(dragRegion(page)).toHaveText(`${name} was dropped in In Progress, position 1 of 2.`);
    await expect(announcer(page)).toHaveText('Started MC-3105 card 1 of 4; used one full container of RM-E355-T80.');
  });
});

test.describe('accessibility: focus and titles', () => {
  test('a dialog opens on its first field and gives the focus back to the button that opened it', async ({ page, leadBoard }) => {
    await leadBoard.open();
    const edit = leadBoard.button('Edit station Welding');
    const dialog = page.getByRole('dialog', { name: 'Edit station: Welding' });

    await edit.focus();
    await page.keyboard.press('Enter');
    await expect(dialog).toBeVisible();
    await expect(dialog.getByLabel('Name')).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);
    await expect(edit).toBeFocused();

    // Closed with its Cancel button, by a mouse: the same.
    await edit.click();
    await expect(dialog.getByLabel('Name')).toBeFocused();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toHaveCount(0);
    await expect(edit).toBeFocused();

    // A dialog with no field yet starts on its first control, not on Close.
    const loops = leadBoard.button('Loops');
    await loops.focus();
    await page.keyboard.press('Enter');
    const loopsDialog = page.getByRole('dialog', { name: 'Loops' });
    await expect(loopsDialog).toBeVisible();
    await expect(loopsDialog.getByRole('button', { name: 'Close' })).not.toBeFocused();
    expect(await page.evaluate(() => document.activeElement?.closest('dialog') !== null)).toBe(true);
    await page.keyboard.press('Escape');
    await expect(loops).toBeFocused();
  });

  test("an admin dialog opens on its first field and gives the focus back", async ({ page, server }) => {
    await page.goto(`${server.url}/admin`);
    const add = page.getByRole('button', { name: 'New user' });
    await add.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'New user' });
    await expect(dialog.getByLabel('Username')).toBeFocused();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toHaveCount(0);
    await expect(add).toBeFocused();
  });

  test("a station's page is titled with the station's name, and every screen with its own", async ({ browser, page, server, plant, tablet, tv }) => {
    await tablet.open(plant.station('Welding').id);
    await expect(tablet.page).toHaveTitle('Welding — Pullboard');
    await tablet.open(plant.station('Machining').id);
    await expect(tablet.page).toHaveTitle('Machining — Pullboard');
    await tablet.page.goto(`${server.url}/station`);
    await expect(tablet.page).toHaveTitle('Choose a station — Pullboard');

    await tv.open();
    await expect(tv.page).toHaveTitle('Wall TV — Pullboard');
    await page.goto(`${server.url}/`);
    await expect(page).toHaveTitle('Lead board — Pullboard');
    await page.goto(`${server.url}/admin`);
    await expect(page).toHaveTitle('Admin — Pullboard');
    await page.goto(`${server.url}/pair/approve`);
    await expect(page).toHaveTitle('Pair a device — Pullboard');
    await page.goto(`${server.url}/print/loops/${plant.loop('MC-2201').id}`);
    await expect(page).toHaveTitle('Print — MC-2201 cards — Pullboard');
    await page.goto(`${server.url}/nowhere`);
    await expect(page).toHaveTitle('Page not found — Pullboard');

    const stranger = await freshPage(browser);
    await stranger.goto(`${server.url}/station/${plant.station('Welding').id}`);
    await expect(stranger.getByTestId('badge-hint')).toBeVisible();
    await expect(stranger).toHaveTitle('Sign in — Pullboard');
  });
});
