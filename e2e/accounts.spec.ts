// Accounts in the browser: the first admin created from the console's setup link, a wall
// TV paired with a code a lead approves, and an operator who signs in at a station tablet
// with a badge, may only work their own station, and is signed out after a while idle.
import type { Browser, Page } from '@playwright/test';
import { Column } from '../shared/names.ts';
import { ADMIN_PASSWORD, TABLET_VIEWPORT, TV_VIEWPORT, cardOf, cardsIn, expect, startE2eServer, test } from './fixtures.ts';
import type { TestServer } from './fixtures.ts';
import { WallTvPage } from './pages/wallTv.ts';
import { StationTabletPage } from './pages/stationTablet.ts';

/** A browser context nobody signed in to: a new device on the shop floor. */
async function freshPage(browser: Browser, viewport = TV_VIEWPORT, hasTouch = false): Promise<Page> {
  const context = await browser.newContext({ viewport, hasTouch });
  return context.newPage();
}

/** Creates an operator at one station who signs in with a badge; returns the badge. */
async function operatorWithBadge(server: TestServer, username: string, stationId: string): Promise<string> {
  const badge = `04A1${Math.floor(Math.random() * 1e8).toString(16).toUpperCase().padStart(7, '0')}`;
  const created = await server.api('POST', '/users', { username, badge, role: 'operator', stationIds: [stationId] });
  expect(created.status).toBe(201);
  return badge;
}

/**
 * What a keyboard-wedge badge reader does: the id and Enter, very fast, with no field
 * focused. A burst the reader's timing check turned down (a busy test machine can stall
 * the keys) leaves the screen as it was: like an operator, swipe again.
 */
async function scanBadge(page: Page, badge: string): Promise<void> {
  await expect(async () => {
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.type(badge);
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('badge-bar')).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 20_000 });
}

test.describe('first run', () => {
  test('the setup link creates the admin, who lands on the lead board, live', async ({ browser }) => {
    const server = await startE2eServer({ adminPassword: null });
    try {
      const { setupToken } = await server.app.ready;
      expect(setupToken).toBeTruthy();
      const page = await freshPage(browser);
      // Any page before setup says how to set up.
      await page.goto(`${server.url}/`);
      await expect(page.getByRole('heading', { name: 'Pullboard is not set up yet' })).toBeVisible();

      await page.goto(`${server.url}/setup#token=${setupToken}`);
      const form = page.getByRole('form', { name: 'Create the admin account' });
      await expect(form.getByLabel('Username')).toHaveValue('admin');
      // The token leaves the address bar once read.
      await expect.poll(() => new URL(page.url()).hash).toBe('');
      await form.getByLabel('Username').fill('plant-admin');
      await form.getByLabel('Password', { exact: true }).fill('first-admin-pw');
      await form.getByLabel('Repeat password').fill('first-admin-pw2');
      await form.getByRole('button', { name: 'Create admin and sign in' }).click();
      await expect(form.getByRole('alert')).toHaveText('The two passwords differ.');
      await form.getByLabel('Repeat password').fill('first-admin-pw');
      await form.getByRole('button', { name: 'Create admin and sign in' }).click();

      await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'live');
      await expect.poll(() => new URL(page.url()).pathname).toBe('/');
      await expect(page.getByTestId('whoami')).toContainText('plant-admin');
      await expect(page.getByTestId('whoami')).toHaveAttribute('data-role', 'admin');
      await expect(page.getByRole('link', { name: 'Admin' })).toBeVisible();
      // The setup link works once.
      const again = await server.api('POST', '/auth/setup', { token: setupToken, username: 'x-admin', password: 'another-pw-1' }, null);
      expect(again.status).toBe(401);
      // Signed in for real: the server knows the admin.
      const token = await server.login('plant-admin', 'first-admin-pw');
      expect((await server.api('GET', '/auth/me', undefined, token)).body).toMatchObject({ name: 'plant-admin', role: 'admin' });
    } finally {
      await server.stop();
    }
  });
});

