// The team lead's board in a desktop browser, against the real server: mouse and
// keyboard drag and drop, and what a WIP refusal looks like.
import { Column } from '../shared/names.ts';
import { compareRank } from '../shared/ordering.ts';
import { cardOf, cardsIn, expect, test } from './fixtures.ts';
import { SocketTap } from './pages/socketTap.ts';

test.describe('lead board', () => {
  test('opens live, with one lane per station from upstream to downstream', async ({ server, leadBoard }) => {
    await leadBoard.open();
    await expect(leadBoard.page).toHaveTitle('Lead board — Pullboard');
    const board = await server.board();
    expect(board.stations).toHaveLength(6);
    const upstreamFirst = [...board.stations].sort((a, b) => a.position - b.position).map((s) => `lane-${s.id}`);
    await expect(leadBoard.page.locator('[data-testid^="lane-"]')).toHaveCount(upstreamFirst.length);
    const lanes = await leadBoard.page
      .locator('[data-testid^="lane-"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    expect(lanes).toEqual(upstreamFirst);
    await expect(leadBoard.alerts).toBeEmpty();
  });
});

test.describe('lead board: drag and drop', () => {
  test('a card dragged with the mouse from Requested to In Progress appears on the wall TV and on the server', async ({
    server,
    plant,
    leadBoard,
    tv,
  }) => {
    const machining = plant.station('Machining');
    const supplier = plant.station('Nordstahl (supplier)');
    const barrel = plant.card('MC-3105', 1);
    expect(barrel).toMatchObject({ stationId: machining.id, column: Column.REQUESTED });
    const requested = cardsIn(plant.board, machining.id, Column.REQUESTED).length;
    const inProgress = cardsIn(plant.board, machining.id, Column.IN_PROGRESS).length;
    const supplierRequested = cardsIn(plant.board, supplier.id, Column.REQUESTED).length;

    await tv.open();
    await leadBoard.open();
    await leadBoard.dragWithMouse(barrel.id, machining.id, Column.IN_PROGRESS);

    await expect(leadBoard.card(barrel.id)).toHaveAttribute('data-column', Column.IN_PROGRESS);
    await tv.expectCount(machining.id, Column.REQUESTED, requested - 1);
    await tv.expectCount(machining.id, Column.IN_PROGRESS, inProgress + 1);
    // Starting a barrel used a full container of tube: its card went back to the supplier.
    await tv.expectCount(supplier.id, Column.REQUESTED, supplierRequested + 1);
    await expect.poll(async () => cardOf(await server.board(), barrel.id).column).toBe(Column.IN_PROGRESS);
    await tv.expectShows(await server.board());
  });

  test('a card moved with the keyboard alone lands in the next column, and each step is spoken with the column and a 1-based position', async ({
    server,
    plant,
    leadBoard,
  }) => {
    const machining = plant.station('Machining');
    const barrel = plant.card('MC-3105', 1);
    const name = plant.cardName(barrel); // "MC-3105 card 1 / 4"
    const alreadyInProgress = cardsIn(plant.board, machining.id, Column.IN_PROGRESS);
    expect(alreadyInProgress).toHaveLength(1);

    await leadBoard.open();
    await leadBoard.listenToAnnouncements();
    const handle = leadBoard.handle(barrel.id);
    await handle.focus();
    await expect(handle).toBeFocused();

    await leadBoard.page.keyboard.press('Space');
    await expect(leadBoard.card(barrel.id)).toHaveClass(/\bis-dragging\b/);
    await leadBoard.page.keyboard.press('ArrowRight');
    // Left and right keep the position: first place, ahead of the rod already in progress.
    await expect(leadBoard.announcements).toHaveText(`${name} is over In Progress, position 1 of 2.`);
    await leadBoard.page.keyboard.press('Space');
    await expect(leadBoard.announcements).toHaveText(`${name} was dropped in In Progress, position 1 of 2.`);

    await expect(leadBoard.card(barrel.id)).toHaveAttribute('data-column', Column.IN_PROGRESS);
    // Focus stays on the moved card, so a keyboard user can carry on from there.
    await expect(leadBoard.handle(barrel.id)).toBeFocused();
    await expect.poll(async () => cardOf(await server.board(), barrel.id).column).toBe(Column.IN_PROGRESS);
    const order = cardsIn(await server.board(), machining.id, Column.IN_PROGRESS)
      .sort((a, b) => compareRank(a.rank, b.rank))
      .map((c) => c.id);
    expect(order).toEqual([barrel.id, alreadyInProgress[0]!.id]);
    expect(await leadBoard.heard()).toEqual(
      expect.arrayContaining([
        `${name} is over In Progress, position 1 of 2.`,
        `${name} was dropped in In Progress, position 1 of 2.`,
      ]),
    );
  });

  test('picking a card up with the keyboard is spoken before anything else', async ({ plant, leadBoard }) => {
    const barrel = plant.card('MC-3105', 1);
    const name = plant.cardName(barrel);

    await leadBoard.open();
    await leadBoard.listenToAnnouncements();
    await leadBoard.handle(barrel.id).focus();
    await leadBoard.page.keyboard.press('Space');
    await expect(leadBoard.card(barrel.id)).toHaveClass(/\bis-dragging\b/);
    await leadBoard.page.keyboard.press('Escape');
    await expect(leadBoard.announcements).toHaveText(
      `Moving ${name} was cancelled. It stays in Requested, position 1 of 1.`,
    );

    // The live region keeps only its latest text: a line replaced before it is rendered
    // is never read out. The pick-up line must survive until the next key press.
    expect((await leadBoard.heard())[0]).toBe(`Picked up ${name} in Requested, position 1 of 1.`);
  });
});

test.describe('lead board: WIP limits', () => {
  test('a start over a hard WIP limit is refused, explained with the figures, and changes nothing', async ({
    server,
    plant,
    leadBoard,
  }) => {
    const assembly = plant.station('Final Assembly');
    const job = plant.card('FG-HC250', 2);
    expect(job).toMatchObject({ stationId: assembly.id, column: Column.REQUESTED });
    const n = cardsIn(plant.board, assembly.id, Column.IN_PROGRESS).length;

    await leadBoard.open();
    const patched = await server.api('PATCH', `/stations/${assembly.id}`, { wipLimits: { inProgress: n } });
    expect(patched.status).toBe(200);
    const inProgress = leadBoard.column(assembly.id, Column.IN_PROGRESS);
    await expect(inProgress).toHaveAttribute('data-limit', String(n));
    await expect(inProgress).toHaveAttribute('data-limit-state', 'at');
    const before = await server.board();

    await leadBoard.button(`Start ${plant.cardName(job)}`).click();

    await expect(leadBoard.alerts).toContainText(`Start ${plant.cardName(job)} refused`);
    await expect(leadBoard.alerts).toContainText(`WIP limit reached: Final Assembly In Progress is full (${n} / ${n})`);
    await expect(leadBoard.card(job.id)).toHaveAttribute('data-column', Column.REQUESTED);
    await expect(leadBoard.card(job.id)).toHaveAttribute('data-pending', 'false');
    await leadBoard.expectCount(assembly.id, Column.IN_PROGRESS, n);
    await leadBoard.expectCount(assembly.id, Column.REQUESTED, cardsIn(before, assembly.id, Column.REQUESTED).length);
    expect(await server.board()).toEqual(before);
  });

  test('a screen that has not yet heard of a new limit shows the drop at once, then takes it back when the server refuses', async ({
    server,
    plant,
    leadBoard,
  }) => {
    const assembly = plant.station('Final Assembly');
    const job = plant.card('FG-HC250', 2);
    const n = cardsIn(plant.board, assembly.id, Column.IN_PROGRESS).length;
    const link = await SocketTap.attach(leadBoard.page);
    await leadBoard.open();

    // Nothing from the server reaches this screen for a moment: it still shows the old limit.
    link.holdFromServer();
    const patched = await server.api('PATCH', `/stations/${assembly.id}`, { wipLimits: { inProgress: n } });
    expect(patched.status).toBe(200);
    const before = await server.board();
    await leadBoard.dragWithMouse(job.id, assembly.id, Column.IN_PROGRESS);

    // Shown at once, marked as not yet confirmed.
    await expect(leadBoard.card(job.id)).toHaveAttribute('data-column', Column.IN_PROGRESS);
    await expect(leadBoard.card(job.id)).toHaveAttribute('data-pending', 'true');
    await expect.poll(() => link.sentCount('card:move')).toBe(1);

    link.release();
    await expect(leadBoard.card(job.id)).toHaveAttribute('data-column', Column.REQUESTED);
    await expect(leadBoard.card(job.id)).toHaveAttribute('data-pending', 'false');
    await expect(leadBoard.alerts).toContainText(`WIP limit reached: Final Assembly In Progress is full (${n} / ${n})`);
    await expect(leadBoard.column(assembly.id, Column.IN_PROGRESS)).toHaveAttribute('data-limit-state', 'at');
    await leadBoard.expectCount(assembly.id, Column.IN_PROGRESS, n);
    expect(await server.board()).toEqual(before);
  });
});

test.describe('lead board: search', () => {
  test('a part number shows only its cards, in the lanes that make or use it, says how many, and Escape clears it', async ({
    server,
    plant,
    leadBoard,
  }) => {
    const barrels = plant.loop('MC-3105');
    const machining = plant.station('Machining');
    const welding = plant.station('Welding');
    const theirs = plant.board.cards.filter((c) => c.loopId === barrels.id).map((c) => c.id).sort();
    expect(theirs.length).toBeGreaterThan(1);
    await leadBoard.open();
    await expect(leadBoard.searchSummary).toBeEmpty();

    await leadBoard.search.fill('mc-3105');
    await expect(leadBoard.searchSummary).toHaveText(`${theirs.length} cards match in 2 stations.`);
    await expect.poll(() => leadBoard.visibleLanes()).toEqual([machining.id, welding.id]);
    expect((await leadBoard.visibleCards()).sort()).toEqual(theirs);
    // The user of the part shows its inbound entry; the limit badge still counts every card.
    await expect(leadBoard.lane(welding.id).getByTestId(`inbound-${barrels.id}`)).toBeVisible();
    await expect(leadBoard.lane(welding.id).locator('.inbound-loop')).toHaveCount(1);
    const done = cardsIn(plant.board, machining.id, Column.DONE);
    await expect(leadBoard.column(machining.id, Column.DONE)).toHaveAttribute('data-count', String(done.length));
    await expect(leadBoard.column(machining.id, Column.DONE)).toHaveAttribute(
      'data-shown',
      String(done.filter((c) => c.loopId === barrels.id).length),
    );

    // A move made elsewhere shows in the filtered board.
    const barrel = plant.card('MC-3105', 1);
    expect((await server.api('POST', `/cards/${barrel.id}/move`, { to: Column.IN_PROGRESS })).status).toBe(200);
    await expect(leadBoard.column(machining.id, Column.IN_PROGRESS).getByTestId(`card-${barrel.id}`)).toBeVisible();
    expect((await leadBoard.visibleCards()).sort()).toEqual(theirs);

    await leadBoard.search.press('Escape');
    await expect(leadBoard.search).toHaveValue('');
    await expect(leadBoard.searchSummary).toBeEmpty();
    await expect.poll(async () => (await leadBoard.visibleCards()).length).toBe(plant.board.cards.length);
    expect(await leadBoard.visibleLanes()).toHaveLength(plant.board.stations.length);
  });

  test('a station name shows its whole lane, a part name every loop that has it, and nothing says so', async ({ plant, leadBoard }) => {
    const welding = plant.station('Welding');
    await leadBoard.open();

    await leadBoard.search.fill('  WELDING ');
    await expect.poll(() => leadBoard.visibleLanes()).toEqual([welding.id]);
    const atWelding = plant.board.cards.filter((c) => c.stationId === welding.id).map((c) => c.id).sort();
    expect((await leadBoard.visibleCards()).sort()).toEqual(atWelding);
    await expect(leadBoard.searchSummary).toHaveText(`${atWelding.length} card${atWelding.length === 1 ? ' matches' : 's match'} in 1 station.`);

    // "honed": the barrel (Cylinder barrel, honed) and the tube it is made of (E355 honed tube).
    await leadBoard.search.fill('honed');
    const honed = [plant.loop('MC-3105').id, plant.loop('RM-E355-T80').id];
    const cards = plant.board.cards.filter((c) => honed.includes(c.loopId)).map((c) => c.id).sort();
    await expect(leadBoard.searchSummary).toHaveText(`${cards.length} cards match in 3 stations.`);
    expect((await leadBoard.visibleCards()).sort()).toEqual(cards);
    expect(await leadBoard.visibleLanes()).toEqual(
      ['Nordstahl (supplier)', 'Machining', 'Welding'].map((n) => plant.station(n).id),
    );

    await leadBoard.search.fill('no such part');
    await expect(leadBoard.searchSummary).toHaveText('Nothing matches “no such part”.');
    await expect.poll(() => leadBoard.visibleLanes()).toEqual([]);
    await leadBoard.page.getByTestId('no-match').getByRole('button', { name: 'Clear the search' }).click();
    await expect(leadBoard.search).toHaveValue('');
    await expect.poll(async () => (await leadBoard.visibleCards()).length).toBe(plant.board.cards.length);
  });
});

test.describe('lead board: legend', () => {
  test('the legend, closed at first, explains every mark the board draws', async ({ leadBoard }) => {
    await leadBoard.open();
    await expect(leadBoard.legendButton).toHaveAttribute('aria-expanded', 'false');
    await expect(leadBoard.legend).toBeHidden();

    await leadBoard.legendButton.click();
    await expect(leadBoard.legendButton).toHaveAttribute('aria-expanded', 'true');
    await expect(leadBoard.legend).toBeVisible();
    for (const mark of [
      'Requested',
      'In Progress',
      'Done',
      '3 / 5',
      'Overdue',
      'Lost?',
      'Full',
      'Sending…',
      'Pending',
      'At limit',
      'Over limit',
      'soft limit',
      'Starved',
      'overdue',
      'Empty',
      'Line stop',
      'Help needed',
      'Material call',
    ]) {
      await expect(leadBoard.legend.locator('dt', { hasText: mark }).first()).toBeVisible();
    }
    // Drawn with the board's own classes, so it looks like what it explains.
    const overdue = leadBoard.page.locator('.lanes [data-testid="overdue"]').first();
    await expect(overdue).toBeVisible();
    const colour = (l: typeof overdue) => l.evaluate((e) => getComputedStyle(e).color);
    expect(await colour(leadBoard.legend.locator('.age-overdue'))).toBe(await colour(overdue));

    await leadBoard.legendButton.click();
    await expect(leadBoard.legend).toBeHidden();
  });
});
