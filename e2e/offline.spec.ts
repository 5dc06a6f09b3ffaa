// A station tablet on flaky Wi-Fi: moves made while offline are kept on the device
// (across a reload), shown as pending, replayed in order with their idempotency keys when
// the connection is back; the one the server then refuses is listed with its reason, the
// others land exactly once, and nothing stays pending.
//
// How the network is cut, as found with this Chromium and Playwright:
// - `context.setOffline(true)` does close the page's open WebSocket at once (Chromium
//   ends it with the emulated network; checked before writing this), fires the window
//   `offline` event, and makes reconnect attempts fail. It also makes every HTTP request
//   fail, so the page cannot be reloaded: there is no service worker to serve the app
//   shell from a cache.
// - `page.routeWebSocket` decides for each new socket: while `held` it is closed at once
//   (the server cannot be reached over the socket), otherwise it is passed through to
//   the real server, and the frames the page sends are recorded. With the network back
//   but the socket held, the page can be reloaded (index.html and the bundle come over
//   HTTP) while its moves still cannot be sent: the realistic "the tablet was reloaded
//   with moves still waiting" case.
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import type { TestServer } from './fixtures.ts';
import type { BoardEvent, BoardSnapshot, Card } from '../shared/schemas.ts';

test.use({ viewport: { width: 1024, height: 768 } });

/** Socket.IO reaches the server only while `held` is false; `sent` records its frames. */
async function holdableSocket(page: Page) {
  const state = { held: false, sent: [] as string[] };
  await page.routeWebSocket(/\/socket\.io\//, (ws) => {
    if (state.held) {
      ws.close({ code: 1001, reason: 'held by the test' });
      return;
    }
    const upstream = ws.connectToServer();
    ws.onMessage((m) => {
      state.sent.push(String(m));
      upstream.send(m);
    });
  });
  // The HTTP long-polling fallback, should Socket.IO ever try it.
  await page.route(/\/socket\.io\//, (route) => (state.held ? route.abort('internetdisconnected') : route.fallback()));
  return state;
}

/** Socket.IO events the page sent, as [name, payload]: frames `42<ack id>["name", payload]`. */
function sentEvents(sent: readonly string[], name?: string): Array<[string, Record<string, unknown>]> {
  return sent
    .filter((m) => m.startsWith('42'))
    .map((m) => JSON.parse(m.slice(2).replace(/^\d+/, '')) as [string, Record<string, unknown>])
    .filter(([n]) => name === undefined || n === name);
}

async function eventsAfter(server: TestServer, after: number): Promise<BoardEvent[]> {
  const res = await server.api('GET', `/events?after=${after}&limit=1000`);
  return res.body.events as BoardEvent[];
}

const inColumn = (b: BoardSnapshot, stationId: string, column: Card['column']) =>
  b.cards.filter((c) => c.stationId === stationId && c.column === column);
const fullOf = (b: BoardSnapshot, loopId: string) => b.cards.filter((c) => c.loopId === loopId && c.column === 'done').length;