test.describe('sign-in', () => {
  test('wrong passwords are said plainly; Sign out returns to the sign-in screen', async ({ browser, server }) => {
    const page = await freshPage(browser, { width: 1280, height: 800 });
    await page.goto(`${server.url}/`);
    const form = page.getByRole('form', { name: 'Sign in' });
    await form.getByLabel('Username').fill('admin');
    await form.getByLabel('Password').fill('not-the-password');
    await form.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByTestId('sign-in-error')).toHaveText('Wrong username or password.');
    await form.getByLabel('Password').fill(ADMIN_PASSWORD);
    await form.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'live');
    await expect(page.getByTestId('whoami')).toContainText('admin');

    await page.getByTestId('whoami').getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByRole('form', { name: 'Sign in' })).toBeVisible();
    // The cookie is gone: a reload stays signed out.
    await page.reload();
    await expect(page.getByRole('form', { name: 'Sign in' })).toBeVisible();
  });

  test('after too many failed sign-ins it says how long to wait', async ({ browser, server }) => {
    for (let i = 0; i < 10; i++) {
      expect((await server.api('POST', '/auth/login', { username: 'foreman', password: `guess-${i}-pw` }, null)).status).toBe(401);
    }
    const page = await freshPage(browser, { width: 1280, height: 800 });
    await page.goto(`${server.url}/`);
    const form = page.getByRole('form', { name: 'Sign in' });
    await form.getByLabel('Username').fill('foreman');
    await form.getByLabel('Password').fill('one-more-guess');
    await form.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByTestId('sign-in-error')).toHaveText(/^Too many failed sign-ins: wait \d+ (s|min) and try again\.$/);
  });

  test('a viewer sees a read-only board', async ({ browser, server, plant }) => {
    expect((await server.api('POST', '/users', { username: 'watcher', password: 'watcher-pw-1', role: 'viewer' })).status).toBe(201);
    const page = await freshPage(browser);
    await server.signIn(page.context(), await server.login('watcher', 'watcher-pw-1'));
    await page.goto(`${server.url}/`);
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'live');
    await expect(page.getByTestId('access-notice')).toContainText('Read-only');
    const barrel = plant.card('MC-3105', 1);
    await expect(page.getByTestId(`card-${barrel.id}`)).toBeVisible();
    await expect(page.getByRole('button', { name: /^(Start|Finish|Use|Step back) / })).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Loops' })).toHaveCount(0);
    await expect(page.getByRole('link', { name: 'Admin' })).toHaveCount(0);
  });
});

