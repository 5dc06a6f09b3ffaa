// The wall TV at every size a plant hangs up: 1280x720, 1920x1080 and 3840x2160 (a 4K
// TV at device scale factor 1, which used to keep 1080p pixel sizes). Type is sized from
// the screen, so each size must read the same from 5 m: nothing cut off, station names
// at least 2.6 % of the height, no text under 1.6 %. Screenshots are kept at every size.
import type { Browser } from '@playwright/test';
import { expect, keepScreenshot, test } from './fixtures.ts';
import type { TestServer } from './fixtures.ts';
import { WallTvPage } from './pages/wallTv.ts';

const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
  { width: 3840, height: 2160 },
] as const;

/** Station names: at least this share of the window's height. */
const NAME_MIN = 0.026;
/** Any visible text: at least this share of the window's height. */
const TEXT_MIN = 0.016;
/** The andon banner: at most this share of the window's height. */
const BANNER_MAX = 0.2;

type Size = (typeof SIZES)[number];

/** The wall TV in a browser context of its own at one size, device scale factor 1. */
async function withTvAt(browser: Browser, server: TestServer, size: Size, run: (tv: WallTvPage) => Promise<void>): Promise<void> {
  const context = await browser.newContext({ viewport: size, deviceScaleFactor: 1 });
  try {
    await server.signIn(context);
    const tv = new WallTvPage(await context.newPage(), server.url);
    await tv.open();
    await run(tv);
  } finally {
    await context.close();
  }
}

/** What a person 5 m away would check on any page of the TV. */
async function expectReadable(tv: WallTvPage): Promise<void> {
  const size = await tv.overflow();
  expect(size.scrollHeight).toBeLessThanOrEqual(size.innerHeight);
  expect(size.scrollWidth).toBeLessThanOrEqual(size.innerWidth);
  const cut = await tv.cutText();
  expect(cut.clipped).toEqual([]);
  // Only a free-text andon note may give way to "…"; part numbers, names and marks never.
  expect(cut.ellipsis.filter((e) => !e.where.includes('tv-andon-note'))).toEqual([]);
  expect(await tv.cutVertically()).toEqual([]);
  expect(await tv.smallestNameRatio()).toBeGreaterThanOrEqual(NAME_MIN);
  expect(await tv.textSmallerThan(TEXT_MIN)).toEqual([]);
  await expect(tv.page.getByTestId('tv-legend')).toBeInViewport({ ratio: 1 });
}

for (const size of SIZES) {
  const at = `${size.width}x${size.height}`;

  test.describe(`wall TV at ${at}`, () => {
    test(`shows every station with type sized from the screen and nothing cut off`, async ({ browser, server }, testInfo) => {
      const board = await server.board();
      await withTvAt(browser, server, size, async (tv) => {
        await tv.expectShows(board);
        await keepScreenshot(tv.page, `tv-size-${at}`, testInfo);
        expect(await tv.paging()).toBeNull();
        for (const s of board.stations) await expect(tv.station(s.id)).toBeInViewport({ ratio: 1 });
        await expectReadable(tv);
      });
    });

    test(`with four andons raised, every station row stays on screen and the stopped one says STOP`, async ({
      browser,
      server,
      plant,
    }, testInfo) => {
      const welding = plant.station('Welding');
      const note = 'Operator needs the team lead at the press, urgent: tool broken';
      const calls = [
        { station: welding, kind: 'stop', note: '' },
        { station: plant.station('Paint'), kind: 'help', note },
        { station: plant.station('Final Assembly'), kind: 'help', note },
        { station: plant.station('Machining'), kind: 'material', note },
      ];
      for (const c of calls) {
        const res = await server.api('POST', `/stations/${c.station.id}/andon`, { kind: c.kind, note: c.note });
        expect(res.status).toBe(200);
      }
      await withTvAt(browser, server, size, async (tv) => {
        for (const c of calls) await expect(tv.page.getByTestId(`andon-${c.station.id}`)).toHaveAttribute('data-kind', c.kind);
        for (const c of calls) await expect(tv.station(c.station.id).getByTestId('tv-andon')).toHaveAttribute('data-kind', c.kind);
        await keepScreenshot(tv.page, `tv-size-${at}-four-andons`, testInfo);

        for (const s of plant.board.stations) await expect(tv.station(s.id)).toBeInViewport({ ratio: 1 });
        const stopped = tv.station(welding.id);
        await expect(stopped.getByTestId('tv-andon')).toHaveText(/STOP/);
        await expect(stopped).not.toContainText('Flowing');
        expect(await tv.bannerRatio()).toBeGreaterThan(0);
        expect(await tv.bannerRatio()).toBeLessThanOrEqual(BANNER_MAX);
        await expectReadable(tv);
      });
    });
  });
}

