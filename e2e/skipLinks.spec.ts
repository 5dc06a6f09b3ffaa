// The lead board by keyboard: the first stops are "Skip to <station>" links, each of
// which takes the focus to that station's lane (on a phone too, where it picks it).
import { expect, test } from './fixtures.ts';

test.describe('skip links on the lead board', () => {
  for (const size of [
    { width: 1366, height: 768 },
    { width: 390, height: 844 },
  ]) {
    test(`at ${size.width}x${size.height} the first Tab reaches them, and one takes the focus to its station`, async ({ plant, leadBoard }) => {
      const welding = plant.station('Welding');
      const first = plant.board.stations.slice().sort((a, b) => a.position - b.position)[0]!;
      await leadBoard.page.setViewportSize(size);
      await leadBoard.open();
      await leadBoard.page.keyboard.press('Tab');
      const focused = leadBoard.page.locator(':focus');
      await expect(focused).toHaveText(`Skip to ${first.name}`);
      await expect(focused).toBeInViewport();
      const link = leadBoard.page.getByRole('link', { name: `Skip to ${welding.name}` });
      await link.focus();
      await leadBoard.page.keyboard.press('Enter');
      await expect(leadBoard.page.getByRole('heading', { name: welding.name, level: 2 })).toBeFocused();
      await expect(leadBoard.page.getByRole('heading', { name: welding.name, level: 2 })).toBeInViewport();
    });
  }
});