test('moves made offline survive a reload, then land once or are listed as refused', async ({ server, page, context }, testInfo) => {
  const before = await server.board();
  const machining = before.stations.find((s) => s.name === 'Machining')!;
  const toStart = inColumn(before, machining.id, 'requested')[0]!;
  const toFinish = inColumn(before, machining.id, 'in_progress')[0]!;
  const inbound = before.loops.filter((l) => l.consumerStationId === machining.id && fullOf(before, l.id) >= 2)[0]!;
  expect(toStart && toFinish && inbound).toBeTruthy();
  const partOf = (c: Card) => before.loops.find((l) => l.id === c.loopId)!;
  const startLabel = `Start ${partOf(toStart).partNumber} card ${toStart.serial} / ${partOf(toStart).cardCount}`;

  const socket = await holdableSocket(page);
  await page.clock.install(); // time runs as usual, and can be fast-forwarded below
  await page.goto(`${server.url}/station/${machining.id}`);
  const status = page.getByTestId('connection-status');
  await expect(status).toHaveAttribute('data-status', 'live');

  // ---------------------------------------------------------------- the Wi-Fi drops
  await context.setOffline(true);
  await expect(status).toHaveAttribute('data-status', 'offline');

  const cardA = page.getByTestId(`card-${toStart.id}`);
  const cardB = page.getByTestId(`card-${toFinish.id}`);
  const inboundRow = page.getByTestId(`inbound-${inbound.id}`);
  await cardA.getByRole('button', { name: /^Start / }).click();
  await cardB.getByRole('button', { name: /^Finish / }).click();
  await inboundRow.getByRole('button', { name: `Use ${inbound.partNumber}` }).click();

  const outbox = page.getByTestId('outbox-status');
  const showsThreePending = async () => {
    await expect(outbox).toHaveAttribute('data-count', '3');
    await expect(outbox).toContainText('3 moves not sent yet — will be sent when back online');
    await expect(cardA).toHaveAttribute('data-column', 'in_progress');
    await expect(cardA).toHaveAttribute('data-pending', 'true');
    await expect(cardA).toContainText('Pending — will be sent when back online');
    await expect(cardB).toHaveAttribute('data-column', 'done');
    await expect(cardB).toHaveAttribute('data-pending', 'true');
    await expect(inboundRow).toHaveAttribute('data-pending', 'true');
    await expect(inboundRow).toHaveAttribute('data-full', String(fullOf(before, inbound.id) - 1));
  };
  await showsThreePending();
  // Well past the 30 s after which moves used to be rolled back as "not saved": offline,
  // they stay pending (the timers of those 40 s, reconnect attempts included, all ran).
  await page.clock.fastForward('00:40');
  await expect(status).toHaveAttribute('data-status', 'offline');
  await showsThreePending();
  await expect(page.getByTestId('alert')).toHaveCount(0);
  await page.screenshot({ path: testInfo.outputPath('tablet-offline-pending.png') });

  // ------------------------------------------- reloaded with the moves still waiting
  // The network is back but the server cannot be reached over the socket yet.
  socket.held = true;
  await context.setOffline(false);
  await page.reload();
  await expect(page.getByTestId('station-tablet')).toBeVisible();
  await expect(status).not.toHaveAttribute('data-status', 'live');
  await showsThreePending();
  expect((await server.board()).seq).toBe(before.seq); // nothing reached the server

  // Meanwhile the lead sets Machining's In Progress limit to what it holds: no more starts.
  const wip = inColumn(before, machining.id, 'in_progress').length;
  const patch = await server.api('PATCH', `/stations/${machining.id}`, { wipLimits: { inProgress: wip } });
  expect(patch.status).toBe(200);
  const seqBeforeReplay = (await server.board()).seq;

  // ---------------------------------------------------------------- back online
  socket.held = false;
  socket.sent.length = 0;
  await page.evaluate(() => window.dispatchEvent(new Event('online'))); // what the Wi-Fi coming back fires
  await expect(status).toHaveAttribute('data-status', 'live');

  const refused = page.getByTestId('refused-moves');
  await expect(refused).toBeVisible();
  await expect(refused.getByRole('heading')).toHaveText('1 move made while offline was refused');
  const item = refused.getByTestId('refused-move');
  await expect(item).toHaveCount(1);
  await expect(item).toContainText(startLabel);
  await expect(item).toContainText(`WIP limit reached: Machining In Progress is full (${wip} / ${wip})`);
  await expect(outbox).toHaveCount(0);
  await expect(page.locator('[data-pending="true"]')).toHaveCount(0);
  await expect(cardA).toHaveAttribute('data-column', 'requested');
  await expect(cardB).toHaveAttribute('data-column', 'done');
  await page.screenshot({ path: testInfo.outputPath('tablet-refused-list.png') });

  // What the page sent: a resubscribe from the cached board's seq (not a full snapshot),
  // then the three moves in the order they were made, one each, with their keys.
  const sent = sentEvents(socket.sent);
  expect(sent[0]).toEqual(['board:subscribe', { afterSeq: before.seq, logId: expect.any(String), changes: true }]);
  const commands = sent.filter(([n]) => n !== 'board:subscribe');
  expect(commands.map(([n]) => n)).toEqual(['card:move', 'card:move', 'loop:consume']);
  expect(commands[0]![1]).toMatchObject({ cardId: toStart.id, to: 'in_progress', expectedVersion: toStart.version });
  expect(commands[1]![1]).toMatchObject({ cardId: toFinish.id, to: 'done', expectedVersion: toFinish.version });
  expect(commands[2]![1]).toEqual({ loopId: inbound.id, idempotencyKey: expect.any(String) });
  expect(new Set(commands.map(([, p]) => p.idempotencyKey)).size).toBe(3);

  // The server: the Finish and the Use landed exactly once; the Start did not.
  const after = await server.board();
  expect(after.cards.find((c) => c.id === toStart.id)!.column).toBe('requested');
  expect(after.cards.find((c) => c.id === toFinish.id)!.column).toBe('done');
  expect(fullOf(after, inbound.id)).toBe(fullOf(before, inbound.id) - 1);
  const replayed = await eventsAfter(server, seqBeforeReplay);
  expect(replayed.map((e) => e.type)).toEqual(['card.moved', 'card.consumed']);
  expect(replayed[0]).toMatchObject({ cardId: toFinish.id, from: 'in_progress', to: 'done' });
  expect(replayed[1]).toMatchObject({ loopId: inbound.id, causedByCardId: null });

  // The list stays across a reload until the operator clears it; nothing is sent again.
  await page.reload();
  await expect(status).toHaveAttribute('data-status', 'live');
  await expect(refused.getByTestId('refused-move')).toContainText(startLabel);
  await refused.getByRole('button', { name: /Seen — clear list/ }).click();
  await expect(refused).toHaveCount(0);
  await page.reload();
  await expect(status).toHaveAttribute('data-status', 'live');
  await expect(page.getByTestId('refused-moves')).toHaveCount(0);
  expect((await server.board()).seq).toBe(after.seq);
});

