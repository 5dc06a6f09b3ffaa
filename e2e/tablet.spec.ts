// A station's tablet at 1024x768, used with a finger (or a glove): Start, Finish and Use
// buttons, touch targets of at least 44 px, and the material call when an input is empty.
import { Column } from '../shared/names.ts';
import { cardOf, cardsIn, expect, test } from './fixtures.ts';

/** Apple's and WCAG 2.5.5's minimum touch target, and what the design asks for. */
const MIN_TARGET = 44;

test.describe('station tablet', () => {
  test('Use at the consuming station sends the card back to its supplier, and the wall TV shows the new request', async ({
    server,
    plant,
    tablet,
    tv,
  }) => {
    const assembly = plant.station('Final Assembly');
    const machining = plant.station('Machining');
    const rods = plant.loop('MC-2201');
    expect(rods).toMatchObject({ supplierStationId: machining.id, consumerStationId: assembly.id });
    // Use takes the oldest full container (first in, first out).
    const full = cardsIn(plant.board, machining.id, Column.DONE)
      .filter((c) => c.loopId === rods.id)
      .sort((a, b) => a.enteredSeq - b.enteredSeq);
    const oldest = full[0]!;
    const requested = cardsIn(plant.board, machining.id, Column.REQUESTED).length;

    await tv.open();
    await tablet.open(assembly.id);
    await expect(tablet.inbound(rods.id)).toHaveAttribute('data-full', String(full.length));

    await tablet.tap(`Use ${rods.partNumber}`);

    await expect(tablet.inbound(rods.id)).toHaveAttribute('data-full', String(full.length - 1));
    await tv.expectCount(machining.id, Column.REQUESTED, requested + 1);
    await expect
      .poll(async () => cardOf(await server.board(), oldest.id))
      .toMatchObject({ stationId: machining.id, column: Column.REQUESTED, cycle: oldest.cycle + 1 });
    await tv.expectShows(await server.board());
  });

  test('Start and Finish move a card through the station, on the tablet and on the server', async ({
    server,
    plant,
    tablet,
  }) => {
    const machining = plant.station('Machining');
    const barrel = plant.card('MC-3105', 1);
    expect(barrel).toMatchObject({ stationId: machining.id, column: Column.REQUESTED });
    const name = plant.cardName(barrel);
    const done = cardsIn(plant.board, machining.id, Column.DONE).length;

    await tablet.open(machining.id);
    await tablet.tap(`Start ${name}`);
    await expect(tablet.card(barrel.id)).toHaveAttribute('data-column', Column.IN_PROGRESS);
    await expect(tablet.column(machining.id, Column.IN_PROGRESS).getByTestId(`card-${barrel.id}`)).toBeVisible();
    await expect.poll(async () => cardOf(await server.board(), barrel.id).column).toBe(Column.IN_PROGRESS);

    await tablet.tap(`Finish ${name}`);
    await expect(tablet.card(barrel.id)).toHaveAttribute('data-column', Column.DONE);
    await expect(tablet.column(machining.id, Column.DONE)).toHaveAttribute('data-count', String(done + 1));
    await expect
      .poll(async () => cardOf(await server.board(), barrel.id))
      .toMatchObject({ column: Column.DONE, cycle: barrel.cycle });
    await expect(tablet.card(barrel.id)).toHaveAttribute('data-pending', 'false');
  });

  test('a card dragged with a finger (press, hold, slide) moves to the next column', async ({ server, plant, tablet }) => {
    const machining = plant.station('Machining');
    const barrel = plant.card('MC-3105', 1);
    expect(barrel).toMatchObject({ stationId: machining.id, column: Column.REQUESTED });

    await tablet.open(machining.id);
    await tablet.dragWithFinger(barrel.id, machining.id, Column.IN_PROGRESS);

    await expect(tablet.card(barrel.id)).toHaveAttribute('data-column', Column.IN_PROGRESS);
    await expect.poll(async () => cardOf(await server.board(), barrel.id).column).toBe(Column.IN_PROGRESS);
  });

  test('every button, link and card a finger can hit is at least 44 x 44 px', async ({ plant, tablet }) => {
    const small: { station: string; name: string; width: number; height: number }[] = [];
    for (const station of ['Final Assembly', 'Machining']) {
      await tablet.open(plant.station(station).id);
      const targets = await tablet.touchTargets();
      expect(targets.length).toBeGreaterThan(3);
      for (const t of targets) if (t.width < MIN_TARGET || t.height < MIN_TARGET) small.push({ station, ...t });
    }
    expect(small, `touch targets under ${MIN_TARGET} px`).toEqual([]);
  });

  test('an input loop with no full container shows a material call, and a start there is refused as starved', async ({
    server,
    plant,
    tablet,
    tv,
  }) => {
    const assembly = plant.station('Final Assembly');
    const rods = plant.loop('MC-2201');
    const job = plant.card('FG-HC250', 2);
    expect(job).toMatchObject({ stationId: assembly.id, column: Column.REQUESTED });
    const full = cardsIn(plant.board, rods.supplierStationId, Column.DONE).filter((c) => c.loopId === rods.id).length;
    expect(full).toBeGreaterThan(0);

    await tablet.open(assembly.id);
    await tv.open();
    await expect(tablet.materialCall).toBeHidden();
    for (let i = 0; i < full; i++) {
      const used = await server.api('POST', `/loops/${rods.id}/consume`);
      expect(used.status).toBe(200);
    }

    await expect(tablet.materialCall).toBeVisible();
    await expect(tablet.materialCall).toContainText('Starved');
    await expect(tablet.materialCall).toContainText('MC-2201 from Machining');
    await expect(tablet.inbound(rods.id)).toHaveAttribute('data-full', '0');
    await expect(tablet.button(`Use ${rods.partNumber}`)).toBeDisabled();
    await expect(tv.station(assembly.id).getByTestId('tv-starved')).toContainText('STARVED: MC-2201');

    const before = await server.board();
    await tablet.tap(`Start ${plant.cardName(job)}`);
    await expect(tablet.alerts).toContainText('Starved: no full container of MC-2201');
    const dismiss = await tablet.alerts.getByRole('button', { name: 'Dismiss' }).boundingBox();
    expect(Math.min(dismiss!.width, dismiss!.height)).toBeGreaterThanOrEqual(MIN_TARGET);
    await expect(tablet.card(job.id)).toHaveAttribute('data-column', Column.REQUESTED);
    expect(await server.board()).toEqual(before);
  });
});
