// A team lead configures the value stream from the board: station WIP limits and loops
// (create with inputs, change the card count). What the dialogs save is what the server
// then enforces.
import { Column } from '../shared/names.ts';
import { expect, test } from './fixtures.ts';

test.describe('configuration by a team lead', () => {
  test('sets a station\'s WIP limits in its dialog, and the board and server show them', async ({ server, plant, leadBoard }) => {
    const welding = plant.station('Welding');
    await leadBoard.open();
    await leadBoard.button(`Edit station ${welding.name}`).click();
    const dialog = leadBoard.page.getByRole('dialog');
    await dialog.getByLabel('In Progress').fill('5');
    await dialog.getByLabel('Done (supermarket)').fill('7');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(dialog).toHaveCount(0);

    await expect
      .poll(async () => (await server.board()).stations.find((s) => s.id === welding.id)!.wipLimits)
      .toEqual({ inProgress: 5, done: 7 });
    await expect(leadBoard.page.getByTestId(`column-${welding.id}-${Column.IN_PROGRESS}`)).toHaveAttribute('data-limit', '5');
  });

  test('creates a loop with an input loop, then adds a card to it', async ({ server, plant, leadBoard }) => {
    const machining = plant.station('Machining');
    const assembly = plant.station('Final Assembly');
    const bar = plant.loop('RM-4140-B50');
    await leadBoard.open();
    await leadBoard.button('Loops').click();
    const dialog = leadBoard.page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'New loop' }).click();
    const form = dialog.getByRole('form', { name: 'New loop' });
    await form.getByLabel('Part number').fill('MC-7788');
    await form.getByLabel('Part name').fill('Guide bushing');
    await form.getByLabel('Supplying station').selectOption({ label: machining.name });
    await form.getByLabel('Consuming station').selectOption({ label: assembly.name });
    await form.getByLabel('Cards').fill('3');
    await form.getByLabel('Container quantity (pcs)').fill('10');
    await form.getByLabel('Lead time (minutes)').fill('45');
    await form.getByRole('checkbox', { name: /RM-4140-B50/ }).check();
    await form.getByRole('button', { name: 'Create loop' }).click();

    const created = async () => (await server.board()).loops.find((l) => l.partNumber === 'MC-7788');
    await expect.poll(created).toMatchObject({
      supplierStationId: machining.id,
      consumerStationId: assembly.id,
      cardCount: 3,
      containerQty: 10,
      leadTimeMinutes: 45,
      inputLoopIds: [bar.id],
    });
    const loop = (await created())!;
    // A new loop starts full: all its cards in the supplier's Done.
    const cards = (await server.board()).cards.filter((c) => c.loopId === loop.id);
    expect(cards.map((c) => c.column)).toEqual([Column.DONE, Column.DONE, Column.DONE]);

    await dialog.getByRole('button', { name: 'Edit loop MC-7788' }).click();
    const edit = dialog.getByRole('form', { name: 'Edit loop MC-7788' });
    await edit.getByLabel('Cards').fill('4');
    await edit.getByRole('button', { name: 'Save loop' }).click();
    // The added card enters circulation as a replenishment signal.
    await expect
      .poll(async () => (await server.board()).cards.filter((c) => c.loopId === loop.id).map((c) => c.column).sort())
      .toEqual([Column.DONE, Column.DONE, Column.DONE, Column.REQUESTED]);
  });
});
