import { test, expect } from './fixtures.ts';

test('the server serves the board API and the client page', async ({ server, page }) => {
  const board = await server.board();
  expect(board.stations.length).toBe(6);
  await page.goto(server.url + '/');
  await expect(page).toHaveTitle(/Pullboard/);
});