test.describe('pairing', () => {
  test('a wall TV shows a code, a lead approves it, and the TV goes live and follows the board', async ({ browser, server, plant, page }) => {
    const tvPage = await freshPage(browser);
    const tv = new WallTvPage(tvPage, server.url);
    await tvPage.goto(`${server.url}/tv`);
    await tvPage.getByRole('button', { name: 'Pair this device' }).click();
    const shown = tvPage.getByTestId('pairing-code');
    await expect(shown).toHaveText(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    const code = (await shown.textContent())!;
    await expect(tvPage.getByRole('img', { name: /QR code of .*\/pair\/approve\?code=/ })).toBeVisible();
    await expect(tvPage.getByTestId('pairing-expiry')).toContainText('Expires in');

    // The lead opens the approval page (what the QR code leads to), signed in as the admin.
    await page.goto(`${server.url}/pair/approve?code=${code}`);
    await expect(page.getByLabel('Code on the device')).toHaveValue(code);
    await page.getByLabel('Device name').fill('Hall TV');
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect(page.getByRole('heading', { name: /Approved/ })).toBeVisible();

    // The TV polls, gets its token and connects as a viewer device.
    await tv.expectLive();
    await expect(tvPage.getByTestId('whoami')).toContainText('Hall TV');
    await expect(tvPage.getByTestId('whoami')).toHaveAttribute('data-via', 'device');
    const kept = await tvPage.evaluate(() => localStorage.getItem('pullboard.device.v1'));
    expect(kept).toContain('pbd_');

    // It follows a move made elsewhere.
    const machining = plant.station('Machining');
    const barrel = plant.card('MC-3105', 1);
    const inProgress = cardsIn(plant.board, machining.id, Column.IN_PROGRESS).length;
    expect((await server.api('POST', `/cards/${barrel.id}/move`, { to: Column.IN_PROGRESS })).status).toBe(200);
    await tv.expectCount(machining.id, Column.IN_PROGRESS, inProgress + 1);

    // Revoked by a lead: the TV forgets its token and shows a new code at once.
    const devices = (await server.api('GET', '/devices')).body.devices as Array<{ id: string; name: string }>;
    const hallTv = devices.find((d) => d.name === 'Hall TV')!;
    expect((await server.api('DELETE', `/devices/${hallTv.id}`)).status).toBe(200);
    await expect(tvPage.getByTestId('auth-notice')).toContainText('unpaired', { timeout: 30_000 });
    await expect(tvPage.getByTestId('pairing-code')).toHaveText(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    await expect(tvPage.getByTestId('pairing-code')).not.toHaveText(code);
    expect(await tvPage.evaluate(() => localStorage.getItem('pullboard.device.v1'))).toBeNull();
  });
});

test.describe('badge sign-in at a station tablet', () => {
  test('an operator signs in by badge and may work only their own station', async ({ browser, server, plant }) => {
    const machining = plant.station('Machining');
    const welding = plant.station('Welding');
    const badge = await operatorWithBadge(server, 'olga', machining.id);
    const page = await freshPage(browser, TABLET_VIEWPORT, true);
    const tablet = new StationTabletPage(page, server.url);
    await page.goto(`${server.url}/station/${machining.id}`);
    await expect(page.getByTestId('badge-hint')).toBeVisible();

    await scanBadge(page, badge);
    await expect(page.getByTestId('badge-bar')).toContainText('Signed in: olga');
    await tablet.expectLive();
    await expect(page.getByTestId('whoami')).toHaveAttribute('data-role', 'operator');

    // Their station: Start works.
    const barrel = plant.card('MC-3105', 1);
    expect(barrel.stationId).toBe(machining.id);
    await tablet.tap(`Start ${plant.cardName(barrel)}`);
    await expect.poll(async () => cardOf(await server.board(), barrel.id).column).toBe(Column.IN_PROGRESS);

    // Another station's tablet: read-only, with the reason; no buttons, no dragging.
    await page.getByRole('link', { name: 'Stations' }).click();
    await page.getByRole('link', { name: 'Welding' }).click();
    await expect(page.getByTestId('station-tablet')).toHaveAttribute('data-station', welding.id);
    await expect(page.getByTestId('access-notice')).toContainText('Only the operators of Welding may do this');
    const weldCard = cardsIn(plant.board, welding.id, Column.REQUESTED)[0] ?? cardsIn(plant.board, welding.id, Column.IN_PROGRESS)[0]!;
    await expect(tablet.card(weldCard.id)).toHaveAttribute('data-movable', 'false');
    await expect(tablet.card(weldCard.id).getByRole('button', { name: /^(Start|Finish) / })).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Stop line' })).toHaveCount(0);
    // Forced through the API with the operator's own session, the server refuses too.
    const cookie = (await page.context().cookies()).find((c) => c.name === 'pullboard_session')!;
    const forced = await server.api('POST', `/cards/${weldCard.id}/move`, { to: weldCard.column === Column.REQUESTED ? Column.IN_PROGRESS : Column.DONE }, cookie.value);
    expect(forced.status).toBe(403);
    expect(forced.body.error.code).toBe('FORBIDDEN');
    expect(cardOf(await server.board(), weldCard.id).column).toBe(weldCard.column);

    // Sign out by hand: back to the sign-in screen (the tablet is not paired).
    await page.getByTestId('badge-bar').getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByRole('form', { name: 'Sign in' })).toBeVisible();
    expect((await server.api('GET', '/auth/me', undefined, cookie.value)).status).toBe(401);
  });

  test('on a paired tablet, a badge session takes over from the device, and Sign out gives it back', async ({ browser, server, plant }) => {
    const machining = plant.station('Machining');
    const badge = await operatorWithBadge(server, 'petra', machining.id);
    // The tablet was paired earlier as Machining's device (the same calls its screen makes).
    const started = await server.api('POST', '/devices/pairings', undefined, null);
    expect(started.status).toBe(201);
    const approved = await server.api('POST', '/devices/pairings/approve', {
      code: started.body.code,
      name: 'Machining tablet',
      role: 'operator',
      stationIds: [machining.id],
    });
    expect(approved.status).toBe(201);
    const delivered = await server.api('POST', `/devices/pairings/${started.body.pairingId}/token`, undefined, null);
    expect(delivered.status).toBe(200);
    const page = await freshPage(browser, TABLET_VIEWPORT, true);
    await page.context().addInitScript((token) => localStorage.setItem('pullboard.device.v1', JSON.stringify({ token })), delivered.body.token as string);
    const tablet = new StationTabletPage(page, server.url);
    await tablet.open(machining.id);
    const whoami = page.getByTestId('whoami');
    await expect(whoami).toContainText('Machining tablet');
    await expect(whoami).toHaveAttribute('data-via', 'device');

    await scanBadge(page, badge);
    await expect(page.getByTestId('badge-bar')).toContainText('Signed in: petra');
    await expect(whoami).toHaveAttribute('data-via', 'badge');
    await tablet.expectLive();
    const barrel = plant.card('MC-3105', 1);
    await tablet.tap(`Start ${plant.cardName(barrel)}`);
    await expect.poll(async () => cardOf(await server.board(), barrel.id).column).toBe(Column.IN_PROGRESS);
    // The log names the operator, not the device.
    const events = (await server.api('GET', '/events?after=0&limit=1000')).body.events as Array<{ type: string; cardId?: string; actor: { name: string } }>;
    expect(events.filter((e) => e.type === 'card.moved' && e.cardId === barrel.id).at(-1)?.actor.name).toBe('petra');

    await page.getByTestId('badge-bar').getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByTestId('badge-bar')).toHaveCount(0);
    await expect(whoami).toContainText('Machining tablet');
    await expect(whoami).toHaveAttribute('data-via', 'device');
    await tablet.expectLive();
  });

  test.describe('where the plant asks for a PIN', () => {
    test.use({ serverOptions: { accountOptions: { badgePin: true } } });

    test('a scan asks for the PIN, and a wrong one is refused', async ({ browser, server, plant }) => {
      const machining = plant.station('Machining');
      const created = await server.api('POST', '/users', { username: 'nina', badge: '04B7C0FFEE', pin: '2468', role: 'operator', stationIds: [machining.id] });
      expect(created.status).toBe(201);
      const page = await freshPage(browser, TABLET_VIEWPORT, true);
      await page.goto(`${server.url}/station/${machining.id}`);
      await expect(page.getByTestId('badge-hint')).toBeVisible();
      const dialog = page.getByRole('dialog', { name: 'Enter your PIN' });
      await expect(async () => {
        await page.keyboard.type('04B7C0FFEE');
        await page.keyboard.press('Enter');
        await expect(dialog).toBeVisible({ timeout: 3_000 });
      }).toPass({ timeout: 20_000 });
      await dialog.getByLabel('PIN').fill('1111');
      await dialog.getByRole('button', { name: 'Sign in' }).click();
      await expect(dialog.getByRole('alert')).toHaveText('Unknown badge or wrong PIN.');
      await dialog.getByLabel('PIN').fill('2468');
      await dialog.getByRole('button', { name: 'Sign in' }).click();
      await expect(page.getByTestId('badge-bar')).toContainText('Signed in: nina');
      await expect(dialog).toHaveCount(0);
    });
  });

  test.describe('with a short idle time', () => {
    test.use({ serverOptions: { accountOptions: { badgeIdleMinutes: 0.05 } } });

    test('a badge session left alone signs itself out', async ({ browser, server, plant }) => {
      const machining = plant.station('Machining');
      const badge = await operatorWithBadge(server, 'ivan', machining.id);
      const page = await freshPage(browser, TABLET_VIEWPORT, true);
      await page.goto(`${server.url}/station/${machining.id}`);
      await expect(page.getByTestId('badge-hint')).toBeVisible();
      await scanBadge(page, badge);
      await expect(page.getByTestId('badge-bar')).toContainText('Signed in: ivan');
      // The idle minutes are 3 s here: the countdown shows, then the session ends by itself.
      await expect(page.getByTestId('idle-countdown')).toBeVisible();
      await expect(page.getByTestId('badge-bar')).toHaveCount(0, { timeout: 15_000 });
      await expect(page.getByRole('form', { name: 'Sign in' })).toBeVisible();
      await expect(page.getByTestId('auth-notice')).toContainText('Signed out after a while without use');
    });
  });
});
