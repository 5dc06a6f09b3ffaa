// The lead's metrics view: the tables and the three charts from a run of the plant
// driven through the public API, their words for screen readers, the CSV export, and a
// sizing recommendation applied once that every screen then shows.
import { expect, test } from './fixtures.ts';
import { MetricsPage, SERIES_RGB } from './pages/metrics.ts';
import { addLoop, run, use } from './plantDriver.ts';
import { simulate } from '../server/simulator.ts';

/** Each chart shows its series: pixels in the series' colours, not only axes and grid. */
async function expectSeriesDrawn(metrics: MetricsPage): Promise<void> {
  for (const which of ['cfd', 'lead', 'throughput'] as const) await expect(metrics.chart(which).locator('canvas').first()).toBeVisible();
  await expect.poll(() => metrics.seriesPixels('cfd', SERIES_RGB.cfdRequested)).toBeGreaterThan(0);
  await expect.poll(() => metrics.seriesPixels('lead', SERIES_RGB.leadMean)).toBeGreaterThan(0);
  await expect.poll(() => metrics.seriesPixels('throughput', SERIES_RGB.throughput)).toBeGreaterThan(0);
}

test('the charts render with data from a run of the plant, with their words and the tables', async ({ page, server, plant }) => {
  const supplier = plant.station('Nordstahl (supplier)');
  const assembly = plant.station('Final Assembly');
  const loop = await addLoop(server, 'E2E-FLOW-1', supplier.id, assembly.id, { cardCount: 3 });
  await run(server, loop.id, 6); // six full pulls: use, start, finish
  await use(server, loop.id); // and one signal still waiting

  const metrics = new MetricsPage(page, server.url);
  await metrics.open();
  await expect(metrics.loopRow(loop.id)).toHaveAttribute('data-finished', '6');
  await expect(metrics.loopRow(loop.id)).toContainText('E2E-FLOW-1');
  await expect(metrics.stations).toContainText('Nordstahl (supplier)');

  await metrics.pickChartStation('Nordstahl (supplier)');
  await metrics.pickChartLoop('E2E-FLOW-1');
  await expectSeriesDrawn(metrics);
  await expect(metrics.summary('lead')).toContainText('E2E-FLOW-1: 6 cycles finished');
  await expect(metrics.summary('cfd')).toContainText(/Nordstahl \(supplier\): \d+ signals arrived and \d+ containers reached Done/);
  await expect(metrics.chart('lead')).toHaveAccessibleName('Lead time of E2E-FLOW-1 over time');

  // The CSV export is the window's events, for a lead's own spreadsheet.
  const href = await metrics.csv.getAttribute('href');
  expect(href).toMatch(/^\/api\/events\.csv\?from=/);
  const csv = await page.request.get(server.url + href!);
  expect(csv.status()).toBe(200);
  expect(await csv.text()).toMatch(/^seq,at,type,/);

  // Another window asks again and draws again.
  await metrics.pickWindow('Last 7 days');
  await expect(metrics.loopRow(loop.id)).toHaveAttribute('data-finished', '6');
  await expect.poll(() => metrics.seriesPixels('throughput', SERIES_RGB.throughput)).toBeGreaterThan(0);
});

test('the charts render with data from a run of the plant simulator', async ({ page, server, plant }) => {
  // Four simulated hours at 1200x (about 12 s): customers use, operators start and finish.
  const result = await simulate({ url: server.url, token: server.adminToken!, speed: 1200, minutes: 240, seed: 7, maxCommands: 2_000 });
  expect(result.finishes).toBeGreaterThan(0);
  const fg = plant.loop('FG-HC250');
  const metrics = new MetricsPage(page, server.url);
  await metrics.open();
  await metrics.pickChartStation('Final Assembly');
  await metrics.pickChartLoop('FG-HC250');
  const finished = Number(await metrics.loopRow(fg.id).getAttribute('data-finished'));
  expect(finished).toBeGreaterThan(0);
  await expect(metrics.summary('lead')).toContainText(/^FG-HC250: \d+ cycles finished/);
  await expect(metrics.summary('throughput')).toContainText(/^Final Assembly: \d+\.\d\d containers finished per hour/);
  await expectSeriesDrawn(metrics);
});

