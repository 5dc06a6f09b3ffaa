// Andon: a station's tablet raises a line stop or a call, every screen shows it until
// it is cleared, and the log records how long it lasted.
import { expect, keepScreenshot, test } from './fixtures.ts';

test.describe('andon', () => {
  test('a line stop raised on a tablet shows on the wall TV and the lead board until the tablet clears it', async ({
    server,
    plant,
    tablet,
    tv,
    leadBoard,
  }, testInfo) => {
    const welding = plant.station('Welding');
    await tv.open();
    await leadBoard.open();
    await tablet.open(welding.id);
    await expect(tv.page.getByTestId('andon-banner')).toHaveCount(0);

    await tablet.tap('Stop line');

    const onTv = tv.page.getByTestId(`andon-${welding.id}`);
    await expect(onTv).toHaveAttribute('data-kind', 'stop');
    await expect(onTv).toContainText('LINE STOP');
    await expect(onTv).toContainText('Welding');
    await expect(leadBoard.page.getByTestId(`andon-${welding.id}`)).toContainText('LINE STOP');
    await expect(tablet.button('Clear line stop')).toBeVisible();
    expect((await server.board()).stations.find((s) => s.id === welding.id)!.andon).toMatchObject({ kind: 'stop' });
    // The TV still fits the screen with the banner showing.
    expect(await tv.page.evaluate(() => document.scrollingElement!.scrollHeight <= window.innerHeight)).toBe(true);
    await keepScreenshot(tv.page, 'wall-tv-andon-1920x1080', testInfo);
    await keepScreenshot(tablet.page, 'tablet-welding-andon-1024x768', testInfo);

    // Escalate is possible too, but here the tablet clears the stop.
    const clear = tablet.button('Clear line stop');
    const box = await clear.boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(44);
    await tablet.tap('Clear line stop');

    await expect(onTv).toHaveCount(0);
    await expect(leadBoard.page.getByTestId('andon-banner')).toHaveCount(0);
    const events = (await server.api('GET', '/events?after=0&limit=1000')).body.events as Array<{ type: string; durationSeconds?: number }>;
    const cleared = events.filter((e) => e.type === 'andon.cleared');
    expect(cleared).toHaveLength(1);
    expect(cleared[0]!.durationSeconds).toBeGreaterThanOrEqual(0);
  });

  test('a lead can clear a call from the board', async ({ server, plant, leadBoard }) => {
    const paint = plant.station('Paint');
    expect((await server.api('POST', `/stations/${paint.id}/andon`, { kind: 'material', note: 'Powder low' })).status).toBe(200);
    await leadBoard.open();
    const banner = leadBoard.page.getByTestId(`andon-${paint.id}`);
    await expect(banner).toContainText('MATERIAL CALL');
    await expect(banner).toContainText('Powder low');
    await leadBoard.page.getByRole('button', { name: 'Clear material call' }).click();
    await expect(banner).toHaveCount(0);
    expect((await server.board()).stations.find((s) => s.id === paint.id)!.andon).toBeNull();
  });
});
