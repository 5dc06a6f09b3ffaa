// Live risk without polling: a card that passes its loop's lead time turns overdue on the
// wall TV at that moment, with no reload and no server round trip. The TV's clock is
// Playwright's (page.clock): time moves only when the test moves it, so "at that moment"
// is checked to the millisecond, not by waiting a minute.
import { cardOf, expect, test } from './fixtures.ts';
import { addLoop, use } from './plantDriver.ts';

test('a card ages past its lead time and turns overdue on the TV without a reload', async ({ server, plant, tv }) => {
  // A loop of the test's own with a lead time of one minute, supplied by a station whose
  // Requested column is empty in the demo (its chip is not among "+N more").
  const supplier = plant.station('Welding');
  const paint = plant.station('Paint');
  const loop = await addLoop(server, 'E2E-LATE-1', supplier.id, paint.id, { cardCount: 2, leadTimeMinutes: 1 });
  await tv.page.clock.install();
  await tv.open();
  const cardId = await use(server, loop.id); // a replenishment signal at the supplier
  const requestedAt = Date.parse(cardOf(await server.board(), cardId).requestedAt!);
  const chip = tv.cell(supplier.id, 'requested').locator('.tv-chip', { hasText: 'E2E-LATE-1' });
  await expect(chip).toBeVisible();
  await expect(chip).not.toContainText('late');

  // Overdue is age > lead time: the first millisecond after one minute.
  const due = requestedAt + 60_000 + 1;
  await tv.page.clock.pauseAt(due - 2_000);
  await tv.page.clock.runFor(1_999); // one millisecond before: still on time
  await expect(chip).not.toContainText('late');
  // The station's mark counts its overdue cards (the demo has some of its own already).
  const mark = tv.station(supplier.id).getByTestId('tv-overdue');
  const before = (await mark.count()) === 0 ? 0 : Number(/(\d+) OVERDUE/.exec(await mark.innerText())?.[1]);
  await tv.page.clock.runFor(1); // the moment it passes its lead time
  await expect(chip).toContainText('1 late');
  await expect(mark).toContainText(`${before + 1} OVERDUE`);
});