test('applying a sizing recommendation changes the card count on the lead board and the TV', async ({ page, server, plant, leadBoard, tv }) => {
  const supplier = plant.station('Nordstahl (supplier)');
  const assembly = plant.station('Final Assembly');
  // A long planned lead time and some demand: the Toyota form asks for more cards.
  const loop = await addLoop(server, 'E2E-SIZE-1', supplier.id, assembly.id, { cardCount: 3, containerQty: 4, leadTimeMinutes: 48 * 60 });
  for (let k = 0; k < 2; k++) await use(server, loop.id);

  await tv.open();
  await leadBoard.open();
  const inbound = page.getByTestId(`inbound-${loop.id}`);
  await expect(inbound).toContainText('of 3');
  const tvInbound = tv.station(assembly.id).locator('.tv-in', { hasText: 'E2E-SIZE-1' });
  await expect(tvInbound).toContainText('/3');

  await page.getByRole('link', { name: 'Metrics' }).click();
  const metrics = new MetricsPage(page, server.url);
  await expect(metrics.sizing).toBeVisible({ timeout: 30_000 });
  const row = metrics.sizingRow(loop.id);
  // 2 uses of 4 pieces in 8 h = 1 pc/h; 1 x 48 h x 1.1 / 4 = 13.2 -> 14 cards.
  await expect(row).toHaveAttribute('data-recommended', '14');
  await expect(row).toContainText('add 11');
  await metrics.safetyFactor.fill('0');
  await expect(row).toHaveAttribute('data-recommended', '12'); // 1 x 48 / 4 = 12
  await metrics.applySizing(loop.id);
  await expect(row).toContainText('E2E-SIZE-1 now has 12 cards.');
  await expect(row).toHaveAttribute('data-current', '12');

  // Every screen: the server's loop, the TV in its own context, the lead board again.
  const served = (await server.board()).loops.find((l) => l.id === loop.id)!;
  expect(served.cardCount).toBe(12);
  await expect(tvInbound).toContainText('/12');
  await page.getByRole('link', { name: 'Lead board' }).click();
  await expect(page.getByTestId(`inbound-${loop.id}`)).toContainText('of 12');
});

test('the what-if says which stations starve when Nordstahl stops for 6 hours, and leaves the board as it was', async ({ page, server, plant }) => {
  const supplier = plant.station('Nordstahl (supplier)');
  await simulate({ url: server.url, token: server.adminToken!, speed: 1200, minutes: 120, seed: 3, maxCommands: 1_000 });
  const before = await server.board();
  const metrics = new MetricsPage(page, server.url);
  await metrics.open();
  await page.getByTestId('whatif-station').selectOption({ label: supplier.name });
  await page.getByTestId('whatif-hours').fill('6');
  await page.getByRole('button', { name: 'Run the what-if' }).click();
  const result = page.getByTestId('whatif-result');
  await expect(result).toContainText('Simulated over', { timeout: 30_000 });
  // The words follow the server's answer for the same question (seeded: the same run).
  const answer = await server.api('POST', '/whatif', { stationId: supplier.id, durationMinutes: 360 });
  expect(answer.status).toBe(200);
  const starving: { stationId: string }[] = answer.body.stations;
  if (starving.length === 0) {
    await expect(result).toContainText('If Nordstahl (supplier) stops for 6 h, no station starves.');
  } else {
    await expect(result).toContainText('If Nordstahl (supplier) stops for 6 h:');
    const names = starving.map((s) => plant.board.stations.find((x) => x.id === s.stationId)!.name);
    for (const name of names) await expect(page.getByTestId('whatif-starved')).toContainText(`${name} starves after`);
  }
  // Nothing was sent to the board: the same seq, the same cards.
  const after = await server.board();
  expect(after.seq).toBe(before.seq);
  expect(after.cards).toEqual(before.cards);
});