test('a tablet cut from the server catches up from its last seq (a change set), then sends its move', async ({ server, page }) => {
  const before = await server.board();
  const machining = before.stations.find((s) => s.name === 'Machining')!;
  const toStart = inColumn(before, machining.id, 'requested')[0]!;
  // A part Machining makes, used downstream: using it sends a card to Machining's Requested.
  const output = before.loops.find((l) => l.supplierStationId === machining.id && fullOf(before, l.id) > 0)!;
  const socket = await holdableSocket(page);
  await page.goto(`${server.url}/station/${machining.id}`);
  const status = page.getByTestId('connection-status');
  await expect(status).toHaveAttribute('data-status', 'live');

  // The plant PC restarts; the browser's own network never goes down (no offline event).
  socket.held = true;
  await server.restart();
  await expect(status).not.toHaveAttribute('data-status', 'live');
  const cardA = page.getByTestId(`card-${toStart.id}`);
  await cardA.getByRole('button', { name: /^Start / }).click();
  await expect(cardA).toHaveAttribute('data-pending', 'true');
  // Meanwhile downstream uses one of Machining's full containers (another screen).
  const used = await server.api('POST', `/loops/${output.id}/consume`);
  expect(used.status).toBe(200);
  const signal = used.body.card as Card;

  socket.held = false;
  socket.sent.length = 0;
  await expect(status).toHaveAttribute('data-status', 'live', { timeout: 30_000 });
  await expect(page.locator('[data-pending="true"]')).toHaveCount(0);
  // It resubscribed from the last seq it had applied, and got the event it missed.
  const sent = sentEvents(socket.sent);
  expect(sent[0]).toEqual(['board:subscribe', { afterSeq: before.seq, logId: expect.any(String), changes: true }]);
  await expect(page.getByTestId(`card-${signal.id}`)).toHaveAttribute('data-column', 'requested');
  // Then its move went, once.
  expect(sent.filter(([n]) => n === 'card:move')).toHaveLength(1);
  const after = await server.board();
  expect(after.cards.find((c) => c.id === toStart.id)!.column).toBe('in_progress');
  const moves = (await eventsAfter(server, before.seq)).filter((e) => e.type === 'card.moved' && e.cardId === toStart.id);
  expect(moves).toHaveLength(1);
  await expect(page.getByTestId('refused-moves')).toHaveCount(0);
});
