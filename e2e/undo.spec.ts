// Forgiving actions on the station tablet: a double tap on Use is one Use, and the Undo
// the tablet offers puts the card back as it was, on the server and on every screen.
import { z } from 'zod';
import { Column, EventType } from '../shared/names.ts';
import { cardOf, cardsIn, expect, keepScreenshot, test } from './fixtures.ts';
import type { TestServer } from './fixtures.ts';

const EventsPage = z.object({ events: z.array(z.object({ type: z.string(), cardId: z.string().optional() })), lastSeq: z.number() });

async function eventsAfter(server: TestServer, seq: number) {
  const r = await server.api('GET', `/events?after=${seq}`);
  return EventsPage.parse(r.body).events;
}

test.describe('forgiving actions', () => {
  test('two taps on Use 120 ms apart use one container, and Undo puts it back as it was on every screen', async ({
    server,
    plant,
    tablet,
    tv,
  }, testInfo) => {
    const assembly = plant.station('Final Assembly');
    const machining = plant.station('Machining');
    const rods = plant.loop('MC-2201');
    const full = cardsIn(plant.board, machining.id, Column.DONE).filter((c) => c.loopId === rods.id);
    const seq0 = plant.board.seq;

    await tv.open();
    await tablet.open(assembly.id);
    // Two taps on the button 120 ms apart, as a glove bouncing on the glass makes. Timed
    // inside the page: driving the touchscreen from here takes longer than 120 ms per tap
    // on a busy machine.
    await tablet.button(`Use ${rods.partNumber}`).evaluate(async (button) => {
      if (!(button instanceof HTMLButtonElement)) throw new Error('not a button');
      button.click();
      await new Promise((resolve) => setTimeout(resolve, 120));
      button.click();
    });
    const bar = tablet.page.getByTestId('undo-bar');
    await expect(bar).toContainText(`Used ${rods.partNumber} card`);
    await expect(tablet.inbound(rods.id)).toHaveAttribute('data-full', String(full.length - 1));
    // The container the server took (the oldest, first in first out).
    const usedId = (await eventsAfter(server, seq0))[0]?.cardId ?? '';
    const oldest = cardOf(plant.board, usedId);
    await expect(bar).toContainText(`Used ${plant.cardName(oldest)}`);
    await keepScreenshot(tablet.page, 'tablet-undo-1024x768', testInfo);
    expect(cardOf(await server.board(), oldest.id).column).toBe(Column.REQUESTED);

    await bar.getByRole('button', { name: 'Undo', exact: true }).tap();
    await expect(bar).toContainText(`Undone: Used ${plant.cardName(oldest)}`);

    // The log holds one Use (the second tap was the same action) and its undo, in order:
    // a second Use would have been sent before the Undo on the same link.
    await expect
      .poll(async () => (await eventsAfter(server, seq0)).map((e) => `${e.type}:${e.cardId ?? ''}`))
      .toEqual([`${EventType.CARD_CONSUMED}:${oldest.id}`, `${EventType.CARD_UNDONE}:${oldest.id}`]);
    const { version: _before, ...asWas } = oldest;
    const { version: after, ...now } = cardOf(await server.board(), oldest.id);
    expect(now).toEqual(asWas);
    expect(after).toBeGreaterThan(oldest.version);

    await expect(tablet.inbound(rods.id)).toHaveAttribute('data-full', String(full.length));
    await tv.expectShows(await server.board());
  });

  test('Start and Finish can be undone on the tablet that made them', async ({ server, plant, tablet }) => {
    const machining = plant.station('Machining');
    const barrel = plant.card('MC-3105', 1);
    const name = plant.cardName(barrel);
    await tablet.open(machining.id);

    await tablet.tap(`Start ${name}`);
    const bar = tablet.page.getByTestId('undo-bar');
    await expect(bar).toContainText(`Started ${name}`);
    await bar.getByRole('button', { name: 'Undo', exact: true }).tap();
    await expect(tablet.card(barrel.id)).toHaveAttribute('data-column', Column.REQUESTED);
    await expect.poll(async () => cardOf(await server.board(), barrel.id).column).toBe(Column.REQUESTED);

    await tablet.tap(`Start ${name}`);
    await expect(tablet.card(barrel.id)).toHaveAttribute('data-column', Column.IN_PROGRESS);
    await tablet.tap(`Finish ${name}`);
    await expect(bar).toContainText(`Finished ${name}`);
    await bar.getByRole('button', { name: 'Undo', exact: true }).tap();
    await expect(tablet.card(barrel.id)).toHaveAttribute('data-column', Column.IN_PROGRESS);
    await expect.poll(async () => cardOf(await server.board(), barrel.id).column).toBe(Column.IN_PROGRESS);
  });
});
