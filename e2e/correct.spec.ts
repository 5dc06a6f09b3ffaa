// Configuration that can be corrected, from the lead board: a station's kind, its place,
// a WIP limit of 0 refused in words, removing a station, retiring a loop, and the warning
// for a second loop of the same part between the same two stations.
import { Column, StationKind } from '../shared/names.ts';
import { expect, test } from './fixtures.ts';

test.describe('correcting the configuration', () => {
  test("a station's kind and place are corrected, a WIP limit of 0 is refused in words, an unused station is removed", async ({
    server,
    leadBoard,
  }) => {
    const made = await server.api('POST', '/stations', { name: 'Paint shop' });
    expect(made.status).toBe(201);
    const paint: { id: string; name: string } = made.body;
    await leadBoard.open();
    await leadBoard.button(`Edit station ${paint.name}`).click();
    const dialog = leadBoard.page.getByRole('dialog');

    await dialog.getByLabel('In Progress').fill('0');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(dialog.getByText('A WIP limit of 0 would lock the column: leave it empty for no limit.')).toBeVisible();
    await dialog.getByLabel('In Progress').fill('');

    await dialog.getByLabel('Kind').selectOption({ label: 'External supplier' });
    await expect(dialog.getByText('Saving moves the station to where this kind stands')).toBeVisible();
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(dialog).toHaveCount(0);
    await expect
      .poll(async () => {
        const b = await server.board();
        const st = b.stations.find((s) => s.id === paint.id)!;
        const suppliers = b.stations.filter((s) => s.kind === StationKind.SUPPLIER).length;
        return { kind: st.kind, beforeOwnStations: st.position < suppliers };
      })
      .toEqual({ kind: StationKind.SUPPLIER, beforeOwnStations: true });

    await leadBoard.button(`Edit station ${paint.name}`).click();
    const placeBefore = (await server.board()).stations.find((s) => s.id === paint.id)!.position;
    await dialog.getByRole('button', { name: 'Move earlier' }).click();
    await expect
      .poll(async () => (await server.board()).stations.find((s) => s.id === paint.id)!.position)
      .toBe(placeBefore - 1);

    await dialog.getByRole('button', { name: 'Remove station' }).click();
    await dialog.getByRole('group').getByRole('button', { name: 'Remove station' }).click();
    await expect(dialog).toHaveCount(0);
    await expect.poll(async () => (await server.board()).stations.some((s) => s.id === paint.id)).toBe(false);
    await expect(leadBoard.page.getByRole('heading', { name: paint.name })).toHaveCount(0);
  });

  test('a station with loops is not removed, and says why', async ({ server, plant, leadBoard }) => {
    const welding = plant.station('Welding');
    const before = JSON.stringify(await server.board());
    await leadBoard.open();
    await leadBoard.button(`Edit station ${welding.name}`).click();
    const dialog = leadBoard.page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Remove station' }).click();
    await dialog.getByRole('group').getByRole('button', { name: 'Remove station' }).click();
    await expect(dialog.getByRole('alert').filter({ hasText: /retire (it|them) first/ })).toBeVisible();
    expect(JSON.stringify(await server.board())).toBe(before);
  });

  test('a loop is retired and its cards leave the board; a duplicate part between the same stations warns', async ({
    server,
    plant,
    leadBoard,
    tv,
  }) => {
    const rods = plant.loop('MC-2201');
    const machining = plant.station('Machining');
    const assembly = plant.station('Final Assembly');
    await tv.open();
    await leadBoard.open();
    await leadBoard.button('Loops').click();
    const dialog = leadBoard.page.getByRole('dialog');

    await dialog.getByRole('button', { name: 'New loop' }).click();
    const form = dialog.getByRole('form', { name: 'New loop' });
    await form.getByLabel('Part number').fill(rods.partNumber.toLowerCase());
    await form.getByLabel('Supplying station').selectOption({ label: machining.name });
    await form.getByLabel('Consuming station').selectOption({ label: assembly.name });
    await expect(form.getByTestId('duplicate-part')).toContainText(`${machining.name} already supplies ${rods.partNumber} to ${assembly.name}`);
    await expect(form.getByRole('button', { name: 'Create anyway' })).toBeVisible();
    await form.getByRole('button', { name: 'Cancel' }).click();

    // A loop with nothing in process can be retired (one with work in process says so).
    const busy = plant.board.cards.find((c) => c.column === Column.IN_PROGRESS)!;
    const busyLoop = plant.board.loops.find((l) => l.id === busy.loopId)!;
    const busyRow = dialog.getByTestId(`loop-row-${busyLoop.id}`);
    await busyRow.getByRole('button', { name: `Retire ${busyLoop.partNumber}` }).click();
    await busyRow.getByRole('button', { name: 'Retire loop' }).click();
    await expect(busyRow.getByRole('alert')).toContainText(/In Progress; finish or step (it|them) back before retiring/);
    await busyRow.getByRole('button', { name: 'Cancel' }).click();

    const idle = plant.board.loops.find((l) => !plant.board.cards.some((c) => c.loopId === l.id && c.column === Column.IN_PROGRESS))!;
    const row = dialog.getByTestId(`loop-row-${idle.id}`);
    await row.getByRole('button', { name: `Retire ${idle.partNumber}` }).click();
    await row.getByRole('button', { name: 'Retire loop' }).click();
    await expect(row).toHaveCount(0);
    await expect.poll(async () => (await server.board()).loops.some((l) => l.id === idle.id)).toBe(false);
    const board = await server.board();
    expect(board.cards.some((c) => c.loopId === idle.id)).toBe(false);
    expect(board.loops.some((l) => l.id === busyLoop.id)).toBe(true);
    await tv.expectShows(board);
    const supplier = idle.supplierStationId;
    await expect(leadBoard.page.getByTestId(`column-${supplier}-${Column.DONE}`)).toHaveAttribute(
      'data-count',
      String(board.cards.filter((c) => c.stationId === supplier && c.column === Column.DONE).length),
    );
  });

  test('stations are reordered by keyboard and by drag; a move against the value stream is refused in words', async ({ server, leadBoard }) => {
    const order = async () => (await server.board()).stations.sort((a, b) => a.position - b.position).map((s) => s.name);
    const start = await order();
    await leadBoard.open();
    await leadBoard.button('Station order').click();
    const dialog = leadBoard.page.getByRole('dialog', { name: 'Order of stations' });
    const list = dialog.getByTestId('station-order');
    await expect(list.getByRole('listitem')).toHaveCount(start.length);

    // Keyboard: Alt+Down on the second station (the first own station) moves it one down.
    const second = start[1]!;
    await list.getByRole('listitem', { name: new RegExp(`^2\\. ${second},`) }).focus();
    await leadBoard.page.keyboard.press('Alt+ArrowDown');
    await expect.poll(order).toEqual([start[0], start[2], second, ...start.slice(3)]);

    // Drag: the third station back to the second place.
    const now = await order();
    await list.getByRole('listitem', { name: new RegExp(`^3\\. ${now[2]},`) }).dragTo(list.getByRole('listitem', { name: new RegExp(`^2\\. ${now[1]},`) }));
    await expect.poll(order).toEqual(start);

    // The customer end cannot move up past a process station: refused, and said why.
    const last = start.at(-1)!;
    await dialog.getByRole('button', { name: `Move ${last} up` }).click();
    await expect(dialog.getByRole('alert')).toContainText('the customer end comes last');
    expect(await order()).toEqual(start);
  });
});
