// Scanning at a station tablet: a keyboard-wedge scanner types a card's code and Enter
// with no field focused, the tablet does that station's step with the card, and the wall
// TV shows it; a code typed into the scan box that fits no step says why; a burst that is
// not a card stays a badge.
import { formatCode } from '../shared/cardCode.ts';
import { Column } from '../shared/names.ts';
import { cardOf, cardsIn, expect, test } from './fixtures.ts';

test.describe('scanning a card at a station', () => {
  test('a wedge scanner typing the code with no field focused starts the card, and the wall TV shows it', async ({
    server,
    plant,
    tablet,
    tv,
  }) => {
    const machining = plant.station('Machining');
    const barrel = plant.card('MC-3105', 1);
    expect(barrel).toMatchObject({ stationId: machining.id, column: Column.REQUESTED });
    const inProgress = cardsIn(plant.board, machining.id, Column.IN_PROGRESS).length;

    await tv.open();
    await tablet.open(machining.id);
    await expect(tablet.page.getByTestId('scan-box')).toBeVisible();
    // Nothing focused: the scanner "types" into the page itself, fast, then Enter.
    await tablet.page.evaluate(() => (document.activeElement instanceof HTMLElement ? document.activeElement.blur() : undefined));
    await tablet.page.keyboard.type(barrel.code, { delay: 8 });
    await tablet.page.keyboard.press('Enter');

    const result = tablet.page.getByTestId('scan-result');
    await expect(result).toHaveAttribute('data-tone', 'ok');
    await expect(result).toContainText(`Started ${plant.cardName(barrel)}`);
    await expect(tablet.card(barrel.id)).toHaveAttribute('data-column', Column.IN_PROGRESS);
    await tv.expectCount(machining.id, Column.IN_PROGRESS, inProgress + 1);
    await expect.poll(async () => cardOf(await server.board(), barrel.id).column).toBe(Column.IN_PROGRESS);
    // Nothing signed in by badge: the burst was a card, not a badge.
    await expect(tablet.page.getByTestId('badge-bar')).toHaveCount(0);

    // The scan can be taken back like a tap: Undo, and every screen shows it.
    const undo = tablet.page.getByTestId('undo-bar');
    await expect(undo).toContainText(`Started ${plant.cardName(barrel)}`);
    await undo.getByRole('button', { name: 'Undo', exact: true }).click();
    await expect(undo).toContainText('Undone');
    await expect.poll(async () => cardOf(await server.board(), barrel.id).column).toBe(Column.REQUESTED);
    await tv.expectCount(machining.id, Column.IN_PROGRESS, inProgress);
  });

  test('a code typed into the scan box that fits no step here says why, and changes nothing', async ({ server, plant, tablet }) => {
    const machining = plant.station('Machining');
    const full = cardsIn(plant.board, machining.id, Column.DONE)[0]!;
    const before = await server.board();

    await tablet.open(machining.id);
    const field = tablet.page.getByRole('textbox', { name: 'Scan a card' });
    await field.fill(formatCode(full.code).toLowerCase());
    await field.press('Enter');

    const result = tablet.page.getByTestId('scan-result');
    await expect(result).toHaveAttribute('data-tone', 'bad');
    await expect(result).toContainText(`is already full in Machining's Done`);
    expect((await server.board()).seq).toBe(before.seq);

    await field.fill('ZZZZ-ZZZZ');
    await field.press('Enter');
    await expect(result).toContainText('No card has the code');
  });
});
