// The wall TV, unattended for days: it must say when it is stale, and catch up with
// everything that happened once the server is back (a plant PC reboot). A line stop shows
// in the station's own row; the TV offers full screen and an optional line-stop beep.
// (Its layout at each TV size: tvSizes.spec.ts.)
import { Column } from '../shared/names.ts';
import { cardsIn, expect, test } from './fixtures.ts';
import { SocketTap } from './pages/socketTap.ts';
import { RECONNECT_TIMEOUT } from './pages/screen.ts';
import type { Page } from '@playwright/test';

/** "reconnecting" turns into "offline" after this long without a connection (client/src/net/sync.ts). */
const OFFLINE_GRACE_MS = 8_000;

/** Resolves when the page's next WebSocket connection attempt is refused. */
function refusedConnection(page: Page): Promise<void> {
  return new Promise((resolve) => {
    page.on('websocket', (ws) => ws.on('socketerror', () => resolve()));
  });
}

/** Lets the page run the tasks already queued (a message round trip; not a timer). */
async function flushTasks(page: Page): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => resolve();
          channel.port2.postMessage(null);
        }),
    );
  }
}

test.describe('wall TV', () => {
  test('shows every station with the counts the server has', async ({ server, tv }) => {
    await tv.open();
    const board = await server.board();
    for (const s of board.stations) await expect(tv.station(s.id)).toBeVisible();
    await tv.expectShows(board);
    await tv.expectNotStale();
  });

  test('shows a stock-out at the customer end while no finished goods are full, and clears it by itself', async ({
    server,
    plant,
    tv,
  }) => {
    await tv.open();
    const shipping = plant.station('Shipping');
    const fg = plant.loop('FG-HC250');
    const mark = tv.station(shipping.id).getByTestId('tv-stock-out');
    const full = async () => (await server.board()).cards.filter((c) => c.loopId === fg.id && c.column === Column.DONE);
    // Shipping uses every full container of finished cylinders (the demo may have none left).
    for (const _ of await full()) expect((await server.api('POST', `/loops/${fg.id}/consume`)).status).toBe(200);
    expect(await full()).toHaveLength(0);
    await expect(mark).toHaveText(/STOCK-OUT: FG-HC250/);
    await expect(tv.station(shipping.id)).not.toContainText('Flowing');

    // Final assembly finishes one: the stock-out clears on the TV by itself.
    const board = await server.board();
    const card =
      board.cards.find((c) => c.loopId === fg.id && c.column === Column.IN_PROGRESS) ??
      board.cards.find((c) => c.loopId === fg.id && c.column === Column.REQUESTED)!;
    if (card.column === Column.REQUESTED) {
      expect((await server.api('POST', `/cards/${card.id}/move`, { to: Column.IN_PROGRESS })).status).toBe(200);
    }
    expect((await server.api('POST', `/cards/${card.id}/move`, { to: Column.DONE })).status).toBe(200);
    await expect(mark).toHaveCount(0);

    // And shipping using it brings the stock-out back.
    expect((await server.api('POST', `/loops/${fg.id}/consume`)).status).toBe(200);
    await expect(mark).toHaveText(/STOCK-OUT: FG-HC250/);
  });

  test('says it is stale while the server is down, and catches up with a change made as soon as the server is back', async ({
    server,
    plant,
    tv,
  }, testInfo) => {
    const rods = plant.loop('MC-2201');
    const machining = plant.station('Machining');
    const requested = cardsIn(plant.board, machining.id, Column.REQUESTED).length;

    await tv.open();
    await tv.expectNotStale();

    await server.stop();
    await tv.expectConnection('reconnecting');
    await tv.expectStale();
    await expect(tv.staleBanner).toContainText('Reconnecting… showing data as of');
    await tv.expectCount(machining.id, Column.REQUESTED, requested);

    await server.restart();
    const used = await server.api('POST', `/loops/${rods.id}/consume`);
    expect(used.status).toBe(200);
    const stillDown = (await tv.connection.getAttribute('data-status')) !== 'live';
    testInfo.annotations.push({
      type: 'timing',
      description: stillDown ? 'the change was made before the TV had reconnected' : 'the TV reconnected before the change',
    });

    await tv.expectLive(RECONNECT_TIMEOUT);
    await tv.expectNotStale();
    await tv.expectCount(machining.id, Column.REQUESTED, requested + 1);
    await tv.expectShows(await server.board());
  });

  test('left alone with the server down, it says since when it is offline, and comes back live by itself', async ({
    server,
    tv,
  }) => {
    // The screen's own clock is driven by the test: its timers run only when told to.
    await tv.page.clock.install();
    await tv.open();
    await tv.page.clock.pauseAt((await tv.page.evaluate(() => Date.now())) + 1_000);
    const lostAt = await tv.page.evaluate(() => new Date().toTimeString().slice(0, 5));

    await server.stop();
    await tv.expectConnection('reconnecting');
    await tv.page.clock.runFor(60_000); // a minute of retries, all refused
    await tv.expectConnection('offline');
    await tv.expectStale();
    await expect(tv.staleBanner).toContainText(`OFFLINE since ${lostAt}`);
    await expect(tv.staleBanner).toContainText('data may be stale');

    await server.restart();
    await tv.page.clock.resume();
    await tv.expectLive(RECONNECT_TIMEOUT);
    await tv.expectNotStale();
    await tv.expectShows(await server.board());
  });

  test('goes from reconnecting to offline once the grace has passed, even while its retries keep failing', async ({
    server,
    tv,
  }) => {
    await tv.page.clock.install();
    await tv.open();
    await tv.page.clock.pauseAt((await tv.page.evaluate(() => Date.now())) + 1_000);
    const refused = refusedConnection(tv.page);

    await server.stop();
    await tv.expectConnection('reconnecting');
    // 1.5 s into the outage the screen retries (1 s after the server closed it); the
    // server is still down, so the attempt is refused.
    await tv.page.clock.runFor(1_500);
    await refused;
    await flushTasks(tv.page);
    // On to 8.5 s without a connection: past the grace, whatever the retries did meanwhile.
    await tv.page.clock.runFor(OFFLINE_GRACE_MS + 500 - 1_500);
    await tv.expectConnection('offline');
    await expect(tv.staleBanner).toContainText('OFFLINE since');
  });

  test('after a restart it replays what it missed from the last event it had, not from scratch', async ({
    server,
    plant,
    tv,
  }) => {
    const barrel = plant.card('MC-3105', 1); // Requested at Machining
    const paintJob = plant.card('PT-5100-B', 2); // Requested at Paint
    const link = await SocketTap.attach(tv.page);
    await tv.open();

    // A change while live reaches the TV by itself.
    const first = await server.api('POST', `/cards/${barrel.id}/move`, { to: Column.IN_PROGRESS });
    expect(first.status).toBe(200);
    await tv.expectShows(await server.board());
    const seenSeq = (await server.board()).seq;

    await server.stop();
    await tv.expectStale();
    const sentBeforeRestart = link.sent.length;
    await server.restart();
    const second = await server.api('POST', `/cards/${paintJob.id}/move`, { to: Column.IN_PROGRESS });
    expect(second.status).toBe(200);
    const after = await server.board();
    expect(after.seq).toBeGreaterThan(seenSeq);

    await tv.expectLive(RECONNECT_TIMEOUT);
    await tv.expectShows(after);
    await tv.expectNotStale();
    // The first subscription asked for a snapshot; the one after the restart asked only for
    // the events after the last seq the TV had applied.
    const subscribe = (from: number) =>
      link.sent.slice(from).filter((e) => e.name === 'board:subscribe').map((e) => e.args[0]);
    expect(subscribe(0)[0]).toEqual({});
    expect(subscribe(sentBeforeRestart)[0]).toEqual({ afterSeq: seenSeq, logId: expect.any(String), changes: true });
  });

  test('a line stop shows in the station\'s own row, which never says "Flowing" while it is in force', async ({
    server,
    plant,
    tv,
  }) => {
    // Nordstahl, the supplier, is flowing in the demo: nothing starved, late or at a limit.
    const supplier = plant.station('Nordstahl (supplier)');
    const row = tv.station(supplier.id);
    await tv.open();
    await expect(row).toContainText('Flowing');
    await expect(row.getByTestId('tv-andon')).toHaveCount(0);

    expect((await server.api('POST', `/stations/${supplier.id}/andon`, { kind: 'stop', note: 'Crane down' })).status).toBe(200);
    await expect(row.getByTestId('tv-andon')).toHaveText('LINE STOP');
    await expect(row).not.toContainText('Flowing');
    await expect(tv.page.getByTestId(`andon-${supplier.id}`)).toContainText('Crane down');

    // A call for help instead of the stop: the row says that, still not "Flowing".
    expect((await server.api('POST', `/stations/${supplier.id}/andon`, { kind: 'help', note: '' })).status).toBe(200);
    await expect(row.getByTestId('tv-andon')).toHaveText('HELP NEEDED');
    await expect(row).not.toContainText('Flowing');

    expect((await server.api('POST', `/stations/${supplier.id}/andon/clear`)).status).toBe(200);
    await expect(row.getByTestId('tv-andon')).toHaveCount(0);
    await expect(row).toContainText('Flowing');
    await expect(tv.page.getByTestId('andon-banner')).toHaveCount(0);
  });

  test('shows a key to its marks', async ({ tv }) => {
    await tv.open();
    const key = tv.page.getByTestId('tv-legend');
    await expect(key).toBeInViewport({ ratio: 1 });
    for (const word of ['Flowing', 'LINE STOP', 'STARVED', 'OVERDUE', 'AT LIMIT', 'cards / limit']) await expect(key).toContainText(word);
  });

  test('offers full screen, and hides the control while full screen', async ({ tv }) => {
    await tv.open();
    const control = tv.page.getByTestId('tv-fullscreen');
    await expect(control).toBeVisible();
    await control.click();
    await expect.poll(() => tv.page.evaluate(() => document.fullscreenElement !== null)).toBe(true);
    await expect(control).toHaveCount(0);

    await tv.page.evaluate(() => document.exitFullscreen());
    await expect(control).toBeVisible();
  });

  test('offers no full screen control where the browser cannot go full screen', async ({ tv }) => {
    await tv.page.addInitScript(() => {
      Object.defineProperty(Document.prototype, 'fullscreenEnabled', { get: () => false });
    });
    await tv.open();
    await expect(tv.page.getByTestId('tv-sound')).toBeVisible();
    await expect(tv.page.getByTestId('tv-fullscreen')).toHaveCount(0);
  });

  test('beeps on a new line stop only once its sound is turned on, and remembers the choice on this device', async ({
    server,
    plant,
    tv,
  }) => {
    // Counts the beeps the page starts (each beep is one oscillator).
    await tv.page.addInitScript(() => {
      const w = window as Window & { __beeps?: number };
      w.__beeps = 0;
      const start = OscillatorNode.prototype.start;
      OscillatorNode.prototype.start = function (...args: Parameters<OscillatorNode['start']>) {
        w.__beeps = (w.__beeps ?? 0) + 1;
        return start.apply(this, args);
      };
    });
    const beeps = () => tv.page.evaluate(() => (window as Window & { __beeps?: number }).__beeps ?? 0);
    const raise = async (station: string, kind: string) => {
      const id = plant.station(station).id;
      expect((await server.api('POST', `/stations/${id}/andon`, { kind, note: '' })).status).toBe(200);
      await expect(tv.station(id).getByTestId('tv-andon')).toHaveAttribute('data-kind', kind);
    };
    const sound = tv.page.getByTestId('tv-sound');
    await tv.open();

    // Off by default: a line stop makes no sound.
    await expect(sound).toHaveAttribute('aria-pressed', 'false');
    await expect(sound).toHaveText('Sound off');
    await raise('Welding', 'stop');
    expect(await beeps()).toBe(0);

    // Turning it on (the click is the gesture the browser asks for) confirms with one beep;
    // the stop already in force does not beep again.
    await sound.click();
    await expect(sound).toHaveAttribute('aria-pressed', 'true');
    await expect(sound).toHaveAttribute('data-state', 'on');
    await expect.poll(beeps).toBe(1);

    // A new line stop beeps; a call for help and a card moving do not.
    await raise('Paint', 'stop');
    expect(await beeps()).toBe(2);
    await raise('Machining', 'help');
    const card = plant.card('MC-3105', 1);
    expect((await server.api('POST', `/cards/${card.id}/move`, { to: Column.IN_PROGRESS })).status).toBe(200);
    await tv.expectShows(await server.board());
    expect(await beeps()).toBe(2);
    // A help call escalated to a line stop is a new line stop.
    await raise('Machining', 'stop');
    expect(await beeps()).toBe(3);

    // Remembered on this device across a reload.
    expect(await tv.page.evaluate(() => localStorage.getItem('pullboard.tv.sound'))).toBe('on');
    await tv.page.reload();
    await tv.expectLive();
    await expect(sound).toHaveAttribute('aria-pressed', 'true');

    // And off again.
    await sound.click();
    await expect(sound).toHaveAttribute('aria-pressed', 'false');
    expect(await tv.page.evaluate(() => localStorage.getItem('pullboard.tv.sound'))).toBe('off');
  });
});