test.describe('wall TV of a large plant', () => {
  test.use({ serverOptions: { seed: 'none' } });

  test('20 stations and 40 loops: every station is shown across the pages, with nothing cut off', async ({
    browser,
    server,
  }, testInfo) => {
    const plant = await buildLargePlant(server);
    expect(plant.stations).toHaveLength(20);
    expect(plant.loops).toHaveLength(40);
    const stopped = plant.stations[7]!;
    expect((await server.api('POST', `/stations/${stopped.id}/andon`, { kind: 'stop', note: '' })).status).toBe(200);

    for (const size of [SIZES[0], SIZES[1]]) {
      const at = `${size.width}x${size.height}`;
      await withTvAt(browser, server, size, async (tv) => {
        await tv.page.clock.install();
        await tv.page.reload();
        await tv.expectLive();
        const seen = new Set<string>();
        const first = await tv.paging();
        const pages = first?.pages ?? 1;
        for (let i = 0; i < pages; i++) {
          const shown = await tv.shownStationIds();
          expect(shown.length).toBeGreaterThan(0);
          for (const id of shown) {
            seen.add(id);
            await expect(tv.station(id)).toBeInViewport({ ratio: 1 });
          }
          if (shown.includes(stopped.id)) await expect(tv.station(stopped.id).getByTestId('tv-andon')).toHaveText(/STOP/);
          await keepScreenshot(tv.page, `tv-size-${at}-20-stations-page-${i + 1}`, testInfo);
          await expectReadable(tv);
          if (pages > 1) {
            // The next page, on the screen's own clock (the test moves it on; it does not wait).
            const now = (await tv.paging())!.page;
            await tv.page.clock.runFor(15_000);
            await expect(tv.page.getByTestId('tv-page')).not.toHaveAttribute('data-page', String(now));
          }
        }
        expect([...seen].sort()).toEqual(plant.stations.map((s) => s.id).sort());
      });
    }
  });

  test('with a call at every one of 20 stations, the banner keeps to a fifth of the screen and says how many more', async ({
    browser,
    server,
  }, testInfo) => {
    const plant = await buildLargePlant(server);
    const kinds = ['stop', 'help', 'material'] as const;
    for (const [k, s] of plant.stations.entries()) {
      const res = await server.api('POST', `/stations/${s.id}/andon`, { kind: kinds[k % 3], note: `Call ${k + 1}` });
      expect(res.status).toBe(200);
    }
    await withTvAt(browser, server, SIZES[0], async (tv) => {
      const more = tv.page.getByTestId('andon-more');
      await expect(more).toBeVisible();
      await keepScreenshot(tv.page, 'tv-size-1280x720-20-calls', testInfo);
      expect(await tv.bannerRatio()).toBeLessThanOrEqual(BANNER_MAX);
      // The calls shown and the "+N more" add up to all twenty, line stops first.
      const shown = tv.page.getByTestId('andon-banner').locator('li[data-kind]');
      const hidden = Number((await more.textContent())!.match(/\+(\d+) more/)![1]);
      expect((await shown.count()) + hidden).toBe(20);
      await expect(shown.first()).toHaveAttribute('data-kind', 'stop');
      // Each row on show says its own call.
      for (const id of await tv.shownStationIds()) await expect(tv.station(id).getByTestId('tv-andon')).toBeVisible();
      await expectReadable(tv);
    });
  });
});

interface Created {
  id: string;
  name: string;
}

/**
 * A plant of 20 stations (a supplier, 18 processes, a customer) and 40 loops, made
 * through the HTTP API; some loops used up so marks and chips show.
 */
async function buildLargePlant(server: TestServer): Promise<{ stations: Created[]; loops: Created[] }> {
  const names = [
    'Laser cutting',
    'Punching',
    'Press brake 2',
    'Deburring',
    'CNC turning',
    'CNC milling cell A',
    'Robot weld cell',
    'Manual welding',
    'Grinding',
    'Washing',
    'Powder coating line',
    'Curing oven',
    'Sub-assembly',
    'Hydraulic test',
    'Final assembly line 3',
    'Inspection',
    'Labelling',
    'Packing',
  ];
  const create = async (name: string, kind: string) => {
    const res = await server.api('POST', '/stations', { name, kind });
    expect(res.status).toBe(201);
    return { id: String(res.body.id), name };
  };
  const stations: Created[] = [await create('Steel supplier', 'supplier')];
  for (const n of names) stations.push(await create(n, 'process'));
  stations.push(await create('Shipping dock', 'customer'));

  const loops: (Created & { consumerStationId: string })[] = [];
  for (let i = 0; i < 40; i++) {
    // Two loops from each station to the next (19 links), and two more into assembly.
    const link = i < 38 ? Math.floor(i / 2) : 13;
    const supplier = stations[link]!;
    const consumer = stations[i < 38 ? link + 1 : 15]!;
    const partNumber = `${i % 2 === 0 ? 'MC' : 'RM'}-${3100 + i * 7}${i % 3 === 0 ? '-B50' : ''}`;
    const res = await server.api('POST', '/loops', {
      partNumber,
      supplierStationId: supplier.id,
      consumerStationId: consumer.id,
      cardCount: 3 + (i % 4),
      containerQty: 10,
      leadTimeMinutes: 60,
      // What the supplier uses to make it: the loops that feed the supplier.
      inputLoopIds: loops.filter((l) => l.consumerStationId === supplier.id).map((l) => l.id),
    });
    expect(res.status).toBe(201);
    loops.push({ id: String(res.body.loop.id), name: partNumber, consumerStationId: consumer.id });
  }
  // Use some containers: signals in Requested upstream, and a few loops used up (starved).
  for (const [k, loop] of loops.entries()) {
    const uses = k % 5 === 0 ? 6 : k % 3;
    for (let u = 0; u < uses; u++) {
      const res = await server.api('POST', `/loops/${loop.id}/consume`);
      if (res.status !== 200) break; // none full left
    }
  }
  return { stations, loops };
}
